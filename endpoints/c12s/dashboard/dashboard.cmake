# `c12s dashboard` (included by endpoints/c12s/CMakeLists.txt): its HTTP library, the part of
# it that needs no network (c12s_dashboard_model, which its tests link), and the files the
# binary embeds: the page (this folder) and a sequence diagram per protocol, drawn by
# build/bin/gtype at build time (embed.cmake).
find_package(PkgConfig REQUIRED)
pkg_check_modules(CPP_HTTPLIB REQUIRED IMPORTED_TARGET GLOBAL cpp-httplib)  # GLOBAL: its tests link it too

add_library(c12s_dashboard_model STATIC ${CMAKE_CURRENT_SOURCE_DIR}/dashboard_model.cpp)
target_include_directories(c12s_dashboard_model PUBLIC ${CMAKE_CURRENT_SOURCE_DIR})
target_link_libraries(c12s_dashboard_model PUBLIC c12s_output PRIVATE nlohmann_json::nlohmann_json gtype_warnings)

# Every global protocol of protocols/*.gtype, as NAME|FILE (a new file or protocol reconfigures).
file(GLOB dashboard_protocol_files CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/protocols/*.gtype)
set(dashboard_protocols "")
foreach(file IN LISTS dashboard_protocol_files)
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${file})
  file(STRINGS ${file} lines REGEX "^[ \t]*(explicit[ \t]+)?global[ \t]+protocol[ \t]+[A-Za-z_]")
  foreach(line IN LISTS lines)
    string(REGEX MATCH "protocol[ \t]+([A-Za-z_][A-Za-z0-9_]*)" _ "${line}")
    list(APPEND dashboard_protocols "${CMAKE_MATCH_1}|${file}")
  endforeach()
endforeach()

set(dashboard_dir ${CMAKE_CURRENT_SOURCE_DIR}/dashboard)
# PATH|MEDIA TYPE|FILE (UTF-8 text: the server names the charset)
set(dashboard_assets "/|text/html|${dashboard_dir}/index.html" "/app.js|text/javascript|${dashboard_dir}/app.js"
                     "/style.css|text/css|${dashboard_dir}/style.css")
file(CONFIGURE OUTPUT ${CMAKE_CURRENT_BINARY_DIR}/dashboard_inputs.cmake CONTENT
     "set(ASSETS \"${dashboard_assets}\")\nset(PROTOCOLS \"${dashboard_protocols}\")\n")

add_custom_command(
  OUTPUT ${CMAKE_CURRENT_BINARY_DIR}/dashboard_assets.cpp
  COMMAND ${CMAKE_COMMAND} -DINPUTS=${CMAKE_CURRENT_BINARY_DIR}/dashboard_inputs.cmake -DGTYPE=$<TARGET_FILE:gtype>
          -DOUT=${CMAKE_CURRENT_BINARY_DIR}/dashboard_assets.cpp -P ${dashboard_dir}/embed.cmake
  DEPENDS gtype ${dashboard_dir}/embed.cmake ${dashboard_dir}/index.html ${dashboard_dir}/app.js
          ${dashboard_dir}/style.css ${dashboard_protocol_files} ${CMAKE_CURRENT_BINARY_DIR}/dashboard_inputs.cmake
  COMMENT "Embedding the dashboard's page and the protocols' sequence diagrams"
  VERBATIM)
