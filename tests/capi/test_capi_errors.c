/* Bad input through the C ABI: every case gets a clear status code and message, no crash,
 * and output parameters stay untouched. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capi_test_util.h"

static float features[200 * 2];
static float labels[200];

static kolosal_dataset* make_dataset(void) {
  kolosal_dataset* dataset = NULL;
  int row;
  for (row = 0; row < 200; ++row) {
    features[2 * row] = (float)(row % 17) - 8.0f;
    features[2 * row + 1] = (float)(row % 5);
    labels[row] = (float)(row % 2);
  }
  EXPECT_OK(kolosal_dataset_from_dense(features, KOLOSAL_FLOAT32, 200, 2, KOLOSAL_ROW_MAJOR, labels,
                                       KOLOSAL_FLOAT32, NULL, &dataset));
  return dataset;
}

static kolosal_model* make_model(kolosal_dataset* dataset) {
  kolosal_train_engine* engine = NULL;
  kolosal_model* model = NULL;
  EXPECT_OK(kolosal_train_engine_create("{\"model\":\"logistic_regression\"}", &engine));
  EXPECT_OK(kolosal_train_engine_fit(engine, dataset, &model));
  kolosal_train_engine_free(engine);
  return model;
}

static void test_null_arguments(kolosal_model* model) {
  kolosal_dataset* dataset = (kolosal_dataset*)0x1;
  float out[4];
  EXPECT_STATUS(KOLOSAL_INVALID_ARGUMENT, kolosal_dataset_from_csv(NULL, NULL, &dataset));
  EXPECT_ERROR_CONTAINS("path is NULL");
  EXPECT_TRUE(dataset == (kolosal_dataset*)0x1);
  EXPECT_STATUS(KOLOSAL_INVALID_ARGUMENT, kolosal_dataset_from_csv("x.csv", NULL, NULL));
  EXPECT_STATUS(KOLOSAL_INVALID_ARGUMENT, kolosal_model_predict(NULL, features, KOLOSAL_FLOAT32, 1,
                                                                2, KOLOSAL_ROW_MAJOR, out, 4));
  EXPECT_ERROR_CONTAINS("model is NULL");
  EXPECT_STATUS(KOLOSAL_INVALID_ARGUMENT, kolosal_model_predict(model, NULL, KOLOSAL_FLOAT32, 1, 2,
                                                                KOLOSAL_ROW_MAJOR, out, 4));
  EXPECT_ERROR_CONTAINS("data is NULL");
  EXPECT_STATUS(KOLOSAL_INVALID_ARGUMENT, kolosal_build_info(NULL));
  kolosal_dataset_free(NULL);
  kolosal_model_free(NULL);
  kolosal_train_engine_free(NULL);
  kolosal_string_free(NULL);
}

static void test_wrong_shapes_and_dtypes(kolosal_model* model) {
  float out[8] = {-7.0f, -7.0f, -7.0f, -7.0f, -7.0f, -7.0f, -7.0f, -7.0f};
  kolosal_dataset* dataset = NULL;
  EXPECT_STATUS(KOLOSAL_INVALID_ARGUMENT, kolosal_model_predict(model, features, KOLOSAL_FLOAT32, 2,
                                                                3, KOLOSAL_ROW_MAJOR, out, 8));
  EXPECT_ERROR_CONTAINS("3 columns, the model expects 2");
  EXPECT_TRUE(out[0] == -7.0f);
  EXPECT_STATUS(KOLOSAL_INVALID_ARGUMENT, kolosal_model_predict(model, features, KOLOSAL_FLOAT32,
                                                                -1, 2, KOLOSAL_ROW_MAJOR, out, 8));
  EXPECT_ERROR_CONTAINS("negative shape");
  EXPECT_STATUS(KOLOSAL_INVALID_ARGUMENT, kolosal_model_predict(model, features, (kolosal_dtype)7,
                                                                2, 2, KOLOSAL_ROW_MAJOR, out, 8));
  EXPECT_ERROR_CONTAINS("unknown dtype 7");
  EXPECT_STATUS(KOLOSAL_INVALID_ARGUMENT, kolosal_model_predict(model, features, KOLOSAL_FLOAT32, 2,
                                                                2, (kolosal_layout)5, out, 8));
  EXPECT_ERROR_CONTAINS("unknown layout 5");
  EXPECT_STATUS(KOLOSAL_INVALID_ARGUMENT, kolosal_model_predict(model, features, KOLOSAL_FLOAT32, 4,
                                                                2, KOLOSAL_ROW_MAJOR, out, 3));
  EXPECT_ERROR_CONTAINS("the output buffer holds 3 values, 4 are needed");
  EXPECT_STATUS(KOLOSAL_INVALID_ARGUMENT,
                kolosal_model_predict_proba(model, features, KOLOSAL_FLOAT32, 4, 2,
                                            KOLOSAL_ROW_MAJOR, out, 7));
  EXPECT_TRUE(out[0] == -7.0f);
  /* Sizes whose products overflow int64_t are rejected before anything is read or allocated. */
  EXPECT_STATUS(KOLOSAL_INVALID_ARGUMENT,
                kolosal_model_predict_proba(model, features, KOLOSAL_FLOAT32, INT64_MAX / 2 + 1, 2,
                                            KOLOSAL_ROW_MAJOR, out, INT64_MAX));
  EXPECT_ERROR_CONTAINS("the output size is too large");
  EXPECT_STATUS(KOLOSAL_INVALID_ARGUMENT,
                kolosal_model_predict(model, features, KOLOSAL_FLOAT32, INT64_MAX / 4, 2,
                                      KOLOSAL_ROW_MAJOR, out, INT64_MAX));
  EXPECT_ERROR_CONTAINS("the input shape is too large");
  EXPECT_STATUS(
      KOLOSAL_INVALID_ARGUMENT,
      kolosal_dataset_from_dense(features, KOLOSAL_FLOAT32, INT64_MAX, 2, KOLOSAL_ROW_MAJOR, labels,
                                 KOLOSAL_FLOAT32, NULL, &dataset));
  EXPECT_ERROR_CONTAINS("the input shape is too large");
  EXPECT_TRUE(out[0] == -7.0f && dataset == NULL);
  EXPECT_STATUS(KOLOSAL_INVALID_ARGUMENT,
                kolosal_dataset_from_dense(features, KOLOSAL_FLOAT32, 2, 2, KOLOSAL_ROW_MAJOR,
                                           labels, (kolosal_dtype)3, NULL, &dataset));
  EXPECT_ERROR_CONTAINS("labels");
  EXPECT_TRUE(dataset == NULL);
}

