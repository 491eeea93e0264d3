/* Streaming prediction through the C ABI: the output equals in-memory prediction, statistics,
 * cancellation from another thread, and every kind of bad input. */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "capi_test_util.h"

enum { kRows = 500, kBigRows = 100000, kInputPath = 512, kOutputPath = 600 };

/* "x0,x1,colour,y" with y = yes when x0 + x1 * x2 > 0 (x2 is hidden in the colour's sign). */
static char* make_csv(int rows) {
  char* text = malloc((size_t)rows * 64 + 64);
  size_t used = 0;
  unsigned state = 31u;
  int row;
  used += (size_t)sprintf(text, "x0,x1,colour,y\n");
  for (row = 0; row < rows; ++row) {
    float x0 = capi_uniform(&state), x1 = capi_uniform(&state);
    int red = capi_next_random(&state) % 2 == 0;
    float x2 = red ? 0.5f : -0.5f;
    used += (size_t)sprintf(text + used, "%.3f,%.3f,%s,%s\n", (double)x0, (double)x1,
                            red ? "red" : "blue", x0 + x1 * x2 > 0.0f ? "yes" : "no");
  }
  return text;
}

/* Writes make_csv(rows) to a new temporary file, named in input; output is input + ".out.csv". */
static void write_input(int rows, char input[kInputPath], char output[kOutputPath]) {
  char* csv = make_csv(rows);
  snprintf(input, kInputPath, "%s", capi_write_temp_file(".csv", csv, (long)strlen(csv)));
  snprintf(output, kOutputPath, "%s.out.csv", input);
  free(csv);
}

static kolosal_model* fit(const char* path) {
  kolosal_dataset* dataset = NULL;
  kolosal_train_engine* trainer = NULL;
  kolosal_model* model = NULL;
  EXPECT_OK(kolosal_dataset_from_csv(path, "{\"target\":\"y\"}", &dataset));
  EXPECT_OK(kolosal_train_engine_create(
      "{\"model\":\"gradient_boosting\",\"params\":{\"n_estimators\":20,\"num_leaves\":8}}",
      &trainer));
  EXPECT_OK(kolosal_train_engine_fit(trainer, dataset, &model));
  kolosal_train_engine_free(trainer);
  kolosal_dataset_free(dataset);
  return model;
}

static char* read_text(const char* path) {
  FILE* file = fopen(path, "rb");
  long size;
  char* text;
  if (file == NULL) return NULL;
  fseek(file, 0, SEEK_END);
  size = ftell(file);
  fseek(file, 0, SEEK_SET);
  text = malloc((size_t)size + 1);
  text[fread(text, 1, (size_t)size, file)] = '\0';
  fclose(file);
  return text;
}

static int file_exists(const char* path) {
  FILE* file = fopen(path, "rb");
  if (file != NULL) fclose(file);
  return file != NULL;
}

static void test_matches_in_memory_prediction(void) {
  char input[kInputPath], output[kOutputPath];
  kolosal_model* model;
  kolosal_dataset* dataset = NULL;
  kolosal_stream* stream = NULL;
  static float expected[kRows];
  char* text;
  char* line;
  char* stats = NULL;
  int row = 0, same = 1;

  write_input(kRows, input, output);
  model = fit(input);
  EXPECT_OK(kolosal_dataset_from_csv(input, NULL, &dataset));
  EXPECT_OK(kolosal_model_predict_dataset(model, dataset, expected, kRows));

  EXPECT_OK(kolosal_stream_create("{\"chunk_rows\":33,\"max_chunks_in_flight\":3}", &stream));
  EXPECT_OK(kolosal_stream_predict_csv(stream, model, input, output));
  text = read_text(output);
  EXPECT_TRUE(text != NULL);
  if (text != NULL) {
    line = strtok(text, "\n");
    EXPECT_TRUE(line != NULL && strcmp(line, "prediction") == 0);
    for (line = strtok(NULL, "\n"); line != NULL; line = strtok(NULL, "\n"), ++row) {
      char* name = NULL;
      EXPECT_OK(kolosal_model_class_name(model, (int64_t)expected[row], &name));
      if (row >= kRows || name == NULL || strlen(line) != strlen(name) + 2 ||
          strncmp(line + 1, name, strlen(name)) != 0) {
        same = 0;
      }
      kolosal_string_free(name);
    }
    EXPECT_TRUE(same);
    EXPECT_TRUE(row == kRows);
    free(text);
  }
  EXPECT_OK(kolosal_stream_stats(stream, &stats));
  EXPECT_TRUE(strstr(stats, "\"state\":\"done\"") != NULL);
  EXPECT_TRUE(strstr(stats, "\"rows\":500,") != NULL);
  EXPECT_TRUE(strstr(stats, "\"chunks\":16,") != NULL);
  kolosal_string_free(stats);

  kolosal_stream_free(stream);
  kolosal_dataset_free(dataset);
  kolosal_model_free(model);
  remove(output);
  remove(input);
}

