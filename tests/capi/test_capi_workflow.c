/* Drives the whole C ABI from C11: datasets, fit, cross-validation, predict, save and load. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capi_test_util.h"

static int progress_calls = 0;

static int count_progress(double fraction, const char* stage, void* user_data) {
  (void)stage;
  (void)user_data;
  if (fraction >= 0.0 && fraction <= 1.0) ++progress_calls;
  return 0;
}

/* Two features; the class is 1 exactly when x0 + x1 > 0. */
static void make_separable(float* features, float* labels, int rows) {
  int row;
  unsigned state = 12345u;
  for (row = 0; row < rows; ++row) {
    float x0, x1;
    x0 = capi_uniform(&state);
    x1 = capi_uniform(&state);
    features[2 * row] = x0;
    features[2 * row + 1] = x1;
    labels[row] = (x0 + x1 > 0.0f) ? 1.0f : 0.0f;
  }
}

static void test_version(void) {
  char* info = NULL;
  EXPECT_TRUE(strcmp(kolosal_version(), "0.1.0") == 0);
  EXPECT_OK(kolosal_build_info(&info));
  EXPECT_TRUE(info != NULL && strstr(info, "\"cpu_features\"") != NULL);
  kolosal_string_free(info);
  EXPECT_TRUE(strcmp(kolosal_status_name(KOLOSAL_CORRUPT_MODEL), "CORRUPT_MODEL") == 0);
}

static void test_dense_workflow(void) {
  enum { kRows = 400 };
  static float features[kRows * 2];
  static float labels[kRows];
  static float predictions[kRows];
  static float probabilities[kRows * 2];
  kolosal_dataset* dataset = NULL;
  kolosal_train_engine* engine = NULL;
  kolosal_model* model = NULL;
  kolosal_model* reloaded = NULL;
  int64_t n_rows = 0, n_features = 0, n_classes = 0, size = 0;
  char* json = NULL;
  unsigned char* buffer;
  int row, correct = 0, same = 1;

  make_separable(features, labels, kRows);
  EXPECT_OK(kolosal_dataset_from_dense(features, KOLOSAL_FLOAT32, kRows, 2, KOLOSAL_ROW_MAJOR,
                                       labels, KOLOSAL_FLOAT32,
                                       "{\"feature_names\":[\"a\",\"b\"],\"task\":"
                                       "\"classification\"}",
                                       &dataset));
  EXPECT_OK(kolosal_dataset_n_rows(dataset, &n_rows));
  EXPECT_TRUE(n_rows == kRows);
  EXPECT_OK(kolosal_train_engine_create(
      "{\"model\":\"logistic_regression\",\"params\":{\"C\":10},\"cv_folds\":3}", &engine));
  EXPECT_OK(kolosal_train_engine_set_progress(engine, count_progress, NULL));
  EXPECT_OK(kolosal_train_engine_cross_validate(engine, dataset, &json));
  EXPECT_TRUE(json != NULL && strstr(json, "\"fold_scores\"") != NULL);
  kolosal_string_free(json);
  EXPECT_TRUE(progress_calls > 0);

  EXPECT_OK(kolosal_train_engine_fit(engine, dataset, &model));
  EXPECT_OK(kolosal_model_n_features(model, &n_features));
  EXPECT_OK(kolosal_model_n_classes(model, &n_classes));
  EXPECT_TRUE(n_features == 2 && n_classes == 2);
  EXPECT_OK(kolosal_model_predict(model, features, KOLOSAL_FLOAT32, kRows, 2, KOLOSAL_ROW_MAJOR,
                                  predictions, kRows));
  for (row = 0; row < kRows; ++row) correct += predictions[row] == labels[row];
  EXPECT_TRUE(correct >= kRows * 95 / 100);
  EXPECT_OK(kolosal_model_predict_proba(model, features, KOLOSAL_FLOAT32, kRows, 2,
                                        KOLOSAL_ROW_MAJOR, probabilities, kRows * 2));
  EXPECT_TRUE(fabsf(probabilities[0] + probabilities[1] - 1.0f) < 1e-5f);

  /* Round trip through a byte buffer, with a size query first. */
  EXPECT_OK(kolosal_model_save_buffer(model, NULL, 0, &size));
  EXPECT_TRUE(size > 32);
  buffer = (unsigned char*)malloc((size_t)size);
  EXPECT_OK(kolosal_model_save_buffer(model, buffer, size, &size));
  EXPECT_OK(kolosal_model_load_buffer(buffer, size, &reloaded));
  free(buffer);
  {
    static float again[kRows];
    EXPECT_OK(kolosal_model_predict(reloaded, features, KOLOSAL_FLOAT32, kRows, 2,
                                    KOLOSAL_ROW_MAJOR, again, kRows));
    for (row = 0; row < kRows; ++row) same &= again[row] == predictions[row];
    EXPECT_TRUE(same);
  }
  EXPECT_OK(kolosal_model_metadata(reloaded, &json));
  EXPECT_TRUE(json != NULL && strstr(json, "\"logistic_regression\"") != NULL);
  kolosal_string_free(json);

  kolosal_model_free(reloaded);
  kolosal_model_free(model);
  kolosal_train_engine_free(engine);
  kolosal_dataset_free(dataset);
}

