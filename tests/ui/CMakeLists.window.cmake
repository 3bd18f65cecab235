# The real kiosk window (GLFW + OpenGL) on a headless X server, tapped with xdotool: see
# ui/window_test.sh. Included from tests/CMakeLists.txt, where `mrscreen` is a target.
# It needs a few programs beyond the build; without them the test is not registered.
set(MRSCREEN_UI_WINDOW_TOOLS Xvfb xdotool import identify compare python3)
set(MRSCREEN_UI_WINDOW_MISSING "")
foreach(tool ${MRSCREEN_UI_WINDOW_TOOLS})
    string(TOUPPER "MRSCREEN_${tool}_EXECUTABLE" var)
    find_program(${var} ${tool})
    if(NOT ${var})
        list(APPEND MRSCREEN_UI_WINDOW_MISSING ${tool})
    endif()
endforeach()

if(MRSCREEN_UI_WINDOW_MISSING)
    list(JOIN MRSCREEN_UI_WINDOW_MISSING ", " missing)
    message(WARNING "${missing} not found: the kiosk window test (ui_window) is not registered "
                    "(kiosk-setup/mrscreen test installs them)")
else()
    set(MRSCREEN_UI_WINDOW_TEST
        "ui_window: under Xvfb, a whole patient visit in Spanish on the real kiosk window, tapped from Welcome to a signed submission with a verified record, then the idle warning and reset, the staff gesture, a close request ignored when fullscreen, and a SIGTERM that closes it cleanly, with a screenshot of each screen")
    add_test(NAME "${MRSCREEN_UI_WINDOW_TEST}"
             COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/window_test.sh $<TARGET_FILE:mrscreen> ${PROJECT_SOURCE_DIR}
                     ${CMAKE_CURRENT_BINARY_DIR}/output/ui-window)
    # About 110 s when well; each expected state-log line is waited for at most 20 s.
    set_tests_properties("${MRSCREEN_UI_WINDOW_TEST}" PROPERTIES LABELS ui_window TIMEOUT 300)
endif()