/* Streamed contributions are the values kolosal_model_predict_contributions gives in memory. */
static void test_contributions_match_in_memory(void) {
  char input[kInputPath], output[kOutputPath];
  kolosal_model* model;
  kolosal_dataset* dataset = NULL;
  kolosal_stream* stream = NULL;
  float* expected;
  char* text;
  char* line;
  char* field;
  size_t width = 1, at = 0;
  int row = 0, same = 1;
  const char* header_start = "\"no:x0\",\"no:x1\",\"no:colour\",\"no:bias\",\"yes:x0\"";

  write_input(kRows, input, output);
  model = fit(input);
  EXPECT_OK(kolosal_stream_create("{\"chunk_rows\":40,\"contributions\":true}", &stream));
  EXPECT_OK(kolosal_stream_predict_csv(stream, model, input, output));
  text = read_text(output);
  EXPECT_TRUE(text != NULL);
  if (text != NULL) {
    line = strtok(text, "\n");
    EXPECT_TRUE(line != NULL && strncmp(line, header_start, strlen(header_start)) == 0);
    EXPECT_TRUE(line != NULL && strstr(line, "\"yes:bias\"") != NULL);
    for (field = line; (field = strchr(field, ',')) != NULL; ++field) ++width;
    expected = malloc(sizeof(float) * width * kRows);
    EXPECT_OK(kolosal_dataset_from_csv(input, NULL, &dataset));
    EXPECT_OK(
        kolosal_model_predict_contributions(model, dataset, expected, (int64_t)(width * kRows)));
    for (line = strtok(NULL, "\n"); line != NULL; line = strtok(NULL, "\n"), ++row) {
      char* end = line;
      size_t col;
      for (col = 0; col < width && row < kRows; ++col, ++at) {
        if (strtof(end, &end) != expected[at]) same = 0;
        if (*end == ',') ++end;
      }
      if (*end != '\0') same = 0;
    }
    EXPECT_TRUE(same);
    EXPECT_TRUE(row == kRows);
    free(expected);
    free(text);
  }
  EXPECT_TRUE(width == 8); /* two classes x (three columns + bias) */
  kolosal_stream_free(stream);
  EXPECT_STATUS(KOLOSAL_INVALID_ARGUMENT,
                kolosal_stream_create("{\"contributions\":true,\"probabilities\":true}", &stream));
  EXPECT_ERROR_CONTAINS("probabilities and contributions cannot be combined");
  kolosal_dataset_free(dataset);
  kolosal_model_free(model);
  remove(output);
  remove(input);
}

struct run {
  kolosal_stream* stream;
  const kolosal_model* model;
  const char* input;
  const char* output;
  kolosal_status status;
};

static void* run_stream(void* arg) {
  struct run* run = arg;
  run->status = kolosal_stream_predict_csv(run->stream, run->model, run->input, run->output);
  return NULL;
}

static void test_cancel_from_another_thread(void) {
  char input[kInputPath], output[kOutputPath];
  kolosal_model* model;
  kolosal_stream* stream = NULL;
  struct run run;
  pthread_t thread;
  char* stats = NULL;
  const struct timespec pause = {0, 1000000};
  int polls;

  write_input(kBigRows, input, output);
  model = fit(input);
  EXPECT_OK(kolosal_stream_create("{\"chunk_rows\":1,\"max_chunks_in_flight\":1}", &stream));
  run.stream = stream;
  run.model = model;
  run.input = input;
  run.output = output;
  run.status = KOLOSAL_OK;
  pthread_create(&thread, NULL, run_stream, &run);
  /* Wait until rows come out (30 s only stops a hang), then cancel. */
  for (polls = 0; polls < 30000; ++polls) {
    int started;
    EXPECT_OK(kolosal_stream_stats(stream, &stats));
    started = strstr(stats, "\"rows\":0,") == NULL && strstr(stats, "\"running\"") != NULL;
    kolosal_string_free(stats);
    if (started) break;
    nanosleep(&pause, NULL);
  }
  EXPECT_OK(kolosal_stream_cancel(stream));
  pthread_join(thread, NULL);
  EXPECT_STATUS(KOLOSAL_CANCELLED, run.status);
  EXPECT_OK(kolosal_stream_stats(stream, &stats));
  EXPECT_TRUE(strstr(stats, "\"state\":\"cancelled\"") != NULL);
  kolosal_string_free(stats);
  EXPECT_TRUE(!file_exists(output));

  kolosal_stream_free(stream);
  kolosal_model_free(model);
  remove(input);
}