enum { kLayoutRows = 300 };

static int same_floats(const float* a, const float* b, int count) {
  int idx;
  for (idx = 0; idx < count; ++idx) {
    if (a[idx] != b[idx]) return 0;
  }
  return 1;
}

/* Fits the same logistic regression the float32 row-major reference gets. */
static kolosal_model* fit_logistic(const kolosal_dataset* dataset) {
  kolosal_train_engine* engine = NULL;
  kolosal_model* model = NULL;
  EXPECT_OK(kolosal_train_engine_create("{\"model\":\"logistic_regression\",\"params\":{\"C\":10}}",
                                        &engine));
  EXPECT_OK(kolosal_train_engine_fit(engine, dataset, &model));
  kolosal_train_engine_free(engine);
  return model;
}

/* One way of passing the same matrix: its dtype, its layout and the values laid out so. */
struct dense_input {
  const char* name;
  const void* data;
  kolosal_dtype dtype;
  kolosal_layout layout;
  const void* labels;
  kolosal_dtype labels_dtype;
};

/* Predictions of `model` on `input` equal the float32 row-major ones exactly (every float64
 * value here is a float32 value, so no conversion rounds). */
static void expect_same_predictions(const kolosal_model* model, const struct dense_input* input,
                                    const float* want_labels, const float* want_proba) {
  static float labels[kLayoutRows];
  static float proba[kLayoutRows * 2];
  printf("predict from %s\n", input->name);
  EXPECT_OK(kolosal_model_predict(model, input->data, input->dtype, kLayoutRows, 2, input->layout,
                                  labels, kLayoutRows));
  EXPECT_TRUE(same_floats(labels, want_labels, kLayoutRows));
  EXPECT_OK(kolosal_model_predict_proba(model, input->data, input->dtype, kLayoutRows, 2,
                                        input->layout, proba, kLayoutRows * 2));
  EXPECT_TRUE(same_floats(proba, want_proba, kLayoutRows * 2));
}

/* A dataset built from `input` holds what the float32 row-major one holds: the same labels and
 * the same features (the reference model predicts the same on it, and a model fitted on it
 * predicts what the reference model predicts). */
static void expect_same_dataset(const kolosal_model* model, const struct dense_input* input,
                                const float* row_major, const float* want_labels,
                                const float* want_proba) {
  static float labels[kLayoutRows];
  static float proba[kLayoutRows * 2];
  kolosal_dataset* dataset = NULL;
  kolosal_model* refit = NULL;
  printf("dataset from %s\n", input->name);
  if (!EXPECT_OK(kolosal_dataset_from_dense(input->data, input->dtype, kLayoutRows, 2,
                                            input->layout, input->labels, input->labels_dtype,
                                            "{\"task\":\"classification\"}", &dataset))) {
    return;
  }
  EXPECT_OK(kolosal_dataset_labels(dataset, labels, kLayoutRows));
  EXPECT_TRUE(same_floats(labels, want_labels, kLayoutRows));
  EXPECT_OK(kolosal_model_predict_proba_dataset(model, dataset, proba, kLayoutRows * 2));
  EXPECT_TRUE(same_floats(proba, want_proba, kLayoutRows * 2));
  refit = fit_logistic(dataset);
  EXPECT_OK(kolosal_model_predict_proba(refit, row_major, KOLOSAL_FLOAT32, kLayoutRows, 2,
                                        KOLOSAL_ROW_MAJOR, proba, kLayoutRows * 2));
  EXPECT_TRUE(same_floats(proba, want_proba, kLayoutRows * 2));
  kolosal_model_free(refit);
  kolosal_dataset_free(dataset);
}

