/* kolosal_live_handle_count: every way of making a handle adds exactly one to the count, every
 * free subtracts one, and a failed call adds nothing. This process is the only user of the
 * library, so the count is exact. */
#include <stdio.h>
#include <stdlib.h>

#include "capi_test_util.h"

static float features[60 * 2];
static float labels[60];

static int64_t live_count(void) {
  int64_t count = -1;
  EXPECT_OK(kolosal_live_handle_count(&count));
  return count;
}

/* Expects the count to be `expected`, naming the step that went wrong. */
static void expect_count(int64_t expected, const char* step) {
  int64_t count = live_count();
  if (!EXPECT_TRUE(count == expected)) {
    fprintf(stderr, "  after %s: %lld live handles, expected %lld\n", step, (long long)count,
            (long long)expected);
  }
}

static kolosal_dataset* make_dataset(void) {
  kolosal_dataset* dataset = NULL;
  EXPECT_OK(kolosal_dataset_from_dense(features, KOLOSAL_FLOAT32, 60, 2, KOLOSAL_ROW_MAJOR, labels,
                                       KOLOSAL_FLOAT32, NULL, &dataset));
  return dataset;
}

static void test_null_out_count(void) {
  EXPECT_STATUS(KOLOSAL_INVALID_ARGUMENT, kolosal_live_handle_count(NULL));
  EXPECT_ERROR_CONTAINS("out_count is NULL");
}

static void test_datasets(int64_t base) {
  kolosal_dataset* dataset = make_dataset();
  kolosal_dataset* from_csv = NULL;
  kolosal_dataset* train = NULL;
  kolosal_dataset* test = NULL;
  const char* csv = capi_write_temp_file(".csv", "a,b,y\n1,2,0\n3,4,1\n5,6,0\n7,8,1\n", 30);
  expect_count(base + 1, "kolosal_dataset_from_dense");
  EXPECT_OK(kolosal_dataset_from_csv(csv, "{\"target\": \"y\"}", &from_csv));
  expect_count(base + 2, "kolosal_dataset_from_csv");
  EXPECT_OK(kolosal_dataset_train_test_split(dataset, 0.25, 7, &train, &test));
  expect_count(base + 4, "kolosal_dataset_train_test_split");
  EXPECT_STATUS(KOLOSAL_IO, kolosal_dataset_from_csv("/no/such/file.csv", NULL, &from_csv));
  expect_count(base + 4, "a failed kolosal_dataset_from_csv");
  kolosal_dataset_free(test);
  expect_count(base + 3, "kolosal_dataset_free (test)");
  kolosal_dataset_free(train);
  kolosal_dataset_free(from_csv);
  expect_count(base + 1, "kolosal_dataset_free (train, csv)");
  kolosal_dataset_free(dataset);
  kolosal_dataset_free(NULL);
  expect_count(base, "kolosal_dataset_free (all)");
}

/* Fits a model, then loads copies of it from a buffer and from a file. */
static void test_engines_and_models(int64_t base) {
  kolosal_dataset* dataset = make_dataset();
  kolosal_train_engine* engine = NULL;
  kolosal_model* models[3] = {NULL, NULL, NULL}; /* fitted, from a buffer, from a file */
  kolosal_inference_engine* serving = NULL;
  int64_t size = 0;
  void* bytes;
  EXPECT_OK(kolosal_train_engine_create("{\"model\": \"logistic_regression\"}", &engine));
  expect_count(base + 2, "kolosal_train_engine_create");
  EXPECT_OK(kolosal_train_engine_fit(engine, dataset, &models[0]));
  expect_count(base + 3, "kolosal_train_engine_fit");
  EXPECT_OK(kolosal_model_save_buffer(models[0], NULL, 0, &size));
  bytes = malloc((size_t)size);
  EXPECT_OK(kolosal_model_save_buffer(models[0], bytes, size, &size));
  EXPECT_OK(kolosal_model_load_buffer(bytes, size, &models[1]));
  expect_count(base + 4, "kolosal_model_load_buffer");
  EXPECT_OK(kolosal_model_load(capi_write_temp_file(".kolosal", (const char*)bytes, (long)size),
                               &models[2]));
  expect_count(base + 5, "kolosal_model_load");
  EXPECT_STATUS(KOLOSAL_CORRUPT_MODEL, kolosal_model_load_buffer(bytes, size / 2, &models[2]));
  expect_count(base + 5, "a failed kolosal_model_load_buffer");
  free(bytes);
  EXPECT_OK(kolosal_inference_engine_create(NULL, &serving));
  expect_count(base + 6, "kolosal_inference_engine_create");
  EXPECT_OK(kolosal_inference_engine_add_model(serving, "m", models[1]));
  EXPECT_STATUS(KOLOSAL_INVALID_ARGUMENT,
                kolosal_inference_engine_create("{\"jit\": true}", &serving));
  expect_count(base + 6, "kolosal_inference_engine_add_model and a failed create");
  kolosal_inference_engine_free(serving);
  kolosal_inference_engine_free(NULL);
  expect_count(base + 5, "kolosal_inference_engine_free");
  kolosal_model_free(models[2]);
  kolosal_model_free(models[1]);
  expect_count(base + 3, "kolosal_model_free (loaded)");
  kolosal_model_free(models[0]);
  expect_count(base + 2, "kolosal_model_free (fitted)");
  kolosal_train_engine_free(engine);
  expect_count(base + 1, "kolosal_train_engine_free");
  kolosal_dataset_free(dataset);
  expect_count(base, "kolosal_dataset_free");
}

static void test_optimizers_and_trials(int64_t base) {
  kolosal_optimizer* optimizer = NULL;
  kolosal_trial* first = NULL;
  kolosal_trial* second = NULL;
  EXPECT_OK(kolosal_optimizer_create(
      "{\"params\": [{\"name\": \"x\", \"type\": \"float\", \"low\": 0, \"high\": 1}]}", NULL, NULL,
      &optimizer));
  expect_count(base + 1, "kolosal_optimizer_create");
  EXPECT_OK(kolosal_optimizer_ask(optimizer, &first));
  EXPECT_OK(kolosal_optimizer_ask(optimizer, &second));
  expect_count(base + 3, "kolosal_optimizer_ask (twice)");
  EXPECT_OK(kolosal_optimizer_tell(optimizer, first, 0.5));
  kolosal_trial_free(first);
  expect_count(base + 2, "kolosal_trial_free");
  /* The second trial keeps the study alive, but the optimizer handle itself is gone. */
  kolosal_optimizer_free(optimizer);
  expect_count(base + 1, "kolosal_optimizer_free");
  kolosal_trial_free(second);
  kolosal_trial_free(NULL);
  kolosal_optimizer_free(NULL);
  expect_count(base, "kolosal_trial_free (after its optimizer)");
}

int main(void) {
  int row;
  for (row = 0; row < 60; ++row) {
    features[2 * row] = (float)(row % 7) - 3.0f;
    features[2 * row + 1] = (float)(row % 3);
    labels[row] = (float)(row % 2);
  }
  test_null_out_count();
  expect_count(0, "start");
  test_datasets(0);
  test_engines_and_models(0);
  test_optimizers_and_trials(0);
  return capi_test_finish("test_capi_handles");
}
