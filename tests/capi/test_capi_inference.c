/* The inference engine through the C ABI: hot tree models compile and predict exactly as the
 * model does, statistics, concurrent callers, and every kind of bad input. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capi_test_util.h"

enum { kRows = 300, kCols = 3, kThreads = 4, kCallsPerThread = 200 };

static float features[kRows * kCols];
static double features64[kRows * kCols];
static float labels[kRows];

/* Three features; the class is 1 when x0 + x1 * x2 > 0. */
static void make_data(void) {
  int row;
  unsigned state = 777u;
  for (row = 0; row < kRows; ++row) {
    float x0 = capi_uniform(&state), x1 = capi_uniform(&state), x2 = capi_uniform(&state);
    features[kCols * row] = x0;
    features[kCols * row + 1] = x1;
    features[kCols * row + 2] = x2;
    labels[row] = (x0 + x1 * x2 > 0.0f) ? 1.0f : 0.0f;
  }
  for (row = 0; row < kRows * kCols; ++row) features64[row] = features[row];
}

static kolosal_model* fit(const char* config, const char* task) {
  kolosal_dataset* dataset = NULL;
  kolosal_train_engine* trainer = NULL;
  kolosal_model* model = NULL;
  char options[128];
  snprintf(options, sizeof options, "{\"task\":\"%s\"}", task);
  EXPECT_OK(kolosal_dataset_from_dense(features, KOLOSAL_FLOAT32, kRows, kCols, KOLOSAL_ROW_MAJOR,
                                       labels, KOLOSAL_FLOAT32, options, &dataset));
  EXPECT_OK(kolosal_train_engine_create(config, &trainer));
  EXPECT_OK(kolosal_train_engine_fit(trainer, dataset, &model));
  kolosal_train_engine_free(trainer);
  kolosal_dataset_free(dataset);
  return model;
}

static void test_compiles_and_matches_the_model(void) {
  kolosal_model* model =
      fit("{\"model\":\"gradient_boosting\",\"params\":{\"n_estimators\":30,\"num_leaves\":8}}",
          "classification");
  kolosal_inference_engine* engine = NULL;
  static float expected[kRows * 2], got[kRows * 2];
  char* stats = NULL;
  int64_t compiled = -1;
  int row, same = 1;

  EXPECT_OK(kolosal_inference_engine_create("{\"jit_min_calls\":10}", &engine));
  EXPECT_OK(kolosal_inference_engine_add_model(engine, "credit", model));
  EXPECT_OK(kolosal_model_predict_proba(model, features, KOLOSAL_FLOAT32, kRows, kCols,
                                        KOLOSAL_ROW_MAJOR, expected, kRows * 2));
  /* Single rows: interpreted for ten calls, then compiled in the background. */
  for (row = 0; row < kRows; ++row) {
    EXPECT_OK(kolosal_inference_engine_predict_proba(engine, "credit", features + kCols * row,
                                                     KOLOSAL_FLOAT32, 1, kCols, KOLOSAL_ROW_MAJOR,
                                                     got + 2 * row, 2));
  }
  EXPECT_OK(kolosal_inference_engine_warmup(engine, "credit", &compiled));
  EXPECT_TRUE(compiled == 1);
  for (row = 0; row < kRows; ++row) {
    EXPECT_OK(kolosal_inference_engine_predict_proba(engine, "credit", features + kCols * row,
                                                     KOLOSAL_FLOAT32, 1, kCols, KOLOSAL_ROW_MAJOR,
                                                     got + 2 * row, 2));
  }
  same = memcmp(expected, got, sizeof expected) == 0;
  EXPECT_TRUE(same);
  /* float64 rows (the dataset path) and float32 rows (read in place) give the same bits, from
   * the model and from the engine. */
  EXPECT_OK(kolosal_model_predict_proba(model, features64, KOLOSAL_FLOAT64, kRows, kCols,
                                        KOLOSAL_ROW_MAJOR, got, kRows * 2));
  EXPECT_TRUE(memcmp(expected, got, sizeof expected) == 0);
  for (row = 0; row < kRows; ++row) {
    EXPECT_OK(kolosal_inference_engine_predict_proba(engine, "credit", features64 + kCols * row,
                                                     KOLOSAL_FLOAT64, 1, kCols, KOLOSAL_ROW_MAJOR,
                                                     got + 2 * row, 2));
  }
  EXPECT_TRUE(memcmp(expected, got, sizeof expected) == 0);
  /* The class for a batch, interpreted (more than jit_max_batch_rows rows). */
  EXPECT_OK(kolosal_inference_engine_predict(engine, "credit", features, KOLOSAL_FLOAT32, kRows,
                                             kCols, KOLOSAL_ROW_MAJOR, got, kRows));
  for (row = 0; row < kRows; ++row) {
    same &= got[row] == (expected[2 * row + 1] > expected[2 * row] ? 1.0f : 0.0f);
  }
  EXPECT_TRUE(same);

  EXPECT_OK(kolosal_inference_engine_stats(engine, &stats));
  EXPECT_TRUE(stats != NULL && strstr(stats, "\"state\":\"compiled\"") != NULL);
  EXPECT_TRUE(stats != NULL && strstr(stats, "\"calls\":901") != NULL);
  EXPECT_TRUE(stats != NULL && strstr(stats, "\"jit_min_calls\":10") != NULL);
  kolosal_string_free(stats);
  /* The engine shares the model: freeing the handle keeps it served, and the engine hands out
   * another handle to it. */
  kolosal_model_free(model);
  EXPECT_OK(kolosal_inference_engine_model(engine, "credit", &model));
  {
    int64_t n_classes = 0, n_features = 0;
    EXPECT_OK(kolosal_model_n_classes(model, &n_classes));
    EXPECT_OK(kolosal_model_n_features(model, &n_features));
    EXPECT_TRUE(n_classes == 2 && n_features == kCols);
  }
  EXPECT_OK(kolosal_inference_engine_predict(engine, "credit", features, KOLOSAL_FLOAT32, 2, kCols,
                                             KOLOSAL_ROW_MAJOR, got, 2));
  EXPECT_OK(kolosal_inference_engine_remove_model(engine, "credit"));
  EXPECT_STATUS(KOLOSAL_NOT_FOUND, kolosal_inference_engine_remove_model(engine, "credit"));
  EXPECT_STATUS(KOLOSAL_NOT_FOUND, kolosal_inference_engine_model(engine, "credit", &model));
  /* The handle outlives the model's removal. */
  EXPECT_OK(
      kolosal_model_predict(model, features, KOLOSAL_FLOAT32, 2, kCols, KOLOSAL_ROW_MAJOR, got, 2));
  kolosal_model_free(model);
  kolosal_inference_engine_free(engine);
}

