/* Small assertion helpers shared by the C ABI tests (plain C11). */
#ifndef KOLOSAL_CAPI_TEST_UTIL_H_
#define KOLOSAL_CAPI_TEST_UTIL_H_

#include "kolosal_c.h"

extern int capi_test_failures;

/* Fails the test (and continues) when the call does not return the expected status. */
#define EXPECT_STATUS(expected, call) \
  capi_expect_status((expected), (call), #call, __FILE__, __LINE__)
#define EXPECT_OK(call) EXPECT_STATUS(KOLOSAL_OK, call)
#define EXPECT_TRUE(cond) capi_expect_true((cond), #cond, __FILE__, __LINE__)
/* Expects the last error message of this thread to contain `fragment`. */
#define EXPECT_ERROR_CONTAINS(fragment) capi_expect_error_contains((fragment), __FILE__, __LINE__)

int capi_expect_status(kolosal_status expected, kolosal_status actual, const char* call,
                       const char* file, int line);
int capi_expect_true(int condition, const char* text, const char* file, int line);
int capi_expect_error_contains(const char* fragment, const char* file, int line);

/* Writes `text` to a fresh temporary file and returns its path (static buffer). */
const char* capi_write_temp_file(const char* suffix, const char* text, long size);
/* The path of a dataset in the data folder, or NULL when it does not exist. */
const char* capi_dataset_path(const char* data_dir, const char* file_name);
/* Advances a seeded linear congruential generator and returns its new state. */
unsigned capi_next_random(unsigned* state);
/* The next value in [-1, 1), in steps of 0.001, of the generator at `state`. */
float capi_uniform(unsigned* state);
/* Prints a summary and returns the process exit code. */
int capi_test_finish(const char* name);

#endif /* KOLOSAL_CAPI_TEST_UTIL_H_ */
