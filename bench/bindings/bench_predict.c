/* Bindings benchmark, C side. Makes the small model that every language predicts with, and
 * times kolosal_model_predict on one row through the C ABI directly: the baseline that the
 * Go, Ruby, Java and C# programs of this folder are compared with (run.sh).
 *
 *   kolosal_bench_bindings make-model <path>           logistic regression on 4 features
 *   kolosal_bench_bindings time <model> <calls> <reps> prints "<median ns> <min ns> <label>"
 */
#define _POSIX_C_SOURCE 199309L /* clock_gettime in strict C11 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kolosal_c.h"

enum { kFeatures = 4, kTrainRows = 2000 };

/* The row every language predicts (bench_row in each program). */
static const double kBenchRow[kFeatures] = {0.5, -1.25, 2.0, 0.75};

static int Fail(const char* what) {
  fprintf(stderr, "%s failed: %s\n", what, kolosal_last_error());
  return 1;
}

/* A seeded, linearly separable problem with a little label noise. */
static void MakeProblem(double* features, double* labels) {
  uint64_t state = 42;
  for (int row_idx = 0; row_idx < kTrainRows; ++row_idx) {
    double score = 0.0;
    for (int feature_idx = 0; feature_idx < kFeatures; ++feature_idx) {
      state = state * 6364136223846793005ULL + 1442695040888963407ULL;
      const double value = (double)(state >> 11) / 9007199254740992.0 * 4.0 - 2.0;
      features[row_idx * kFeatures + feature_idx] = value;
      score += value * (feature_idx % 2 == 0 ? 1.0 : -0.5);
    }
    labels[row_idx] = (score + (double)(row_idx % 7 == 0) * 0.8) > 0.0 ? 1.0 : 0.0;
  }
}

static int MakeModel(const char* path) {
  static double features[kTrainRows * kFeatures];
  static double labels[kTrainRows];
  kolosal_dataset* dataset = NULL;
  kolosal_train_engine* engine = NULL;
  kolosal_model* model = NULL;
  int failed = 0;
  MakeProblem(features, labels);
  if (kolosal_dataset_from_dense(features, KOLOSAL_FLOAT64, kTrainRows, kFeatures,
                                 KOLOSAL_ROW_MAJOR, labels, KOLOSAL_FLOAT64,
                                 "{\"task\": \"classification\"}", &dataset) != KOLOSAL_OK) {
    failed = Fail("kolosal_dataset_from_dense");
  } else if (kolosal_train_engine_create("{\"model\": \"logistic_regression\", \"n_jobs\": 1}",
                                         &engine) != KOLOSAL_OK) {
    failed = Fail("kolosal_train_engine_create");
  } else if (kolosal_train_engine_fit(engine, dataset, &model) != KOLOSAL_OK) {
    failed = Fail("kolosal_train_engine_fit");
  } else if (kolosal_model_save(model, path) != KOLOSAL_OK) {
    failed = Fail("kolosal_model_save");
  }
  kolosal_model_free(model);
  kolosal_train_engine_free(engine);
  kolosal_dataset_free(dataset);
  return failed;
}

static double NowNs(void) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (double)now.tv_sec * 1e9 + (double)now.tv_nsec;
}

static int CompareDoubles(const void* left, const void* right) {
  const double a = *(const double*)left;
  const double b = *(const double*)right;
  return (a > b) - (a < b);
}

/* Times `calls` one-row predictions, `reps` times after as many warm-up rounds; prints the
 * median and the minimum ns per call, and the predicted label (checked by run.sh). */
static int Time(const char* path, long calls, int reps) {
  kolosal_model* model = NULL;
  float label = -1.0f;
  double* per_call = calloc((size_t)reps, sizeof(double));
  if (per_call == NULL) return 1;
  if (kolosal_model_load(path, &model) != KOLOSAL_OK) {
    free(per_call);
    return Fail("kolosal_model_load");
  }
  for (int rep = -reps; rep < reps; ++rep) { /* negative reps warm up */
    const double start = NowNs();
    for (long call = 0; call < calls; ++call) {
      if (kolosal_model_predict(model, kBenchRow, KOLOSAL_FLOAT64, 1, kFeatures, KOLOSAL_ROW_MAJOR,
                                &label, 1) != KOLOSAL_OK) {
        kolosal_model_free(model);
        free(per_call);
        return Fail("kolosal_model_predict");
      }
    }
    if (rep >= 0) per_call[rep] = (NowNs() - start) / (double)calls;
  }
  qsort(per_call, (size_t)reps, sizeof(double), CompareDoubles);
  printf("%.1f %.1f %g\n", per_call[reps / 2], per_call[0], (double)label);
  kolosal_model_free(model);
  free(per_call);
  return 0;
}

int main(int argc, char** argv) {
  if (argc == 3 && strcmp(argv[1], "make-model") == 0) return MakeModel(argv[2]);
  if (argc == 5 && strcmp(argv[1], "time") == 0) {
    return Time(argv[2], strtol(argv[3], NULL, 10), (int)strtol(argv[4], NULL, 10));
  }
  fprintf(stderr, "usage: %s make-model <path> | time <model> <calls> <reps>\n", argv[0]);
  return 2;
}
