# A separate project on an installed gtype (CTest: codegen_install_example).
#
# Installs this build to a fresh prefix, copies examples/key_value, and builds it with
# find_package(gtype) as a user would; then checks what gtype_add_protocol promises:
#   1. the example builds warning-free (-Wall -Wextra -Werror) and its two participants run;
#   2. a second build does nothing;
#   3. touching the .gtype regenerates, but recompiles nothing: the headers did not change;
#   4. a protocol added to the .gtype is generated too, still without recompiling the programs;
#   5. a protocol that fails verification fails the build, and the build prints its trace;
#   6. an import from outside the project's folder fails the build (imports are confined).
# Needs -DBINARY_DIR, -DSOURCE_DIR, -DWORK_DIR, -DGENERATOR, -DCXX.
function(run what)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err)
  set(output "${out}${err}" PARENT_SCOPE)
  if(NOT code EQUAL 0)
    message(FATAL_ERROR "${what} failed (${code}):\n${out}${err}")
  endif()
endfunction()

file(REMOVE_RECURSE ${WORK_DIR})
set(prefix ${WORK_DIR}/prefix)
set(project ${WORK_DIR}/key_value)
set(build ${WORK_DIR}/build)
run("install" ${CMAKE_COMMAND} --install ${BINARY_DIR} --prefix ${prefix})
file(COPY ${SOURCE_DIR}/examples/key_value/ DESTINATION ${project})

# 1.
run("configure" ${CMAKE_COMMAND} -S ${project} -B ${build} -G ${GENERATOR} -DCMAKE_PREFIX_PATH=${prefix}
    -DCMAKE_CXX_COMPILER=${CXX} -DCMAKE_BUILD_TYPE=Release "-DCMAKE_CXX_FLAGS=-Wall -Wextra -Werror")
run("build" ${CMAKE_COMMAND} --build ${build})
run("the example's test" ${CMAKE_CTEST_COMMAND} --test-dir ${build} --output-on-failure)
message("1. built and ran")

# 2.
run("second build" ${CMAKE_COMMAND} --build ${build})
if(output MATCHES "Verifying|Building|Linking")
  message(FATAL_ERROR "a second build did something:\n${output}")
endif()
message("2. a second build does nothing")

# 3. (a second later: file times may be coarse)
execute_process(COMMAND ${CMAKE_COMMAND} -E sleep 1.1)
file(TOUCH ${project}/key_value.gtype)
run("build after touch" ${CMAKE_COMMAND} --build ${build})
if(NOT output MATCHES "Verifying and generating key_value_protocol")
  message(FATAL_ERROR "touching the protocol did not regenerate:\n${output}")
endif()
if(output MATCHES "Building CXX")
  message(FATAL_ERROR "regenerating unchanged headers recompiled:\n${output}")
endif()
message("3. regenerated, nothing recompiled")

# 4.
execute_process(COMMAND ${CMAKE_COMMAND} -E sleep 1.1)
file(APPEND ${project}/key_value.gtype "\nglobal protocol Extra(role a, role b) {\n  a -> b : m(int);\n}\n")
run("build with a new protocol" ${CMAKE_COMMAND} --build ${build})
if(NOT EXISTS ${build}/key_value_protocol/extra/a.h OR output MATCHES "Building CXX")
  message(FATAL_ERROR "the new protocol was not generated, or the programs were recompiled:\n${output}")
endif()
message("4. a new protocol generated, nothing recompiled")

# 5.
execute_process(COMMAND ${CMAKE_COMMAND} -E sleep 1.1)
file(APPEND ${project}/key_value.gtype "
explicit global protocol Waits(role a, role b, role c) {
  a ->> b : hi();
  a ->> c : hi();
  choice at a {
    a -> b : go();
    b ->> c : note();
  } or {
    a -> b : stop();
  }
}
")
execute_process(COMMAND ${CMAKE_COMMAND} --build ${build} RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(code EQUAL 0 OR NOT "${out}${err}" MATCHES "unfinished-role \\(c\\)" OR NOT "${out}${err}" MATCHES "a -> b : stop")
  message(FATAL_ERROR "a protocol with a violation did not fail the build with its trace (${code}):\n${out}${err}")
endif()
message("5. a violation fails the build, with its trace")

# 6. The file is readable and well-formed: only the confinement refuses it.
file(WRITE ${WORK_DIR}/outside.gtype "global protocol Outside(role a, role b) {\n  a -> b : m();\n}\n")
file(READ ${project}/key_value.gtype protocol)
file(WRITE ${project}/key_value.gtype "import \"../outside.gtype\";\n${protocol}")
execute_process(COMMAND ${CMAKE_COMMAND} --build ${build} RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(code EQUAL 0 OR NOT "${out}${err}" MATCHES "cannot import \"../outside.gtype\": it is outside the folders")
  message(FATAL_ERROR "an import from outside the project did not fail the build (${code}):\n${out}${err}")
endif()
message("6. an import from outside the project fails the build")