/* float64 and column-major input, to predict and to build datasets, give exactly what float32
 * row-major input gives. */
static void test_dtypes_and_layouts(void) {
  static float features[kLayoutRows * 2];
  static float labels[kLayoutRows];
  static double features_f64[kLayoutRows * 2];
  static double labels_f64[kLayoutRows];
  static float col_major_f32[kLayoutRows * 2];
  static double col_major_f64[kLayoutRows * 2];
  static float want_labels[kLayoutRows];
  static float want_proba[kLayoutRows * 2];
  const struct dense_input inputs[] = {
      {"float64 row-major", features_f64, KOLOSAL_FLOAT64, KOLOSAL_ROW_MAJOR, labels_f64,
       KOLOSAL_FLOAT64},
      {"float32 column-major", col_major_f32, KOLOSAL_FLOAT32, KOLOSAL_COL_MAJOR, labels,
       KOLOSAL_FLOAT32},
      {"float64 column-major", col_major_f64, KOLOSAL_FLOAT64, KOLOSAL_COL_MAJOR, labels_f64,
       KOLOSAL_FLOAT64},
  };
  kolosal_dataset* dataset = NULL;
  kolosal_model* model = NULL;
  int row, col, correct = 0;
  size_t idx;

  make_separable(features, labels, kLayoutRows);
  for (row = 0; row < kLayoutRows; ++row) {
    labels_f64[row] = labels[row];
    for (col = 0; col < 2; ++col) {
      features_f64[row * 2 + col] = features[row * 2 + col];
      col_major_f32[col * kLayoutRows + row] = features[row * 2 + col];
      col_major_f64[col * kLayoutRows + row] = features[row * 2 + col];
    }
  }
  EXPECT_OK(kolosal_dataset_from_dense(features, KOLOSAL_FLOAT32, kLayoutRows, 2, KOLOSAL_ROW_MAJOR,
                                       labels, KOLOSAL_FLOAT32, "{\"task\":\"classification\"}",
                                       &dataset));
  model = fit_logistic(dataset);
  if (model == NULL) {
    kolosal_dataset_free(dataset);
    return;
  }
  EXPECT_OK(kolosal_model_predict(model, features, KOLOSAL_FLOAT32, kLayoutRows, 2,
                                  KOLOSAL_ROW_MAJOR, want_labels, kLayoutRows));
  EXPECT_OK(kolosal_model_predict_proba(model, features, KOLOSAL_FLOAT32, kLayoutRows, 2,
                                        KOLOSAL_ROW_MAJOR, want_proba, kLayoutRows * 2));
  /* The reference itself is sound: labels mostly agree with the data, probabilities vary. */
  for (row = 0; row < kLayoutRows; ++row) correct += want_labels[row] == labels[row];
  EXPECT_TRUE(correct >= kLayoutRows * 95 / 100);
  EXPECT_TRUE(want_proba[1] != want_proba[3] || want_proba[1] != want_proba[5]);
  for (idx = 0; idx < sizeof inputs / sizeof inputs[0]; ++idx) {
    expect_same_predictions(model, &inputs[idx], want_labels, want_proba);
    expect_same_dataset(model, &inputs[idx], features, labels, want_proba);
  }
  kolosal_model_free(model);
  kolosal_dataset_free(dataset);
}