static void test_nan_labels(void) {
  float nan_labels[2] = {0.0f, 0.0f};
  kolosal_dataset* dataset = NULL;
  nan_labels[1] = nan_labels[0] / nan_labels[0];
  EXPECT_STATUS(KOLOSAL_INVALID_ARGUMENT,
                kolosal_dataset_from_dense(features, KOLOSAL_FLOAT32, 2, 2, KOLOSAL_ROW_MAJOR,
                                           nan_labels, KOLOSAL_FLOAT32, NULL, &dataset));
  EXPECT_ERROR_CONTAINS("label at row 1 is not finite");
}

static void test_unknown_config_keys(void) {
  kolosal_train_engine* engine = NULL;
  kolosal_dataset* dataset = NULL;
  EXPECT_STATUS(KOLOSAL_INVALID_ARGUMENT,
                kolosal_train_engine_create("{\"modle\":\"ridge\"}", &engine));
  EXPECT_ERROR_CONTAINS("did you mean 'model'");
  EXPECT_STATUS(KOLOSAL_INVALID_ARGUMENT,
                kolosal_train_engine_create("{\"model\":\"logistic_regresion\"}", &engine));
  EXPECT_ERROR_CONTAINS("did you mean 'logistic_regression'");
  EXPECT_STATUS(KOLOSAL_INVALID_ARGUMENT,
                kolosal_train_engine_create(
                    "{\"model\":\"logistic_regression\",\"params\":{\"max_iterr\":5}}", &engine));
  EXPECT_ERROR_CONTAINS("max_iter");
  EXPECT_STATUS(KOLOSAL_INVALID_ARGUMENT,
                kolosal_train_engine_create("{\"model\":\"ridge\",\"metric\":\"r3\"}", &engine));
  EXPECT_ERROR_CONTAINS("unknown metric 'r3'");
  EXPECT_STATUS(KOLOSAL_INVALID_ARGUMENT, kolosal_train_engine_create("{not json", &engine));
  EXPECT_ERROR_CONTAINS("invalid JSON");
  /* Bytes of bad input quoted in a message are escaped, so the message is UTF-8. */
  EXPECT_STATUS(KOLOSAL_INVALID_ARGUMENT, kolosal_train_engine_create("\xF6", &engine));
  EXPECT_ERROR_CONTAINS("\\xF6");
  EXPECT_STATUS(KOLOSAL_INVALID_ARGUMENT, kolosal_train_engine_create("{\"n_jobs\":0}", &engine));
  EXPECT_ERROR_CONTAINS("n_jobs");
  EXPECT_TRUE(engine == NULL);
  EXPECT_STATUS(KOLOSAL_INVALID_ARGUMENT,
                kolosal_dataset_from_dense(features, KOLOSAL_FLOAT32, 2, 2, KOLOSAL_ROW_MAJOR, NULL,
                                           KOLOSAL_FLOAT32, "{\"feature_nmes\":[]}", &dataset));
  EXPECT_ERROR_CONTAINS("did you mean 'feature_names'");
}

