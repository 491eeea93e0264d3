# Runs examples/go the way a user builds it: a copy of the example module whose replace
# directive points at the assembled kolosal module, then `go run .`.
# cmake -DGO=<go> -DGO_ENV=<VAR=value;...> -DSOURCE_DIR=<examples/go> -DWORK_DIR=<dir>
#       -DMODULE_DIR=<module> -DDATA_DIR=<dir> -P RunExample.cmake
file(REMOVE_RECURSE ${WORK_DIR})
file(COPY ${SOURCE_DIR}/ DESTINATION ${WORK_DIR})
execute_process(COMMAND ${CMAKE_COMMAND} -E env ${GO_ENV} ${GO} mod edit
                        -replace=kolosal.ai/kolosal=${MODULE_DIR}
                WORKING_DIRECTORY ${WORK_DIR} RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "go mod edit failed")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} -E env ${GO_ENV} ${GO} run . ${DATA_DIR}
                WORKING_DIRECTORY ${WORK_DIR} RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "the Go example failed")
endif()