static void test_csv_workflow(void) {
  static const char kCsv[] =
      "size,color,price\r\n"
      "1.0,\"red\",10\r\n2.0,\"blue\",20\r\n3.0,\"red\",31\r\n4.0,\"green\",39\r\n"
      "5.0,\"blue\",52\r\n6.0,,60\r\n7.0,\"red\",71\r\n8.0,\"green\",79\r\n"
      "NA,\"blue\",90\r\n10.0,\"red\",101\r\n11.0,\"blue\",110\r\n12.0,\"green\",119\r\n";
  const char* path = capi_write_temp_file(".csv", kCsv, (long)strlen(kCsv));
  kolosal_dataset* dataset = NULL;
  kolosal_dataset* train = NULL;
  kolosal_dataset* test = NULL;
  kolosal_train_engine* engine = NULL;
  kolosal_model* model = NULL;
  kolosal_model* loaded = NULL;
  float predictions[12];
  char* json = NULL;
  char model_path[300];
  int64_t n_cols = 0;

  EXPECT_OK(
      kolosal_dataset_from_csv(path, "{\"target\":\"price\",\"task\":\"regression\"}", &dataset));
  EXPECT_OK(kolosal_dataset_n_cols(dataset, &n_cols));
  EXPECT_TRUE(n_cols == 2);
  EXPECT_OK(kolosal_dataset_describe(dataset, &json));
  EXPECT_TRUE(json != NULL && strstr(json, "\"regression\"") != NULL);
  kolosal_string_free(json);
  EXPECT_OK(kolosal_dataset_train_test_split(dataset, 0.25, 7, &train, &test));
  EXPECT_OK(
      kolosal_train_engine_create("{\"model\":\"ridge\",\"params\":{\"alpha\":0.01}}", &engine));
  EXPECT_OK(kolosal_train_engine_fit(engine, dataset, &model));
  EXPECT_OK(kolosal_model_predict_dataset(model, dataset, predictions, 12));
  EXPECT_TRUE(fabsf(predictions[0] - 10.0f) < 3.0f && fabsf(predictions[11] - 119.0f) < 3.0f);
  EXPECT_OK(kolosal_model_evaluate(model, test, &json));
  EXPECT_TRUE(json != NULL && strstr(json, "\"r2\"") != NULL);
  kolosal_string_free(json);

  snprintf(model_path, sizeof model_path, "%s.kolosal", path);
  EXPECT_OK(kolosal_model_save(model, model_path));
  EXPECT_OK(kolosal_model_load(model_path, &loaded));
  {
    float again[12];
    int row, same = 1;
    EXPECT_OK(kolosal_model_predict_dataset(loaded, dataset, again, 12));
    for (row = 0; row < 12; ++row) same &= again[row] == predictions[row];
    EXPECT_TRUE(same);
  }
  EXPECT_STATUS(KOLOSAL_FAILED_PRECONDITION,
                kolosal_model_predict_proba_dataset(loaded, dataset, predictions, 12));
  remove(model_path);
  remove(path);
  kolosal_model_free(loaded);
  kolosal_model_free(model);
  kolosal_train_engine_free(engine);
  kolosal_dataset_free(train);
  kolosal_dataset_free(test);
  kolosal_dataset_free(dataset);
}

/* Three features; the class is 1 exactly when a > 0. b and c are noise. */
static kolosal_dataset* make_first_feature_decides(void) {
  enum { kRows = 300 };
  static float features[kRows * 3];
  static float labels[kRows];
  kolosal_dataset* dataset = NULL;
  unsigned state = 777u;
  int row;
  for (row = 0; row < kRows; ++row) {
    features[3 * row] = capi_uniform(&state);
    features[3 * row + 1] = capi_uniform(&state);
    features[3 * row + 2] = capi_uniform(&state);
    labels[row] = features[3 * row] > 0.0f ? 1.0f : 0.0f;
  }
  EXPECT_OK(kolosal_dataset_from_dense(
      features, KOLOSAL_FLOAT32, kRows, 3, KOLOSAL_ROW_MAJOR, labels, KOLOSAL_FLOAT32,
      "{\"feature_names\":[\"a\",\"b\",\"c\"],\"task\":\"classification\"}", &dataset));
  return dataset;
}

static kolosal_model* fit_model(const kolosal_dataset* dataset, const char* config) {
  kolosal_train_engine* engine = NULL;
  kolosal_model* model = NULL;
  EXPECT_OK(kolosal_train_engine_create(config, &engine));
  EXPECT_OK(kolosal_train_engine_fit(engine, dataset, &model));
  kolosal_train_engine_free(engine);
  return model;
}

