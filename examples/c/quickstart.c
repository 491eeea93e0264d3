/* C quick start: the C ABI from plain C11. Usage: quickstart_c <data-dir> */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kolosal_c.h"

#define CHECK(call)                                                    \
  do {                                                                 \
    if ((call) != KOLOSAL_OK) {                                        \
      fprintf(stderr, "%s failed: %s\n", #call, kolosal_last_error()); \
      return 1;                                                        \
    }                                                                  \
  } while (0)

int main(int argc, char** argv) {
  char path[1024];
  kolosal_dataset* data = NULL;
  kolosal_dataset* train = NULL;
  kolosal_dataset* test = NULL;
  kolosal_train_engine* engine = NULL;
  kolosal_model* model = NULL;
  char* metrics = NULL;
  char* name = NULL;
  float* importance = NULL;
  float* contributions = NULL;
  int64_t n_features = 0, n_rows = 0, width = 0, idx, top = 0, compiled = 0;
  kolosal_train_engine* boosting = NULL;
  kolosal_model* trees = NULL;
  kolosal_inference_engine* server = NULL;
  float* row = NULL;
  float proba[2], served[2];
  char* stats = NULL;
  const char* state;
  char jit_state[16];
  FILE* probe;
  kolosal_stream* stream = NULL;
  char out_path[1100];
  long long streamed_rows = 0, chunks = 0;

  snprintf(path, sizeof path, "%s/spam.csv", argc > 1 ? argv[1] : "../shared/data");
  probe = fopen(path, "r");
  if (probe == NULL) {
    printf("skipped: %s not found\n", path);
    return 0;
  }
  fclose(probe);

  CHECK(kolosal_dataset_from_csv(path, "{\"target\": \"type\"}", &data));
  CHECK(kolosal_dataset_train_test_split(data, 0.25, 42, &train, &test));
  CHECK(
      kolosal_train_engine_create("{\"model\": \"logistic_regression\", \"n_jobs\": 2}", &engine));
  CHECK(kolosal_train_engine_fit(engine, train, &model));
  CHECK(kolosal_model_save(model, "/tmp/spam-c.kolosal"));
  CHECK(kolosal_model_evaluate(model, test, &metrics));
  printf("holdout metrics: %s\n", metrics);

  /* The input column with the largest |coefficient| (tree models: KOLOSAL_IMPORTANCE_GAIN). */
  CHECK(kolosal_model_n_features(model, &n_features));
  importance = (float*)malloc((size_t)n_features * sizeof *importance);
  if (importance == NULL) return 1;
  CHECK(kolosal_model_feature_importance(model, KOLOSAL_IMPORTANCE_COEFFICIENT, importance,
                                         n_features));
  for (idx = 1; idx < n_features; ++idx) {
    if (importance[idx] > importance[top]) top = idx;
  }
  CHECK(kolosal_model_feature_name(model, top, &name));
  printf("most important feature: %s (%.3f)\n", name, importance[top]);
  kolosal_string_free(name);
  name = NULL;

  /* SHAP contributions of every test row: per class, one value per column and the bias. The
   * column that pushed the first row furthest towards "spam" (class 1): */
  CHECK(kolosal_dataset_n_rows(test, &n_rows));
  width = n_features + 1;
  contributions = (float*)malloc((size_t)(n_rows * 2 * width) * sizeof *contributions);
  if (contributions == NULL) return 1;
  CHECK(kolosal_model_predict_contributions(model, test, contributions, n_rows * 2 * width));
  top = 0;
  for (idx = 1; idx < n_features; ++idx) {
    if (contributions[width + idx] > contributions[width + top]) top = idx;
  }
  CHECK(kolosal_model_feature_name(model, top, &name));
  printf("first test row: %s adds %+.3f to the log-odds of spam (bias %.3f)\n", name,
         contributions[width + top], contributions[2 * width - 1]);
  kolosal_string_free(name);
  free(contributions);
  free(importance);

  /* Serve gradient boosting: after jit_min_calls single-row calls the engine compiles the trees
   * to x86-64 in the background; compiled calls give the interpreter's floats exactly. */
  CHECK(
      kolosal_train_engine_create("{\"model\": \"gradient_boosting\", \"n_jobs\": 2}", &boosting));
  CHECK(kolosal_train_engine_fit(boosting, train, &trees));
  CHECK(kolosal_inference_engine_create("{\"jit_min_calls\": 10}", &server));
  CHECK(kolosal_inference_engine_add_model(server, "spam", trees));
  row = (float*)calloc((size_t)n_features, sizeof *row);
  if (row == NULL) return 1;
  for (idx = 0; idx < 20; ++idx) {
    row[idx % n_features] += 0.5f; /* a made-up e-mail, a little different each call */
    CHECK(kolosal_inference_engine_predict_proba(server, "spam", row, KOLOSAL_FLOAT32, 1,
                                                 n_features, KOLOSAL_ROW_MAJOR, served, 2));
  }
  CHECK(kolosal_inference_engine_warmup(server, "spam", &compiled));
  CHECK(kolosal_inference_engine_predict_proba(server, "spam", row, KOLOSAL_FLOAT32, 1, n_features,
                                               KOLOSAL_ROW_MAJOR, served, 2));
  CHECK(kolosal_model_predict_proba(trees, row, KOLOSAL_FLOAT32, 1, n_features, KOLOSAL_ROW_MAJOR,
                                    proba, 2));
  if (!compiled || served[0] != proba[0] || served[1] != proba[1]) {
    fprintf(stderr, "the engine's answer differs from the model's\n");
    return 1;
  }
  CHECK(kolosal_inference_engine_stats(server, &stats)); /* JSON; docs/inference.md */
  state = strstr(stats, "\"state\":\"");
  if (state == NULL || sscanf(state + 9, "%15[^\"]", jit_state) != 1) return 1;
  printf("served: P(spam) = %.4f, the model's JIT state: %s\n", served[1], jit_state);
  kolosal_string_free(stats);

  /* Stream the whole CSV file through the model in chunks of 500 rows: memory stays bounded
   * whatever the file's size, and the predictions come out in input order. */
  snprintf(out_path, sizeof out_path, "%s/kolosal-quickstart-%ld.csv",
           getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", (long)clock());
  CHECK(kolosal_stream_create("{\"chunk_rows\": 500}", &stream));
  CHECK(kolosal_stream_predict_csv(stream, trees, path, out_path));
  CHECK(kolosal_stream_stats(stream, &stats)); /* JSON; docs/streaming.md */
  CHECK(kolosal_dataset_n_rows(data, &n_rows));
  state = strstr(stats, "\"rows\":");
  if (state == NULL || sscanf(state + 7, "%lld", &streamed_rows) != 1 || streamed_rows != n_rows) {
    fprintf(stderr, "the stream did not predict every row: %s\n", stats);
    return 1;
  }
  state = strstr(stats, "\"chunks\":");
  if (state == NULL || sscanf(state + 9, "%lld", &chunks) != 1) return 1;
  printf("streamed: %lld rows in %lld chunks\n", streamed_rows, chunks);
  kolosal_string_free(stats);
  kolosal_stream_free(stream);
  remove(out_path);

  free(row);
  kolosal_inference_engine_free(server);
  kolosal_model_free(trees);
  kolosal_train_engine_free(boosting);

  kolosal_string_free(metrics);
  kolosal_model_free(model);
  kolosal_train_engine_free(engine);
  kolosal_dataset_free(train);
  kolosal_dataset_free(test);
  kolosal_dataset_free(data);
  return 0;
}
