# CMake functions for projects whose protocols are .gtype files.
#
#   gtype_verify(<name> FILES <file>... [BOUND <k>] [MAX_STATES <n>] [DEPENDS <file>...])
#
# Model-checks every protocol and local system of the files as a build step: the build fails,
# printing the violation and its shortest trace, when one is not verified (an inconclusive
# verdict fails too). Also adds a test <name> that runs the same check. DEPENDS lists files the
# FILES import, so that editing them re-runs the check.
#
# GTYPE_EXECUTABLE names the gtype command (the `gtype` target of this project by default).

if(NOT DEFINED GTYPE_EXECUTABLE)
  set(GTYPE_EXECUTABLE $<TARGET_FILE:gtype>)
endif()

function(gtype_verify name)
  cmake_parse_arguments(ARG "" "BOUND;MAX_STATES" "FILES;DEPENDS" ${ARGN})
  if(NOT ARG_FILES)
    message(FATAL_ERROR "gtype_verify(${name}): FILES is required")
  endif()
  set(options)
  if(ARG_BOUND)
    list(APPEND options --bound ${ARG_BOUND})
  endif()
  if(ARG_MAX_STATES)
    list(APPEND options --max-states ${ARG_MAX_STATES})
  endif()
  set(files)
  foreach(file IN LISTS ARG_FILES)
    get_filename_component(file ${file} ABSOLUTE)
    list(APPEND files ${file})
  endforeach()
  set(depends)
  foreach(file IN LISTS ARG_DEPENDS)
    get_filename_component(file ${file} ABSOLUTE)
    list(APPEND depends ${file})
  endforeach()
  set(tool_dependency)
  if(TARGET gtype)
    set(tool_dependency gtype)
  endif()

  set(stamp ${CMAKE_CURRENT_BINARY_DIR}/${name}.verified)
  add_custom_command(
    OUTPUT ${stamp}
    COMMAND ${GTYPE_EXECUTABLE} verify ${options} ${files}
    COMMAND ${CMAKE_COMMAND} -E touch ${stamp}
    DEPENDS ${files} ${depends} ${tool_dependency}
    COMMENT "Verifying ${name}"
    VERBATIM)
  add_custom_target(${name} ALL DEPENDS ${stamp})
  if(COMMAND add_test)
    add_test(NAME ${name} COMMAND ${GTYPE_EXECUTABLE} verify ${options} ${files})
  endif()
endfunction()