static void test_feature_importance(void) {
  kolosal_dataset* dataset = make_first_feature_decides();
  kolosal_model* stump =
      fit_model(dataset, "{\"model\":\"decision_tree\",\"params\":{\"max_depth\":1}}");
  kolosal_model* linear = fit_model(dataset, "{\"model\":\"logistic_regression\"}");
  float importance[3] = {-1.0f, -1.0f, -1.0f};
  char* name = NULL;

  /* A stump splits once, on the feature that decides. */
  EXPECT_OK(kolosal_model_feature_importance(stump, KOLOSAL_IMPORTANCE_SPLIT, importance, 3));
  EXPECT_TRUE(importance[0] == 1.0f && importance[1] == 0.0f && importance[2] == 0.0f);
  EXPECT_OK(kolosal_model_feature_importance(stump, KOLOSAL_IMPORTANCE_GAIN, importance, 3));
  EXPECT_TRUE(importance[0] > 0.0f && importance[1] == 0.0f && importance[2] == 0.0f);
  EXPECT_OK(kolosal_model_metadata(stump, &name));
  EXPECT_TRUE(name != NULL && strstr(name, "\"model_summary\":{\"n_trees\":1}") != NULL);
  kolosal_string_free(name);
  name = NULL;
  EXPECT_OK(kolosal_model_feature_name(stump, 2, &name));
  EXPECT_TRUE(name != NULL && strcmp(name, "c") == 0);
  kolosal_string_free(name);
  name = NULL;

  EXPECT_OK(
      kolosal_model_feature_importance(linear, KOLOSAL_IMPORTANCE_COEFFICIENT, importance, 3));
  EXPECT_TRUE(importance[0] > 4.0f * importance[1] && importance[0] > 4.0f * importance[2]);

  /* Bad input. */
  EXPECT_STATUS(KOLOSAL_UNSUPPORTED, kolosal_model_feature_importance(
                                         stump, KOLOSAL_IMPORTANCE_COEFFICIENT, importance, 3));
  EXPECT_ERROR_CONTAINS("decision_tree has no coefficient importance");
  EXPECT_STATUS(KOLOSAL_UNSUPPORTED,
                kolosal_model_feature_importance(linear, KOLOSAL_IMPORTANCE_GAIN, importance, 3));
  EXPECT_ERROR_CONTAINS("use COEFFICIENT for linear models");
  EXPECT_STATUS(KOLOSAL_INVALID_ARGUMENT,
                kolosal_model_feature_importance(stump, KOLOSAL_IMPORTANCE_GAIN, importance, 2));
  EXPECT_ERROR_CONTAINS("holds 2 values, 3 are needed");
  EXPECT_STATUS(KOLOSAL_INVALID_ARGUMENT,
                kolosal_model_feature_importance(stump, (kolosal_importance_type)7, importance, 3));
  EXPECT_ERROR_CONTAINS("unknown importance type 7");
  EXPECT_STATUS(KOLOSAL_INVALID_ARGUMENT,
                kolosal_model_feature_importance(stump, KOLOSAL_IMPORTANCE_GAIN, NULL, 3));
  EXPECT_STATUS(KOLOSAL_INVALID_ARGUMENT,
                kolosal_model_feature_importance(NULL, KOLOSAL_IMPORTANCE_GAIN, importance, 3));
  EXPECT_STATUS(KOLOSAL_INVALID_ARGUMENT, kolosal_model_feature_name(stump, 3, &name));
  EXPECT_ERROR_CONTAINS("feature index 3 out of range [0, 3)");
  EXPECT_STATUS(KOLOSAL_INVALID_ARGUMENT, kolosal_model_feature_name(stump, -1, &name));
  EXPECT_STATUS(KOLOSAL_INVALID_ARGUMENT, kolosal_model_feature_name(stump, 0, NULL));

  /* Permutation importance: the stump never looks at b or c, so shuffling them costs nothing. */
  EXPECT_OK(kolosal_model_permutation_importance(stump, dataset, "{\"n_repeats\":3}", &name));
  EXPECT_TRUE(name != NULL && strstr(name, "\"features\":[\"a\",\"b\",\"c\"]") != NULL);
  EXPECT_TRUE(name != NULL && strstr(name, "\"metric\":\"accuracy\"") != NULL);
  EXPECT_TRUE(name != NULL && strstr(name, ",0.0,0.0],\"importances_std\"") != NULL);
  kolosal_string_free(name);
  name = NULL;
  EXPECT_OK(kolosal_model_permutation_importance(linear, dataset, NULL, &name));
  EXPECT_TRUE(name != NULL && strstr(name, "\"baseline\":") != NULL);
  kolosal_string_free(name);
  name = NULL;
  EXPECT_STATUS(KOLOSAL_INVALID_ARGUMENT,
                kolosal_model_permutation_importance(stump, dataset, "{\"metric\":\"r2\"}", &name));
  EXPECT_ERROR_CONTAINS("metric 'r2' is for regression");
  EXPECT_STATUS(KOLOSAL_INVALID_ARGUMENT,
                kolosal_model_permutation_importance(stump, dataset, "{\"n_repeat\":3}", &name));
  EXPECT_ERROR_CONTAINS("did you mean 'n_repeats'");
  EXPECT_STATUS(KOLOSAL_INVALID_ARGUMENT,
                kolosal_model_permutation_importance(stump, NULL, NULL, &name));
  EXPECT_TRUE(name == NULL);

  kolosal_model_free(linear);
  kolosal_model_free(stump);
  kolosal_dataset_free(dataset);
}

