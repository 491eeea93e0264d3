/* kolosal_train_engine_tune from C11: a tuned model with its study summary, progress, resuming
 * an SQLite study, cancellation and bad input. */
#define _DEFAULT_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capi_test_util.h"

static int tuning_calls = 0;

static int count_tuning(double fraction, const char* stage, void* user_data) {
  (void)user_data;
  if (strcmp(stage, "tuning") == 0 && fraction > 0.0 && fraction <= 1.0) ++tuning_calls;
  return 0;
}

static int cancel_at_once(double fraction, const char* stage, void* user_data) {
  (void)fraction;
  (void)stage;
  (void)user_data;
  return 1;
}

/* y = 3 x0 - 2 x1 + x2 + noise: ridge regression. */
static kolosal_dataset* make_regression(void) {
  enum { kRows = 240 };
  static float features[kRows * 3];
  static float labels[kRows];
  kolosal_dataset* dataset = NULL;
  unsigned state = 777u;
  int row, col;
  for (row = 0; row < kRows; ++row) {
    for (col = 0; col < 3; ++col) {
      features[3 * row + col] = capi_uniform(&state);
    }
    labels[row] = 3.0f * features[3 * row] - 2.0f * features[3 * row + 1] + features[3 * row + 2] +
                  (float)((capi_next_random(&state) >> 8) % 100) / 500.0f;
  }
  EXPECT_OK(kolosal_dataset_from_dense(features, KOLOSAL_FLOAT32, kRows, 3, KOLOSAL_ROW_MAJOR,
                                       labels, KOLOSAL_FLOAT32, "{\"task\":\"regression\"}",
                                       &dataset));
  return dataset;
}

static int metadata_has(const kolosal_model* model, const char* fragment) {
  char* metadata = NULL;
  int found;
  EXPECT_OK(kolosal_model_metadata(model, &metadata));
  found = metadata != NULL && strstr(metadata, fragment) != NULL;
  if (!found) fprintf(stderr, "metadata lacks %s: %s\n", fragment, metadata ? metadata : "");
  kolosal_string_free(metadata);
  return found;
}

static void test_tune(kolosal_dataset* dataset) {
  kolosal_train_engine* engine = NULL;
  kolosal_model* model = NULL;
  float prediction[1] = {0.0f};
  const float row[3] = {1.0f, 0.0f, 0.0f};
  EXPECT_OK(kolosal_train_engine_create("{\"model\":\"ridge\",\"cv_folds\":3}", &engine));
  EXPECT_OK(kolosal_train_engine_set_progress(engine, count_tuning, NULL));
  EXPECT_OK(kolosal_train_engine_tune(engine, dataset, "{\"n_trials\":5}", NULL, &model));
  EXPECT_TRUE(tuning_calls == 5);
  EXPECT_TRUE(metadata_has(model, "\"tuning\":{"));
  EXPECT_TRUE(metadata_has(model, "\"n_trials\":5"));
  EXPECT_TRUE(metadata_has(model, "\"metric\":\"r2\""));
  EXPECT_TRUE(metadata_has(model, "\"direction\":\"maximize\""));
  EXPECT_TRUE(metadata_has(model, "\"best_params\":{\"alpha\":"));
  EXPECT_OK(
      kolosal_model_predict(model, row, KOLOSAL_FLOAT32, 1, 3, KOLOSAL_ROW_MAJOR, prediction, 1));
  EXPECT_TRUE(prediction[0] > 2.0f && prediction[0] < 4.0f);
  kolosal_model_free(model);
  kolosal_train_engine_free(engine);
}

static void test_resume_with_sqlite(kolosal_dataset* dataset) {
  char url[300];
  const char* path = capi_write_temp_file(".db", "", 0);
  kolosal_train_engine* engine = NULL;
  kolosal_model* first = NULL;
  kolosal_model* second = NULL;
  unlink(path);
  snprintf(url, sizeof url, "sqlite://%s", path);
  EXPECT_OK(kolosal_train_engine_create("{\"model\":\"ridge\",\"cv_folds\":3}", &engine));
  EXPECT_OK(kolosal_train_engine_tune(engine, dataset, "{\"n_trials\":2,\"study_name\":\"r\"}", url,
                                      &first));
  EXPECT_OK(kolosal_train_engine_tune(engine, dataset, "{\"n_trials\":2,\"study_name\":\"r\"}", url,
                                      &second));
  EXPECT_TRUE(metadata_has(first, "\"n_trials\":2"));
  EXPECT_TRUE(metadata_has(second, "\"n_trials\":4"));
  EXPECT_TRUE(metadata_has(second, "\"study_name\":\"r\""));
  kolosal_model_free(first);
  kolosal_model_free(second);
  kolosal_train_engine_free(engine);
  unlink(path);
}

