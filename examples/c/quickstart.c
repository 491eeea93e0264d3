/* C quick start: the C ABI from plain C11. Usage: quickstart_c <data-dir> */
#include <stdio.h>
#include <stdlib.h>

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
  int64_t n_features = 0, n_rows = 0, width = 0, idx, top = 0;
  FILE* probe;

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

  kolosal_string_free(metrics);
  kolosal_model_free(model);
  kolosal_train_engine_free(engine);
  kolosal_dataset_free(train);
  kolosal_dataset_free(test);
  kolosal_dataset_free(data);
  return 0;
}