/* SHAP contributions: a stump on a explains everything through a; gradient boosting's values
 * sum to the log-odds it predicts. */
static void test_contributions(void) {
  enum { kRows = 300, kWidth = 4 };
  static float values[kRows * 2 * kWidth];
  static float proba[kRows * 2];
  static const float other_names_data[3] = {0.5f, 0.5f, 0.5f};
  kolosal_dataset* dataset = make_first_feature_decides();
  kolosal_dataset* other_names = NULL;
  kolosal_model* stump =
      fit_model(dataset, "{\"model\":\"decision_tree\",\"params\":{\"max_depth\":1}}");
  kolosal_model* boosting =
      fit_model(dataset, "{\"model\":\"gradient_boosting\",\"params\":{\"n_estimators\":20}}");
  int64_t rows = 0;
  int row;
  int positives = 0;
  double share;
  double worst = 0.0;

  EXPECT_OK(kolosal_dataset_n_rows(dataset, &rows));
  EXPECT_TRUE(rows == kRows);
  EXPECT_OK(kolosal_model_predict_contributions(stump, dataset, values, kRows * 2 * kWidth));
  EXPECT_OK(kolosal_model_predict_proba_dataset(stump, dataset, proba, kRows * 2));
  for (row = 0; row < kRows; ++row) positives += proba[2 * row + 1] > 0.5f ? 1 : 0;
  share = (double)positives / kRows; /* the bias of class 1: the training share of a > 0 */
  for (row = 0; row < kRows; ++row) {
    const float* one = values + (2 * row + 1) * kWidth;
    EXPECT_TRUE(one[1] == 0.0f && one[2] == 0.0f);
    EXPECT_TRUE(fabs(one[3] - share) < 1e-6);
    EXPECT_TRUE(fabs(one[0] + one[3] - proba[2 * row + 1]) < 1e-6);
  }

  EXPECT_OK(kolosal_model_predict_contributions(boosting, dataset, values, kRows * 2 * kWidth));
  EXPECT_OK(kolosal_model_predict_proba_dataset(boosting, dataset, proba, kRows * 2));
  for (row = 0; row < kRows; ++row) {
    const float* zero = values + 2 * row * kWidth;
    const float* one = zero + kWidth;
    const double margin = (double)one[0] + one[1] + one[2] + one[3];
    const double p = 1.0 / (1.0 + exp(-margin));
    worst = fmax(worst, fabs(p - proba[2 * row + 1]));
    EXPECT_TRUE(zero[0] == -one[0] && zero[3] == -one[3]);
  }
  EXPECT_TRUE(worst < 1e-5);

  /* Bad input. */
  EXPECT_STATUS(KOLOSAL_INVALID_ARGUMENT, kolosal_model_predict_contributions(
                                              stump, dataset, values, kRows * 2 * kWidth - 1));
  EXPECT_ERROR_CONTAINS("holds 2399 values, 2400 are needed");
  EXPECT_STATUS(KOLOSAL_INVALID_ARGUMENT,
                kolosal_model_predict_contributions(NULL, dataset, values, kRows * 2 * kWidth));
  EXPECT_STATUS(KOLOSAL_INVALID_ARGUMENT,
                kolosal_model_predict_contributions(stump, NULL, values, kRows * 2 * kWidth));
  EXPECT_STATUS(KOLOSAL_INVALID_ARGUMENT,
                kolosal_model_predict_contributions(stump, dataset, NULL, kRows * 2 * kWidth));
  EXPECT_OK(kolosal_dataset_from_dense(other_names_data, KOLOSAL_FLOAT32, 1, 3, KOLOSAL_ROW_MAJOR,
                                       NULL, KOLOSAL_FLOAT32,
                                       "{\"feature_names\":[\"x\",\"b\",\"c\"]}", &other_names));
  EXPECT_STATUS(KOLOSAL_INVALID_ARGUMENT,
                kolosal_model_predict_contributions(stump, other_names, values, 2 * kWidth));
  EXPECT_ERROR_CONTAINS("missing column 'a'");

  kolosal_dataset_free(other_names);
  kolosal_model_free(boosting);
  kolosal_model_free(stump);
  kolosal_dataset_free(dataset);
}