static void test_bad_input(kolosal_dataset* dataset) {
  kolosal_train_engine* engine = NULL;
  kolosal_train_engine* linear = NULL;
  kolosal_model* model = (kolosal_model*)0x1;
  EXPECT_OK(kolosal_train_engine_create("{\"model\":\"ridge\",\"cv_folds\":3}", &engine));
  EXPECT_STATUS(KOLOSAL_INVALID_ARGUMENT,
                kolosal_train_engine_tune(NULL, dataset, NULL, NULL, &model));
  EXPECT_ERROR_CONTAINS("engine is NULL");
  EXPECT_STATUS(KOLOSAL_INVALID_ARGUMENT,
                kolosal_train_engine_tune(engine, NULL, NULL, NULL, &model));
  EXPECT_STATUS(KOLOSAL_INVALID_ARGUMENT,
                kolosal_train_engine_tune(engine, dataset, NULL, NULL, NULL));
  EXPECT_STATUS(KOLOSAL_INVALID_ARGUMENT,
                kolosal_train_engine_tune(engine, dataset, "{\"n_trial\":3}", NULL, &model));
  EXPECT_ERROR_CONTAINS("did you mean 'n_trials'");
  EXPECT_STATUS(KOLOSAL_INVALID_ARGUMENT,
                kolosal_train_engine_tune(engine, dataset, "{\"max_trial\":3}", NULL, &model));
  EXPECT_ERROR_CONTAINS("did you mean 'max_trials'");
  EXPECT_STATUS(KOLOSAL_INVALID_ARGUMENT,
                kolosal_train_engine_tune(engine, dataset, "{\"n_trials\":", NULL, &model));
  EXPECT_ERROR_CONTAINS("invalid JSON");
  EXPECT_STATUS(KOLOSAL_INVALID_ARGUMENT,
                kolosal_train_engine_tune(engine, dataset,
                                          "{\"search_space\":{\"params\":[{\"name\":\"alpha\","
                                          "\"type\":\"float\",\"low\":2,\"high\":1}]}}",
                                          NULL, &model));
  EXPECT_ERROR_CONTAINS("above high");
  EXPECT_STATUS(KOLOSAL_IO, kolosal_train_engine_tune(engine, dataset, NULL,
                                                      "sqlite:///nonexistent-dir/k/s.db", &model));
  EXPECT_STATUS(
      KOLOSAL_INVALID_ARGUMENT,
      kolosal_train_engine_tune(engine, dataset, "{\"direction\":\"minimize\"}", NULL, &model));
  EXPECT_OK(kolosal_train_engine_set_progress(engine, cancel_at_once, NULL));
  EXPECT_STATUS(KOLOSAL_CANCELLED,
                kolosal_train_engine_tune(engine, dataset, "{\"n_trials\":3}", NULL, &model));
  EXPECT_TRUE(model == (kolosal_model*)0x1);
  /* linear_regression has nothing to tune. */
  EXPECT_OK(kolosal_train_engine_create("{\"model\":\"linear_regression\"}", &linear));
  EXPECT_STATUS(KOLOSAL_INVALID_ARGUMENT,
                kolosal_train_engine_tune(linear, dataset, NULL, NULL, &model));
  EXPECT_ERROR_CONTAINS("nothing to tune: 'linear_regression' has no hyperparameters");
  kolosal_train_engine_free(linear);
  kolosal_train_engine_free(engine);
}

int main(int argc, char** argv) {
  kolosal_dataset* dataset;
  (void)argc;
  (void)argv;
  dataset = make_regression();
  test_tune(dataset);
  test_resume_with_sqlite(dataset);
  test_bad_input(dataset);
  kolosal_dataset_free(dataset);
  return capi_test_finish("test_capi_tune");
}
