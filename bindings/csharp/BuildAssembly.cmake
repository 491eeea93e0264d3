# cmake -P BuildAssembly.cmake: compiles every .cs file under SOURCE_DIRS with Mono's mcs.
# Run at build time so that the SWIG-generated files (named by the interface) are found by
# globbing. Inputs (-D): MCS, SOURCE_DIRS (;-list), OUTPUT, FLAGS (;-list).
set(sources)
foreach(dir ${SOURCE_DIRS})
  file(GLOB_RECURSE found ${dir}/*.cs)
  list(APPEND sources ${found})
endforeach()
list(SORT sources)
string(REPLACE ";" "\n" source_list "${sources}")
file(WRITE ${OUTPUT}.sources "${source_list}\n")
execute_process(COMMAND ${MCS} ${FLAGS} -out:${OUTPUT} @${OUTPUT}.sources RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "mcs failed for ${OUTPUT}")
endif()