struct caller {
  kolosal_inference_engine* engine;
  const float* expected;
  int mismatches;
  int failures;
};

static void* call_many(void* arg) {
  struct caller* caller = (struct caller*)arg;
  int call;
  for (call = 0; call < kCallsPerThread; ++call) {
    const int row = (call * 13) % kRows;
    float value = -1.0f;
    if (kolosal_inference_engine_predict(caller->engine, "m", features + kCols * row,
                                         KOLOSAL_FLOAT32, 1, kCols, KOLOSAL_ROW_MAJOR, &value,
                                         1) != KOLOSAL_OK) {
      ++caller->failures;
    } else if (memcmp(&value, &caller->expected[row], sizeof value) != 0) {
      ++caller->mismatches;
    }
  }
  return NULL;
}

static void test_concurrent_callers_and_a_saved_model(void) {
  kolosal_model* model =
      fit("{\"model\":\"random_forest\",\"params\":{\"n_estimators\":20}}", "regression");
  const char* path = capi_write_temp_file(".kolosal", "", 0);
  kolosal_inference_engine* engine = NULL;
  static float expected[kRows];
  struct caller callers[kThreads];
  pthread_t threads[kThreads];
  int idx, mismatches = 0, failures = 0;
  char* stats = NULL;

  EXPECT_OK(kolosal_model_save(model, path));
  EXPECT_OK(kolosal_model_predict(model, features, KOLOSAL_FLOAT32, kRows, kCols, KOLOSAL_ROW_MAJOR,
                                  expected, kRows));
  EXPECT_OK(
      kolosal_inference_engine_create("{\"jit_min_calls\":50,\"jit_cache_size\":1}", &engine));
  EXPECT_OK(kolosal_inference_engine_load_model(engine, "m", path));
  for (idx = 0; idx < kThreads; ++idx) {
    callers[idx].engine = engine;
    callers[idx].expected = expected;
    callers[idx].mismatches = 0;
    callers[idx].failures = 0;
    pthread_create(&threads[idx], NULL, call_many, &callers[idx]);
  }
  for (idx = 0; idx < kThreads; ++idx) {
    pthread_join(threads[idx], NULL);
    mismatches += callers[idx].mismatches;
    failures += callers[idx].failures;
  }
  EXPECT_TRUE(mismatches == 0);
  EXPECT_TRUE(failures == 0);
  EXPECT_OK(kolosal_inference_engine_stats(engine, &stats));
  EXPECT_TRUE(stats != NULL && strstr(stats, "\"calls\":800") != NULL);
  EXPECT_TRUE(stats != NULL && strstr(stats, "\"model_type\":\"random_forest\"") != NULL);
  kolosal_string_free(stats);
  kolosal_inference_engine_free(engine);
  kolosal_model_free(model);
  remove(path);
}

