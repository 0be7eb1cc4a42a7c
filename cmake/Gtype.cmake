# CMake functions for projects whose protocols are .gtype files.
#
#   gtype_verify(<name> FILES <file>... [BOUND <k>] [MAX_STATES <n>] [DEPENDS <file>...])
#
# Model-checks every protocol and local system of the files as a build step: the build fails,
# printing the violation and its shortest trace, when one is not verified (an inconclusive
# verdict fails too). Also adds a test <name> that runs the same check. DEPENDS lists files the
# FILES import, so that editing them re-runs the check.
#
#   gtype_add_protocol(<target> FILES <file>... [ROLES <role>...] [DEPENDS <file>...]
#                      [IMPORT_PATHS <dir>...] [BOUND <k>] [MAX_STATES <n>] [NO_VERIFY]
#                      [UNCONFINED_IMPORTS])
#
# At build time, whenever a FILE or a DEPENDS file changes: verifies every protocol and local
# system of the FILEs as gtype_verify does (the build fails with the violation and its trace;
# NO_VERIFY skips this), then generates C++ for their roles (only the ROLES, when given) into
# ${CMAKE_CURRENT_BINARY_DIR}/<target>/. <target> is an INTERFACE library: linking it puts that
# folder on the include path and links the runtime (gtype::runtime). Sources then include
# <protocol>/<role>.h (protocol in snake_case), or <target>.h for every generated header.
# Unchanged generated files keep their timestamps, so regenerating rebuilds only what changed.
# Imports are confined (gtype --confine-imports): a FILE may import only files under its own
# folder (or module root) and the IMPORT_PATHS (gtype -I), symbolic links followed, so that a
# protocol file cannot make the build read, and print in its errors, any file of the machine.
# UNCONFINED_IMPORTS lets imports go anywhere, as a plain `gtype` does.
#
# GTYPE_EXECUTABLE names the gtype command (the `gtype` target of this project by default; the
# installed command when this file comes from find_package(gtype)).

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

function(gtype_add_protocol target)
  cmake_parse_arguments(ARG "NO_VERIFY;UNCONFINED_IMPORTS" "BOUND;MAX_STATES" "FILES;ROLES;DEPENDS;IMPORT_PATHS"
                        ${ARGN})
  if(NOT ARG_FILES)
    message(FATAL_ERROR "gtype_add_protocol(${target}): FILES is required")
  endif()
  if(ARG_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "gtype_add_protocol(${target}): unexpected arguments: ${ARG_UNPARSED_ARGUMENTS}")
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
  # Options of every gtype command run here: where imports are looked for, and confined to.
  set(load_options)
  foreach(dir IN LISTS ARG_IMPORT_PATHS)
    get_filename_component(dir ${dir} ABSOLUTE)
    list(APPEND load_options -I ${dir})
  endforeach()
  if(NOT ARG_UNCONFINED_IMPORTS)
    list(APPEND load_options --confine-imports)
  endif()
  set(verify_options ${load_options})
  if(ARG_BOUND)
    list(APPEND verify_options --bound ${ARG_BOUND})
  endif()
  if(ARG_MAX_STATES)
    list(APPEND verify_options --max-states ${ARG_MAX_STATES})
  endif()
  set(out ${CMAKE_CURRENT_BINARY_DIR}/${target})
  set(index ${out}/${target}.h)
  set(gen_options ${load_options} --out ${out} --index ${target}.h)
  foreach(role IN LISTS ARG_ROLES)
    list(APPEND gen_options --role ${role})
  endforeach()
  set(tool_dependency)
  if(TARGET gtype)
    set(tool_dependency gtype)
  endif()

  # With the command already built (an installed gtype, or this project's from an earlier
  # build), name the generated headers now, so that Ninja knows which step writes them and
  # recompiles their includers in the same build that changes them; re-configure when a .gtype
  # changes, since that may change the list. Without it (a first build of this project), only the
  # index header <target>.h is known: includers of the other headers may then be recompiled one
  # build late after a change.
  set(lister)
  if(NOT GTYPE_EXECUTABLE MATCHES "[$]<" AND EXISTS "${GTYPE_EXECUTABLE}")
    set(lister ${GTYPE_EXECUTABLE})
  elseif(TARGET gtype AND CMAKE_RUNTIME_OUTPUT_DIRECTORY AND EXISTS "${CMAKE_RUNTIME_OUTPUT_DIRECTORY}/gtype")
    set(lister ${CMAKE_RUNTIME_OUTPUT_DIRECTORY}/gtype)
  endif()
  set(byproducts)
  if(lister)
    execute_process(COMMAND ${lister} gen ${files} ${gen_options} --list
                    OUTPUT_VARIABLE listed RESULT_VARIABLE listed_status ERROR_QUIET)
    if(listed_status EQUAL 0)
      string(REPLACE "\n" ";" listed "${listed}")
      foreach(path IN LISTS listed)
        if(path AND NOT path STREQUAL index)
          list(APPEND byproducts ${path})
        endif()
      endforeach()
    endif()
    set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${files} ${depends})
  endif()

  set(verify_command)
  if(NOT ARG_NO_VERIFY)
    set(verify_command COMMAND ${GTYPE_EXECUTABLE} verify ${verify_options} ${files})
  endif()
  add_custom_command(
    OUTPUT ${index}
    BYPRODUCTS ${byproducts}
    ${verify_command}
    COMMAND ${GTYPE_EXECUTABLE} gen ${files} ${gen_options}
    DEPENDS ${files} ${depends} ${tool_dependency}
    COMMENT "Verifying and generating ${target}"
    VERBATIM)
  add_custom_target(${target}_generate DEPENDS ${index})

  if(NOT TARGET gtype::runtime AND TARGET gtype_runtime)
    add_library(gtype::runtime ALIAS gtype_runtime)
  endif()
  add_library(${target} INTERFACE)
  add_dependencies(${target} ${target}_generate)
  target_include_directories(${target} INTERFACE ${out})
  target_link_libraries(${target} INTERFACE gtype::runtime)
  target_compile_features(${target} INTERFACE cxx_std_20)
endfunction()
