#define _DEFAULT_SOURCE
#include "capi_test_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int capi_test_failures = 0;

int capi_expect_status(kolosal_status expected, kolosal_status actual, const char* call,
                       const char* file, int line) {
  if (expected == actual) return 1;
  fprintf(stderr, "%s:%d: %s\n  expected %s, got %s: %s\n", file, line, call,
          kolosal_status_name(expected), kolosal_status_name(actual), kolosal_last_error());
  ++capi_test_failures;
  return 0;
}

int capi_expect_true(int condition, const char* text, const char* file, int line) {
  if (condition) return 1;
  fprintf(stderr, "%s:%d: expected %s\n", file, line, text);
  ++capi_test_failures;
  return 0;
}

int capi_expect_error_contains(const char* fragment, const char* file, int line) {
  const char* message = kolosal_last_error();
  if (strstr(message, fragment) != NULL) return 1;
  fprintf(stderr, "%s:%d: last error \"%s\" does not contain \"%s\"\n", file, line, message,
          fragment);
  ++capi_test_failures;
  return 0;
}

const char* capi_write_temp_file(const char* suffix, const char* text, long size) {
  static char path[256];
  FILE* file;
  int fd;
  snprintf(path, sizeof path, "/tmp/kolosal-capi-XXXXXX%s", suffix);
  fd = mkstemps(path, (int)strlen(suffix));
  if (fd < 0) {
    perror("mkstemps");
    exit(1);
  }
  file = fdopen(fd, "wb");
  fwrite(text, 1, (size_t)size, file);
  fclose(file);
  return path;
}

const char* capi_dataset_path(const char* data_dir, const char* file_name) {
  static char path[1024];
  if (data_dir == NULL) return NULL;
  snprintf(path, sizeof path, "%s/%s", data_dir, file_name);
  return access(path, R_OK) == 0 ? path : NULL;
}

unsigned capi_next_random(unsigned* state) {
  *state = *state * 1103515245u + 12345u;
  return *state;
}

float capi_uniform(unsigned* state) {
  return (float)((capi_next_random(state) >> 8) % 2000) / 1000.0f - 1.0f;
}

int capi_test_finish(const char* name) {
  if (capi_test_failures == 0) {
    printf("%s: all checks passed\n", name);
    return 0;
  }
  printf("%s: %d check(s) failed\n", name, capi_test_failures);
  return 1;
}