static void test_bad_input(void) {
  kolosal_model* model =
      fit("{\"model\":\"gradient_boosting\",\"params\":{\"n_estimators\":5}}", "regression");
  kolosal_model* linear = fit("{\"model\":\"linear_regression\"}", "regression");
  kolosal_inference_engine* engine = NULL;
  kolosal_inference_engine* untouched = (kolosal_inference_engine*)&engine;
  float out[8];
  int64_t compiled = -1;
  const char* garbage = capi_write_temp_file(".kolosal", "not a model", 11);

  EXPECT_STATUS(KOLOSAL_INVALID_ARGUMENT, kolosal_inference_engine_create(NULL, NULL));
  EXPECT_STATUS(KOLOSAL_INVALID_ARGUMENT,
                kolosal_inference_engine_create("{\"jit_min_call\":3}", &untouched));
  EXPECT_ERROR_CONTAINS("jit_min_calls");
  EXPECT_TRUE(untouched == (kolosal_inference_engine*)&engine); /* left untouched on failure */
  EXPECT_STATUS(KOLOSAL_INVALID_ARGUMENT,
                kolosal_inference_engine_create("{\"jit_cache_size\":0}", &engine));
  EXPECT_STATUS(KOLOSAL_INVALID_ARGUMENT, kolosal_inference_engine_create("{not json", &engine));
  EXPECT_OK(kolosal_inference_engine_create("", &engine));

  EXPECT_STATUS(KOLOSAL_INVALID_ARGUMENT, kolosal_inference_engine_add_model(NULL, "m", model));
  EXPECT_STATUS(KOLOSAL_INVALID_ARGUMENT, kolosal_inference_engine_add_model(engine, NULL, model));
  EXPECT_STATUS(KOLOSAL_INVALID_ARGUMENT, kolosal_inference_engine_add_model(engine, "m", NULL));
  EXPECT_STATUS(KOLOSAL_INVALID_ARGUMENT, kolosal_inference_engine_add_model(engine, "", model));
  EXPECT_OK(kolosal_inference_engine_add_model(engine, "m", model));
  EXPECT_STATUS(KOLOSAL_INVALID_ARGUMENT, kolosal_inference_engine_add_model(engine, "m", model));
  EXPECT_ERROR_CONTAINS("already loaded");
  EXPECT_STATUS(KOLOSAL_CORRUPT_MODEL, kolosal_inference_engine_load_model(engine, "g", garbage));
  EXPECT_STATUS(KOLOSAL_IO,
                kolosal_inference_engine_load_model(engine, "g", "/nonexistent/m.kolosal"));

  EXPECT_STATUS(KOLOSAL_NOT_FOUND,
                kolosal_inference_engine_predict(engine, "absent", features, KOLOSAL_FLOAT32, 1,
                                                 kCols, KOLOSAL_ROW_MAJOR, out, 8));
  EXPECT_ERROR_CONTAINS("no model named 'absent'");
  EXPECT_STATUS(KOLOSAL_INVALID_ARGUMENT,
                kolosal_inference_engine_predict(engine, "m", features, KOLOSAL_FLOAT32, 1, 2,
                                                 KOLOSAL_ROW_MAJOR, out, 8));
  EXPECT_STATUS(KOLOSAL_INVALID_ARGUMENT,
                kolosal_inference_engine_predict(engine, "m", features, KOLOSAL_FLOAT32, 4, kCols,
                                                 KOLOSAL_ROW_MAJOR, out, 3));
  EXPECT_STATUS(KOLOSAL_INVALID_ARGUMENT,
                kolosal_inference_engine_predict(engine, "m", NULL, KOLOSAL_FLOAT32, 1, kCols,
                                                 KOLOSAL_ROW_MAJOR, out, 8));
  EXPECT_STATUS(KOLOSAL_INVALID_ARGUMENT,
                kolosal_inference_engine_predict(engine, "m", features, (kolosal_dtype)7, 1, kCols,
                                                 KOLOSAL_ROW_MAJOR, out, 8));
  EXPECT_STATUS(KOLOSAL_FAILED_PRECONDITION,
                kolosal_inference_engine_predict_proba(engine, "m", features, KOLOSAL_FLOAT32, 1,
                                                       kCols, KOLOSAL_ROW_MAJOR, out, 8));
  EXPECT_STATUS(KOLOSAL_NOT_FOUND, kolosal_inference_engine_warmup(engine, "absent", &compiled));
  EXPECT_STATUS(KOLOSAL_INVALID_ARGUMENT, kolosal_inference_engine_warmup(engine, "m", NULL));
  EXPECT_STATUS(KOLOSAL_INVALID_ARGUMENT, kolosal_inference_engine_stats(engine, NULL));
  EXPECT_STATUS(KOLOSAL_INVALID_ARGUMENT, kolosal_inference_engine_model(engine, "m", NULL));
  EXPECT_STATUS(KOLOSAL_NOT_FOUND, kolosal_inference_engine_model(engine, "absent", &linear));

  /* A linear model is served, interpreted. */
  EXPECT_OK(kolosal_inference_engine_add_model(engine, "linear", linear));
  EXPECT_OK(kolosal_inference_engine_warmup(engine, "linear", &compiled));
  EXPECT_TRUE(compiled == 0);
  kolosal_inference_engine_free(engine);
  kolosal_inference_engine_free(NULL);
  kolosal_model_free(model);
  kolosal_model_free(linear);
  remove(garbage);
}

int main(int argc, char** argv) {
  (void)argc;
  (void)argv;
  make_data();
  test_compiles_and_matches_the_model();
  test_concurrent_callers_and_a_saved_model();
  test_bad_input();
  {
    int64_t live = -1;
    EXPECT_OK(kolosal_live_handle_count(&live));
    EXPECT_TRUE(live == 0);
  }
  return capi_test_finish("test_capi_inference");
}
