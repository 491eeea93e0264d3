# Writes the C++ reference for the binding tests with the kolosal CLI: a logistic regression
# trained on spam.csv (REFERENCE_DIR/spam.kolosal) and its probabilities on every row
# (REFERENCE_DIR/spam_proba.csv, %.9g floats). Without the shared data it writes nothing and
# the tests skip.
# cmake -DCLI=<kolosal> -DDATA_DIR=<dir> -DREFERENCE_DIR=<dir> -P MakeReference.cmake
if(NOT EXISTS ${DATA_DIR}/spam.csv)
  message(STATUS "skipped: ${DATA_DIR}/spam.csv not found")
  return()
endif()
file(MAKE_DIRECTORY ${REFERENCE_DIR})
execute_process(COMMAND ${CLI} train --data ${DATA_DIR}/spam.csv --target type
                        --model logistic_regression --out ${REFERENCE_DIR}/spam.kolosal
                RESULT_VARIABLE result OUTPUT_QUIET)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "kolosal train failed (${result})")
endif()
execute_process(COMMAND ${CLI} predict --model ${REFERENCE_DIR}/spam.kolosal
                        --data ${DATA_DIR}/spam.csv --proba --out ${REFERENCE_DIR}/spam_proba.csv
                RESULT_VARIABLE result ERROR_QUIET)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "kolosal predict failed (${result})")
endif()