/* One-hot indicator columns add up to their categorical column. */
static void test_importance_of_encoded_columns(void) {
  static const char kCsv[] =
      "size,color,label\n"
      "1,red,yes\n2,blue,no\n3,red,yes\n4,green,no\n5,blue,no\n6,red,yes\n"
      "7,green,no\n8,red,yes\n9,blue,no\n10,red,yes\n11,green,no\n12,blue,no\n";
  const char* path = capi_write_temp_file(".csv", kCsv, (long)strlen(kCsv));
  kolosal_dataset* dataset = NULL;
  kolosal_model* model = NULL;
  float importance[2] = {-1.0f, -1.0f};
  int64_t n_features = 0;
  EXPECT_OK(kolosal_dataset_from_csv(path, "{\"target\":\"label\"}", &dataset));
  model = fit_model(dataset,
                    "{\"model\":\"decision_tree\",\"preprocessing\":{\"encoder\":\"onehot\"}}");
  EXPECT_OK(kolosal_model_n_features(model, &n_features));
  EXPECT_TRUE(n_features == 2);
  EXPECT_OK(kolosal_model_feature_importance(model, KOLOSAL_IMPORTANCE_SPLIT, importance, 2));
  /* "color=red" alone separates the classes: one split, credited to color. */
  EXPECT_TRUE(importance[0] == 0.0f && importance[1] == 1.0f);
  remove(path);
  kolosal_model_free(model);
  kolosal_dataset_free(dataset);
}

