# Runs the store and the client of the example side by side (a pipeline: the store prints the
# address it bound, which the client reads) and checks what they print.
execute_process(COMMAND ${STORE} tcp://127.0.0.1:0 1
                COMMAND ${CLIENT} -
                RESULTS_VARIABLE codes OUTPUT_VARIABLE output ERROR_VARIABLE errors TIMEOUT 30)
message("${output}${errors}")
if(NOT codes STREQUAL "0;0")
  message(FATAL_ERROR "kv_store and kv_client exited with ${codes}")
endif()
foreach(expected "client: colour = blue" "client: weight is missing" "client: done")
  string(FIND "${output}" "${expected}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "missing from the output: ${expected}")
  endif()
endforeach()
