# cmake -P BuildJar.cmake: compiles the hand-written and SWIG-generated Java sources and packs
# them, with the native libraries, into one jar. Run at build time so that the generated files
# (whose names come from the interface) are found by globbing.
# Inputs (-D): JAVAC, JAR, SOURCE_DIRS (;-list), CLASSES_DIR, JAR_FILE, NATIVE_DIR (resource
# path inside the jar), NATIVE_LIBS (;-list of file=name pairs), JAVAC_FLAGS (;-list).
file(REMOVE_RECURSE ${CLASSES_DIR})
file(MAKE_DIRECTORY ${CLASSES_DIR})
set(sources)
foreach(dir ${SOURCE_DIRS})
  file(GLOB_RECURSE found ${dir}/*.java)
  list(APPEND sources ${found})
endforeach()
list(SORT sources)
string(REPLACE ";" "\n" source_list "${sources}")
file(WRITE ${CLASSES_DIR}.sources "${source_list}\n")
execute_process(COMMAND ${JAVAC} ${JAVAC_FLAGS} -d ${CLASSES_DIR} @${CLASSES_DIR}.sources
                RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "javac failed")
endif()
if(NATIVE_LIBS)
  file(MAKE_DIRECTORY ${CLASSES_DIR}/${NATIVE_DIR})
  foreach(pair ${NATIVE_LIBS})
    string(REPLACE "=" ";" parts ${pair})
    list(GET parts 0 from)
    list(GET parts 1 name)
    file(COPY_FILE ${from} ${CLASSES_DIR}/${NATIVE_DIR}/${name})
  endforeach()
endif()
if(JAR_FILE)
  execute_process(COMMAND ${JAR} --create --file ${JAR_FILE} -C ${CLASSES_DIR} .
                  RESULT_VARIABLE result)
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "jar failed")
  endif()
endif()