static void test_bad_input(void) {
  char input[kInputPath], output[kOutputPath], partial[700];
  const char* lacking;
  kolosal_model* model;
  kolosal_stream* stream = NULL;
  char* stats = NULL;

  write_input(50, input, output);
  snprintf(partial, sizeof partial, "%s.partial", output);
  model = fit(input);

  EXPECT_STATUS(KOLOSAL_INVALID_ARGUMENT, kolosal_stream_create(NULL, NULL));
  EXPECT_STATUS(KOLOSAL_INVALID_ARGUMENT, kolosal_stream_create("{\"chunk_row\":5}", &stream));
  EXPECT_ERROR_CONTAINS("chunk_rows");
  EXPECT_STATUS(KOLOSAL_INVALID_ARGUMENT, kolosal_stream_create("{\"n_jobs\":-1}", &stream));
  EXPECT_STATUS(KOLOSAL_INVALID_ARGUMENT,
                kolosal_stream_create("{\"csv\":{\"target\":\"y\"}}", &stream));
  EXPECT_STATUS(KOLOSAL_INVALID_ARGUMENT, kolosal_stream_create("{not json", &stream));
  EXPECT_TRUE(stream == NULL);

  EXPECT_OK(kolosal_stream_create("", &stream));
  EXPECT_STATUS(KOLOSAL_INVALID_ARGUMENT, kolosal_stream_predict_csv(NULL, model, input, output));
  EXPECT_STATUS(KOLOSAL_INVALID_ARGUMENT, kolosal_stream_predict_csv(stream, NULL, input, output));
  EXPECT_STATUS(KOLOSAL_INVALID_ARGUMENT, kolosal_stream_predict_csv(stream, model, NULL, output));
  EXPECT_STATUS(KOLOSAL_INVALID_ARGUMENT, kolosal_stream_predict_csv(stream, model, input, NULL));
  EXPECT_STATUS(KOLOSAL_INVALID_ARGUMENT, kolosal_stream_cancel(NULL));
  EXPECT_STATUS(KOLOSAL_INVALID_ARGUMENT, kolosal_stream_stats(stream, NULL));
  EXPECT_STATUS(KOLOSAL_INVALID_ARGUMENT, kolosal_stream_stats(NULL, &stats));

  EXPECT_STATUS(KOLOSAL_IO,
                kolosal_stream_predict_csv(stream, model, "/nonexistent/in.csv", output));
  EXPECT_ERROR_CONTAINS("/nonexistent/in.csv");
  lacking = capi_write_temp_file(".csv", "x0,colour\n1,red\n", 16);
  EXPECT_STATUS(KOLOSAL_INVALID_ARGUMENT,
                kolosal_stream_predict_csv(stream, model, lacking, output));
  EXPECT_ERROR_CONTAINS("missing column 'x1'");
  remove(lacking);
  EXPECT_TRUE(!file_exists(output) && !file_exists(partial));
  EXPECT_OK(kolosal_stream_stats(stream, &stats));
  EXPECT_TRUE(strstr(stats, "\"state\":\"failed\"") != NULL);
  kolosal_string_free(stats);
  EXPECT_OK(kolosal_stream_cancel(stream)); /* idle: nothing to stop */
  kolosal_stream_free(stream);

  EXPECT_OK(kolosal_stream_create("{\"probabilities\":true}", &stream));
  EXPECT_OK(kolosal_stream_predict_csv(stream, model, input, output));
  {
    char* text = read_text(output);
    EXPECT_TRUE(text != NULL && strncmp(text, "\"no\",\"yes\"\n", 11) == 0);
    free(text);
  }
  kolosal_stream_free(stream);
  kolosal_stream_free(NULL);
  kolosal_model_free(model);
  remove(output);
  remove(input);
}

int main(int argc, char** argv) {
  (void)argc;
  (void)argv;
  test_matches_in_memory_prediction();
  test_contributions_match_in_memory();
  test_cancel_from_another_thread();
  test_bad_input();
  {
    int64_t live = -1;
    EXPECT_OK(kolosal_live_handle_count(&live));
    EXPECT_TRUE(live == 0);
  }
  return capi_test_finish("test_capi_stream");
}