static void test_missing_and_corrupt_files(kolosal_model* model) {
  kolosal_model* loaded = (kolosal_model*)0x1;
  kolosal_dataset* dataset = NULL;
  int64_t size = 0;
  unsigned char* bytes;
  const char* path;
  EXPECT_STATUS(KOLOSAL_IO, kolosal_model_load("/nonexistent/dir/model.kolosal", &loaded));
  EXPECT_ERROR_CONTAINS("/nonexistent/dir/model.kolosal");
  EXPECT_STATUS(KOLOSAL_IO, kolosal_dataset_from_csv("/nonexistent/data.csv", NULL, &dataset));
  EXPECT_ERROR_CONTAINS("/nonexistent/data.csv");

  path = capi_write_temp_file(".kolosal", "this is not a model", 19);
  EXPECT_STATUS(KOLOSAL_CORRUPT_MODEL, kolosal_model_load(path, &loaded));
  EXPECT_ERROR_CONTAINS("not a Kolosal model");
  remove(path);

  EXPECT_OK(kolosal_model_save_buffer(model, NULL, 0, &size));
  bytes = (unsigned char*)malloc((size_t)size);
  EXPECT_OK(kolosal_model_save_buffer(model, bytes, size, &size));
  EXPECT_STATUS(KOLOSAL_CORRUPT_MODEL, kolosal_model_load_buffer(bytes, size / 2, &loaded));
  EXPECT_ERROR_CONTAINS("truncated");
  EXPECT_STATUS(KOLOSAL_CORRUPT_MODEL, kolosal_model_load_buffer(bytes, 12, &loaded));
  bytes[size - 5] ^= 0x5a;
  path = capi_write_temp_file(".kolosal", (const char*)bytes, (long)size);
  EXPECT_STATUS(KOLOSAL_CORRUPT_MODEL, kolosal_model_load(path, &loaded));
  EXPECT_ERROR_CONTAINS("checksum");
  remove(path);
  /* A huge announced payload size must not allocate or crash. */
  bytes[size - 5] ^= 0x5a;
  memset(bytes + 16, 0xff, 8);
  EXPECT_STATUS(KOLOSAL_CORRUPT_MODEL, kolosal_model_load_buffer(bytes, size, &loaded));
  EXPECT_TRUE(loaded == (kolosal_model*)0x1);
  free(bytes);
}

static int cancel_immediately(double fraction, const char* stage, void* user_data) {
  (void)fraction;
  (void)stage;
  (void)user_data;
  return 1;
}

static void test_cancellation(kolosal_dataset* dataset) {
  kolosal_train_engine* engine = NULL;
  kolosal_model* model = NULL;
  EXPECT_OK(kolosal_train_engine_create("{\"model\":\"logistic_regression\"}", &engine));
  EXPECT_OK(kolosal_train_engine_set_progress(engine, cancel_immediately, NULL));
  EXPECT_STATUS(KOLOSAL_CANCELLED, kolosal_train_engine_fit(engine, dataset, &model));
  EXPECT_ERROR_CONTAINS("cancel");
  EXPECT_TRUE(model == NULL);
  EXPECT_OK(kolosal_train_engine_set_progress(engine, NULL, NULL));
  EXPECT_OK(kolosal_train_engine_fit(engine, dataset, &model));
  EXPECT_TRUE(model != NULL);
  kolosal_model_free(model);
  kolosal_train_engine_free(engine);
}

/* A fit on one thread, cancelled with kolosal_train_engine_cancel from another. */
struct long_fit {
  kolosal_train_engine* engine;
  kolosal_dataset* dataset;
  kolosal_model* model;
  kolosal_status status;
  char message[256];
  pthread_mutex_t mutex;
  pthread_cond_t changed;
  int rounds_started; /* set by the progress callback */
  int finished;       /* set when the fit returns */
};

/* Runs on the fitting thread: tells the main thread that boosting rounds are under way. */
static int signal_started(double fraction, const char* stage, void* user_data) {
  struct long_fit* fit = (struct long_fit*)user_data;
  (void)fraction;
  if (strcmp(stage, "gradient_boosting") != 0) return 0;
  pthread_mutex_lock(&fit->mutex);
  if (!fit->rounds_started) {
    fit->rounds_started = 1;
    pthread_cond_signal(&fit->changed);
  }
  pthread_mutex_unlock(&fit->mutex);
  return 0;
}