/* y = x on rows of weight 1; rows of weight 0 have y = 1000 and must not count. */
static void test_weight_column(void) {
  enum { kRows = 20 };
  static float features[kRows * 2];
  static float labels[kRows];
  const float one_row[1] = {7.5f};
  kolosal_dataset* dataset = NULL;
  kolosal_model* model = NULL;
  char* json = NULL;
  float prediction = 0.0f;
  int64_t n_features = 0;
  int row;
  for (row = 0; row < kRows; ++row) {
    features[2 * row] = (float)row;
    features[2 * row + 1] = row % 2 == 0 ? 1.0f : 0.0f;
    labels[row] = row % 2 == 0 ? (float)row : 1000.0f;
  }
  EXPECT_OK(kolosal_dataset_from_dense(
      features, KOLOSAL_FLOAT32, kRows, 2, KOLOSAL_ROW_MAJOR, labels, KOLOSAL_FLOAT32,
      "{\"feature_names\":[\"x\",\"w\"],\"task\":\"regression\",\"weight_column\":\"w\"}",
      &dataset));
  EXPECT_OK(kolosal_dataset_describe(dataset, &json));
  EXPECT_TRUE(json != NULL && strstr(json, "\"weight_column\":\"w\"") != NULL);
  kolosal_string_free(json);
  model = fit_model(dataset, "{\"model\":\"linear_regression\"}");
  EXPECT_OK(kolosal_model_n_features(model, &n_features));
  EXPECT_TRUE(n_features == 1);
  EXPECT_OK(kolosal_model_predict(model, one_row, KOLOSAL_FLOAT32, 1, 1, KOLOSAL_ROW_MAJOR,
                                  &prediction, 1));
  EXPECT_TRUE(fabsf(prediction - 7.5f) < 1e-3f);
  kolosal_model_free(model);
  kolosal_dataset_free(dataset);
  dataset = NULL;

  /* Bad weights: negative, unknown column, no labels. */
  features[3] = -1.0f;
  EXPECT_STATUS(KOLOSAL_INVALID_ARGUMENT,
                kolosal_dataset_from_dense(features, KOLOSAL_FLOAT32, kRows, 2, KOLOSAL_ROW_MAJOR,
                                           labels, KOLOSAL_FLOAT32,
                                           "{\"feature_names\":[\"x\",\"w\"],"
                                           "\"weight_column\":\"w\"}",
                                           &dataset));
  EXPECT_ERROR_CONTAINS("weight column 'w', data row 2: a weight must be finite and >= 0, got -1");
  EXPECT_STATUS(
      KOLOSAL_INVALID_ARGUMENT,
      kolosal_dataset_from_dense(features, KOLOSAL_FLOAT32, kRows, 2, KOLOSAL_ROW_MAJOR, labels,
                                 KOLOSAL_FLOAT32, "{\"weight_column\":\"f9\"}", &dataset));
  EXPECT_ERROR_CONTAINS("unknown weight column 'f9'");
  EXPECT_STATUS(
      KOLOSAL_INVALID_ARGUMENT,
      kolosal_dataset_from_dense(features, KOLOSAL_FLOAT32, kRows, 2, KOLOSAL_ROW_MAJOR, NULL,
                                 KOLOSAL_FLOAT32, "{\"weight_column\":\"f1\"}", &dataset));
  EXPECT_ERROR_CONTAINS("needs a target column");
  EXPECT_TRUE(dataset == NULL);
}

static void test_spam(const char* data_dir) {
  const char* path = capi_dataset_path(data_dir, "spam.csv");
  kolosal_dataset* dataset = NULL;
  kolosal_dataset* train = NULL;
  kolosal_dataset* test = NULL;
  kolosal_train_engine* engine = NULL;
  kolosal_model* model = NULL;
  char* json = NULL;
  char class_name_ok = 0;
  char* class_name = NULL;
  if (path == NULL) {
    printf("spam.csv not found in %s: skipping the real-data check\n",
           data_dir != NULL ? data_dir : "(no data folder given)");
    return;
  }
  EXPECT_OK(kolosal_dataset_from_csv(path, "{\"target\":\"type\"}", &dataset));
  EXPECT_OK(kolosal_dataset_train_test_split(dataset, 0.25, 42, &train, &test));
  EXPECT_OK(kolosal_train_engine_create("{\"model\":\"logistic_regression\"}", &engine));
  EXPECT_OK(kolosal_train_engine_fit(engine, train, &model));
  EXPECT_OK(kolosal_model_evaluate(model, test, &json));
  if (json != NULL) {
    const char* accuracy = strstr(json, "\"accuracy\":");
    EXPECT_TRUE(accuracy != NULL && atof(accuracy + 11) >= 0.90);
    printf("spam holdout metrics: %s\n", json);
  }
  kolosal_string_free(json);
  EXPECT_OK(kolosal_model_class_name(model, 1, &class_name));
  class_name_ok = class_name != NULL && strcmp(class_name, "spam") == 0;
  EXPECT_TRUE(class_name_ok);
  kolosal_string_free(class_name);
  kolosal_model_free(model);
  kolosal_train_engine_free(engine);
  kolosal_dataset_free(train);
  kolosal_dataset_free(test);
  kolosal_dataset_free(dataset);
}

int main(int argc, char** argv) {
  test_version();
  test_dense_workflow();
  test_dtypes_and_layouts();
  test_csv_workflow();
  test_feature_importance();
  test_contributions();
  test_importance_of_encoded_columns();
  test_weight_column();
  test_spam(argc > 1 ? argv[1] : NULL);
  return capi_test_finish("test_capi_workflow");
}