static void* run_long_fit(void* arg) {
  struct long_fit* fit = (struct long_fit*)arg;
  fit->status = kolosal_train_engine_fit(fit->engine, fit->dataset, &fit->model);
  snprintf(fit->message, sizeof fit->message, "%s", kolosal_last_error());
  /* Wakes the main thread even if the fit ended before its first round. */
  pthread_mutex_lock(&fit->mutex);
  fit->finished = 1;
  pthread_cond_signal(&fit->changed);
  pthread_mutex_unlock(&fit->mutex);
  return NULL;
}

static void test_cancel_from_another_thread(void) {
  /* A million boosting rounds on labels with no pattern: the fit runs far longer than any test,
   * so it ends by being cancelled.
   * The cancel is sent once the rounds have started, because a fit clears earlier requests. */
  enum { kRows = 400 };
  static float noise[kRows * 2];
  static float noise_labels[kRows];
  struct long_fit fit;
  pthread_t thread;
  unsigned state = 99u;
  int row;
  for (row = 0; row < kRows * 2; ++row) {
    noise[row] = (float)((capi_next_random(&state) >> 8) % 1000) / 100.0f;
  }
  for (row = 0; row < kRows; ++row) {
    noise_labels[row] = (float)((capi_next_random(&state) >> 16) % 2);
  }
  memset(&fit, 0, sizeof fit);
  fit.status = KOLOSAL_INTERNAL;
  pthread_mutex_init(&fit.mutex, NULL);
  pthread_cond_init(&fit.changed, NULL);
  EXPECT_OK(kolosal_dataset_from_dense(noise, KOLOSAL_FLOAT32, kRows, 2, KOLOSAL_ROW_MAJOR,
                                       noise_labels, KOLOSAL_FLOAT32, NULL, &fit.dataset));
  EXPECT_OK(kolosal_train_engine_create(
      "{\"model\":\"gradient_boosting\",\"params\":{\"n_estimators\":1000000}}", &fit.engine));
  EXPECT_OK(kolosal_train_engine_set_progress(fit.engine, signal_started, &fit));
  if (fit.engine == NULL || fit.dataset == NULL) return;

  pthread_create(&thread, NULL, run_long_fit, &fit);
  pthread_mutex_lock(&fit.mutex);
  while (!fit.rounds_started && !fit.finished) pthread_cond_wait(&fit.changed, &fit.mutex);
  EXPECT_TRUE(fit.rounds_started && !fit.finished);
  pthread_mutex_unlock(&fit.mutex);
  EXPECT_OK(kolosal_train_engine_cancel(fit.engine));
  pthread_join(thread, NULL);

  EXPECT_STATUS(KOLOSAL_CANCELLED, fit.status);
  EXPECT_TRUE(strstr(fit.message, "cancel") != NULL);
  printf("fit cancelled from another thread: %s\n", fit.message);
  EXPECT_TRUE(fit.model == NULL);
  kolosal_model_free(fit.model);
  kolosal_train_engine_free(fit.engine);
  kolosal_dataset_free(fit.dataset);
  pthread_cond_destroy(&fit.changed);
  pthread_mutex_destroy(&fit.mutex);
}

static void* other_thread_error(void* arg) {
  kolosal_model* loaded = NULL;
  (void)arg;
  kolosal_model_load("/nonexistent/other-thread", &loaded);
  return NULL;
}

static void test_thread_local_errors(void) {
  pthread_t thread;
  kolosal_model* loaded = NULL;
  kolosal_model_load("/nonexistent/this-thread", &loaded);
  pthread_create(&thread, NULL, other_thread_error, NULL);
  pthread_join(thread, NULL);
  EXPECT_ERROR_CONTAINS("this-thread");
  EXPECT_TRUE(kolosal_last_status() == KOLOSAL_IO);
}

int main(void) {
  kolosal_dataset* dataset = make_dataset();
  kolosal_model* model = make_model(dataset);
  test_null_arguments(model);
  test_wrong_shapes_and_dtypes(model);
  test_nan_labels();
  test_unknown_config_keys();
  test_missing_and_corrupt_files(model);
  test_cancellation(dataset);
  test_cancel_from_another_thread();
  test_thread_local_errors();
  kolosal_model_free(model);
  kolosal_dataset_free(dataset);
  return capi_test_finish("test_capi_errors");
}
