/* The optimizer and trial handles from C11: ask/tell loops with known answers (the best trial
 * too), pruning, enqueue, warm start, storages, cancellation from another thread, a sampler
 * against the strategy, every registered model's default space, and every bad input. */
#define _DEFAULT_SOURCE
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capi_test_util.h"

static const char* kSpace =
    "{\"params\":[{\"name\":\"x\",\"type\":\"float\",\"low\":-5,\"high\":5},"
    "{\"name\":\"n\",\"type\":\"int\",\"low\":-4,\"high\":4},"
    "{\"name\":\"k\",\"type\":\"categorical\",\"choices\":[\"a\",\"b\",\"c\"]}]}";

/* (x - 2)^2 + (n + 1)^2, plus 1 unless k is "b": the minimum is 0 at x = 2, n = -1, k = b. */
static double objective(kolosal_trial* trial) {
  double x = 0.0;
  int64_t n = 0;
  char* k = NULL;
  double value;
  EXPECT_OK(kolosal_trial_get_float(trial, "x", &x));
  EXPECT_OK(kolosal_trial_get_int(trial, "n", &n));
  EXPECT_OK(kolosal_trial_get_categorical(trial, "k", &k));
  value = (x - 2.0) * (x - 2.0) + (double)((n + 1) * (n + 1)) +
          (k != NULL && strcmp(k, "b") == 0 ? 0.0 : 1.0);
  kolosal_string_free(k);
  return value;
}

static int64_t should_stop(kolosal_optimizer* optimizer) {
  int64_t stop = -1;
  EXPECT_OK(kolosal_optimizer_should_stop(optimizer, &stop));
  return stop;
}

static int stop_reason_is(kolosal_optimizer* optimizer, const char* expected) {
  char* reason = NULL;
  int same;
  EXPECT_OK(kolosal_optimizer_stop_reason(optimizer, &reason));
  same = reason != NULL && strcmp(reason, expected) == 0;
  if (!same) fprintf(stderr, "stop reason: %s, expected %s\n", reason ? reason : "NULL", expected);
  kolosal_string_free(reason);
  return same;
}

/* Runs ask/tell until the study stops; returns the number of trials and the smallest value. */
static int run_loop(kolosal_optimizer* optimizer, double* min_value) {
  int n_trials = 0;
  *min_value = INFINITY;
  while (!should_stop(optimizer) && n_trials < 1000) {
    kolosal_trial* trial = NULL;
    double value;
    if (!EXPECT_OK(kolosal_optimizer_ask(optimizer, &trial))) return n_trials;
    value = objective(trial);
    if (value < *min_value) *min_value = value;
    EXPECT_OK(kolosal_optimizer_tell(optimizer, trial, value));
    kolosal_trial_free(trial);
    ++n_trials;
  }
  return n_trials;
}

static int history_has(kolosal_optimizer* optimizer, const char* fragment) {
  char* history = NULL;
  int found;
  EXPECT_OK(kolosal_optimizer_history(optimizer, &history));
  found = history != NULL && strstr(history, fragment) != NULL;
  if (!found) fprintf(stderr, "history lacks %s\n", fragment);
  kolosal_string_free(history);
  return found;
}

/* The number, value and parameters of the best trial seen by an ask/tell loop. */
typedef struct {
  int64_t number;
  double value;
  double x;
  int64_t n;
  char k[8];
} best_seen;

/* Like run_loop, but remembers the best trial's number and parameters. */
static int run_loop_tracking_best(kolosal_optimizer* optimizer, best_seen* best) {
  int n_trials = 0;
  best->number = -1;
  best->value = INFINITY;
  while (!should_stop(optimizer) && n_trials < 1000) {
    kolosal_trial* trial = NULL;
    double value;
    if (!EXPECT_OK(kolosal_optimizer_ask(optimizer, &trial))) return n_trials;
    value = objective(trial);
    if (value < best->value) {
      char* k = NULL;
      best->value = value;
      EXPECT_OK(kolosal_trial_number(trial, &best->number));
      EXPECT_OK(kolosal_trial_get_float(trial, "x", &best->x));
      EXPECT_OK(kolosal_trial_get_int(trial, "n", &best->n));
      EXPECT_OK(kolosal_trial_get_categorical(trial, "k", &k));
      snprintf(best->k, sizeof best->k, "%s", k != NULL ? k : "");
      kolosal_string_free(k);
    }
    EXPECT_OK(kolosal_optimizer_tell(optimizer, trial, value));
    kolosal_trial_free(trial);
    ++n_trials;
  }
  return n_trials;
}

/* The number after `"key":` in `json`, or NAN when the key is absent. */
static double json_number(const char* json, const char* key) {
  char pattern[64];
  const char* found;
  snprintf(pattern, sizeof pattern, "\"%s\":", key);
  found = json != NULL ? strstr(json, pattern) : NULL;
  return found != NULL ? strtod(found + strlen(pattern), NULL) : NAN;
}

/* The parameter object that starts at `json` ("{...}", no nested objects) holds the best
 * trial's parameters: x (exactly, as JSON round-trips doubles), n and k. */
static int has_params_of(const char* json, const best_seen* best) {
  char params[256];
  char k[32];
  const char* end = json != NULL ? strchr(json, '}') : NULL;
  if (end == NULL || end - json >= (long)sizeof params) return 0;
  memcpy(params, json, (size_t)(end - json));
  params[end - json] = '\0';
  snprintf(k, sizeof k, "\"k\":\"%s\"", best->k);
  return json_number(params, "x") == best->x && json_number(params, "n") == (double)best->n &&
         strstr(params, k) != NULL;
}

static void test_ask_tell_known_answers(void) {
  kolosal_optimizer* optimizer = NULL;
  double best_value = -1.0;
  char* best = NULL;
  char* history = NULL;
  const char* params;
  best_seen seen;
  int n_trials;
  EXPECT_OK(
      kolosal_optimizer_create(kSpace, "{\"max_trials\":40,\"random_state\":1}", NULL, &optimizer));
  n_trials = run_loop_tracking_best(optimizer, &seen);
  EXPECT_TRUE(n_trials == 40);
  EXPECT_TRUE(stop_reason_is(optimizer, "max_trials"));
  EXPECT_OK(kolosal_optimizer_best_value(optimizer, &best_value));
  EXPECT_TRUE(best_value == seen.value);
  EXPECT_TRUE(best_value < 1.5);
  /* kolosal_optimizer_best: {"number", "value", "params"} of the best trial. */
  EXPECT_OK(kolosal_optimizer_best(optimizer, &best));
  params = best != NULL ? strstr(best, "\"params\":{") : NULL;
  EXPECT_TRUE(json_number(best, "number") == (double)seen.number);
  EXPECT_TRUE(json_number(best, "value") == seen.value);
  EXPECT_TRUE(params != NULL && has_params_of(params + strlen("\"params\":"), &seen));
  kolosal_string_free(best);
  /* The history's best_trial, best_value and best_params name the same trial. */
  EXPECT_OK(kolosal_optimizer_history(optimizer, &history));
  EXPECT_TRUE(json_number(history, "best_trial") == (double)seen.number);
  EXPECT_TRUE(json_number(history, "best_value") == seen.value);
  params = history != NULL ? strstr(history, "\"best_params\":{") : NULL;
  EXPECT_TRUE(params != NULL && has_params_of(params + strlen("\"best_params\":"), &seen));
  kolosal_string_free(history);
  EXPECT_TRUE(history_has(optimizer, "\"n_trials\":40"));
  EXPECT_TRUE(history_has(optimizer, "\"direction\":\"minimize\""));
  kolosal_optimizer_free(optimizer);
}

static void test_maximize(void) {
  kolosal_optimizer* optimizer = NULL;
  double max_value = -INFINITY, best_value = 0.0;
  int trial_idx;
  EXPECT_OK(kolosal_optimizer_create(
      kSpace, "{\"max_trials\":12,\"direction\":\"maximize\",\"sampler\":\"random\"}", "",
      &optimizer));
  for (trial_idx = 0; trial_idx < 12; ++trial_idx) {
    kolosal_trial* trial = NULL;
    double value;
    EXPECT_OK(kolosal_optimizer_ask(optimizer, &trial));
    value = objective(trial);
    if (value > max_value) max_value = value;
    EXPECT_OK(kolosal_optimizer_tell(optimizer, trial, value));
    kolosal_trial_free(trial);
  }
  EXPECT_TRUE(should_stop(optimizer) == 1);
  EXPECT_OK(kolosal_optimizer_best_value(optimizer, &best_value));
  EXPECT_TRUE(best_value == max_value);
  kolosal_optimizer_free(optimizer);
}

/* GRID_SEARCH asks every point of a 4 x 3 grid exactly once, then reports "exhausted". */
static void test_grid_covers_its_grid(void) {
  const char* space =
      "{\"params\":[{\"name\":\"a\",\"type\":\"int\",\"low\":0,\"high\":3},"
      "{\"name\":\"k\",\"type\":\"categorical\",\"choices\":[\"x\",\"y\",\"z\"]}]}";
  int seen[4][3];
  int n_trials = 0, a_idx, k_idx, all_once = 1;
  kolosal_optimizer* optimizer = NULL;
  memset(seen, 0, sizeof seen);
  EXPECT_OK(kolosal_optimizer_create(space, "{\"optimization_strategy\":\"GRID_SEARCH\"}", NULL,
                                     &optimizer));
  while (!should_stop(optimizer) && n_trials < 100) {
    kolosal_trial* trial = NULL;
    int64_t a = -1;
    char* k = NULL;
    EXPECT_OK(kolosal_optimizer_ask(optimizer, &trial));
    EXPECT_OK(kolosal_trial_get_int(trial, "a", &a));
    EXPECT_OK(kolosal_trial_get_categorical(trial, "k", &k));
    if (a >= 0 && a < 4 && k != NULL && k[0] >= 'x' && k[0] <= 'z') ++seen[a][k[0] - 'x'];
    EXPECT_OK(kolosal_optimizer_tell(optimizer, trial, (double)a));
    kolosal_string_free(k);
    kolosal_trial_free(trial);
    ++n_trials;
  }
  EXPECT_TRUE(n_trials == 12);
  for (a_idx = 0; a_idx < 4; ++a_idx) {
    for (k_idx = 0; k_idx < 3; ++k_idx) all_once &= seen[a_idx][k_idx] == 1;
  }
  EXPECT_TRUE(all_once);
  EXPECT_TRUE(stop_reason_is(optimizer, "exhausted"));
  kolosal_optimizer_free(optimizer);
}

static void test_params_and_conditions(void) {
  const char* space =
      "{\"params\":[{\"name\":\"kernel\",\"type\":\"categorical\",\"choices\":[\"rbf\",\"poly\"]},"
      "{\"name\":\"gamma\",\"type\":\"float\",\"low\":0.001,\"high\":1,\"log\":true,"
      "\"condition\":{\"kernel\":[\"rbf\"]}},"
      "{\"name\":\"flag\",\"type\":\"categorical\",\"choices\":[true]}]}";
  kolosal_optimizer* optimizer = NULL;
  kolosal_trial* trial = NULL;
  int64_t has = -1, number = -1;
  double gamma = 0.0;
  char* json = NULL;
  char* flag = NULL;
  EXPECT_OK(kolosal_optimizer_create(space, NULL, NULL, &optimizer));
  EXPECT_OK(kolosal_optimizer_enqueue(optimizer, "{\"kernel\":\"rbf\",\"gamma\":0.5}"));
  EXPECT_OK(kolosal_optimizer_ask(optimizer, &trial));
  EXPECT_OK(kolosal_trial_number(trial, &number));
  EXPECT_TRUE(number == 0);
  EXPECT_OK(kolosal_trial_has_param(trial, "gamma", &has));
  EXPECT_TRUE(has == 1);
  EXPECT_OK(kolosal_trial_has_param(trial, "nope", &has));
  EXPECT_TRUE(has == 0);
  EXPECT_OK(kolosal_trial_get_float(trial, "gamma", &gamma));
  EXPECT_TRUE(fabs(gamma - 0.5) < 1e-12);
  EXPECT_OK(kolosal_trial_get_categorical(trial, "flag", &flag));
  EXPECT_TRUE(flag != NULL && strcmp(flag, "true") == 0);
  kolosal_string_free(flag);
  EXPECT_OK(kolosal_trial_params(trial, &json));
  EXPECT_TRUE(json != NULL && strstr(json, "\"kernel\":\"rbf\"") != NULL &&
              strstr(json, "\"gamma\":0.5") != NULL);
  kolosal_string_free(json);
  EXPECT_OK(kolosal_optimizer_tell(optimizer, trial, 1.0));
  kolosal_trial_free(trial);
  kolosal_optimizer_free(optimizer);
}

static void test_pruning_and_failures(void) {
  kolosal_optimizer* optimizer = NULL;
  kolosal_trial* good = NULL;
  kolosal_trial* bad = NULL;
  kolosal_trial* broken = NULL;
  int64_t prune = -1, step;
  EXPECT_OK(kolosal_optimizer_create(
      kSpace, "{\"pruner\":{\"name\":\"median\",\"n_startup_trials\":1}}", NULL, &optimizer));
  EXPECT_OK(kolosal_optimizer_ask(optimizer, &good));
  for (step = 0; step < 5; ++step) EXPECT_OK(kolosal_trial_report(good, step, 1.0));
  EXPECT_OK(kolosal_trial_should_prune(good, &prune));
  EXPECT_TRUE(prune == 0);
  EXPECT_OK(kolosal_optimizer_tell(optimizer, good, 1.0));
  EXPECT_OK(kolosal_optimizer_ask(optimizer, &bad));
  EXPECT_OK(kolosal_trial_report(bad, 0, 100.0));
  EXPECT_OK(kolosal_trial_should_prune(bad, &prune));
  EXPECT_TRUE(prune == 1);
  EXPECT_OK(kolosal_optimizer_tell_pruned(optimizer, bad));
  EXPECT_OK(kolosal_optimizer_ask(optimizer, &broken));
  EXPECT_OK(kolosal_optimizer_tell_failed(optimizer, broken));
  EXPECT_TRUE(history_has(optimizer, "\"state\":\"PRUNED\""));
  EXPECT_TRUE(history_has(optimizer, "\"state\":\"FAILED\""));
  EXPECT_TRUE(history_has(optimizer, "\"intermediate_values\":{\"0\":100.0}"));
  /* Telling a finished trial, in any way, is FAILED_PRECONDITION. */
  EXPECT_STATUS(KOLOSAL_FAILED_PRECONDITION, kolosal_optimizer_tell(optimizer, good, 2.0));
  EXPECT_ERROR_CONTAINS("trial 0");
  EXPECT_STATUS(KOLOSAL_FAILED_PRECONDITION, kolosal_optimizer_tell_pruned(optimizer, bad));
  EXPECT_STATUS(KOLOSAL_FAILED_PRECONDITION, kolosal_optimizer_tell_failed(optimizer, broken));
  EXPECT_STATUS(KOLOSAL_FAILED_PRECONDITION, kolosal_trial_report(good, 9, 1.0));
  kolosal_trial_free(good);
  kolosal_trial_free(bad);
  kolosal_trial_free(broken);
  kolosal_optimizer_free(optimizer);
}

static void test_warm_start(void) {
  kolosal_optimizer* first = NULL;
  kolosal_optimizer* second = NULL;
  double min_value = 0.0, first_best = 0.0, second_best = -1.0;
  int64_t added = -1;
  char* history = NULL;
  EXPECT_OK(kolosal_optimizer_create(kSpace, "{\"max_trials\":8}", NULL, &first));
  run_loop(first, &min_value);
  EXPECT_OK(kolosal_optimizer_best_value(first, &first_best));
  EXPECT_OK(kolosal_optimizer_history(first, &history));
  EXPECT_OK(kolosal_optimizer_create(kSpace, "{\"max_trials\":20}", NULL, &second));
  EXPECT_OK(kolosal_optimizer_warm_start(second, history, &added));
  EXPECT_TRUE(added == 8);
  EXPECT_OK(kolosal_optimizer_best_value(second, &second_best));
  EXPECT_TRUE(second_best == first_best);
  kolosal_string_free(history);
  kolosal_optimizer_free(first);
  kolosal_optimizer_free(second);
}

/* A trial keeps its study alive: it stays usable after the optimizer is freed. */
static void test_trial_outlives_optimizer(void) {
  kolosal_optimizer* optimizer = NULL;
  kolosal_trial* trial = NULL;
  double x = 99.0;
  int64_t prune = -1;
  char* json = NULL;
  EXPECT_OK(kolosal_optimizer_create(kSpace, NULL, NULL, &optimizer));
  EXPECT_OK(kolosal_optimizer_ask(optimizer, &trial));
  kolosal_optimizer_free(optimizer);
  EXPECT_OK(kolosal_trial_get_float(trial, "x", &x));
  EXPECT_TRUE(x >= -5.0 && x <= 5.0);
  EXPECT_OK(kolosal_trial_report(trial, 0, 1.0));
  EXPECT_OK(kolosal_trial_should_prune(trial, &prune));
  EXPECT_OK(kolosal_trial_params(trial, &json));
  kolosal_string_free(json);
  kolosal_trial_free(trial);
}

static void* cancel_from_thread(void* optimizer) {
  kolosal_optimizer_cancel((kolosal_optimizer*)optimizer);
  return NULL;
}

static void test_cancel_and_budgets(void) {
  kolosal_optimizer* optimizer = NULL;
  pthread_t thread;
  double min_value = 0.0;
  EXPECT_OK(kolosal_optimizer_create(kSpace, NULL, NULL, &optimizer));
  EXPECT_TRUE(should_stop(optimizer) == 0);
  EXPECT_TRUE(stop_reason_is(optimizer, "none"));
  EXPECT_TRUE(pthread_create(&thread, NULL, cancel_from_thread, optimizer) == 0);
  pthread_join(thread, NULL);
  EXPECT_TRUE(should_stop(optimizer) == 1);
  EXPECT_TRUE(stop_reason_is(optimizer, "cancelled"));
  kolosal_optimizer_free(optimizer);

  /* Convergence: a constant objective never improves. */
  optimizer = NULL;
  EXPECT_OK(kolosal_optimizer_create(kSpace, "{\"early_stopping_patience\":3}", NULL, &optimizer));
  while (!should_stop(optimizer)) {
    kolosal_trial* trial = NULL;
    EXPECT_OK(kolosal_optimizer_ask(optimizer, &trial));
    EXPECT_OK(kolosal_optimizer_tell(optimizer, trial, 1.0));
    kolosal_trial_free(trial);
  }
  EXPECT_TRUE(stop_reason_is(optimizer, "converged"));
  EXPECT_TRUE(history_has(optimizer, "\"n_trials\":4"));
  kolosal_optimizer_free(optimizer);

  optimizer = NULL;
  EXPECT_OK(kolosal_optimizer_create(kSpace, "{\"optimization_timeout\":0.05}", NULL, &optimizer));
  usleep(100000);
  EXPECT_TRUE(stop_reason_is(optimizer, "timeout"));
  EXPECT_TRUE(run_loop(optimizer, &min_value) == 0);
  kolosal_optimizer_free(optimizer);
}

/* Two optimizers on one SQLite study: the second resumes the first's trials. */
static void test_sqlite_storage(void) {
  char url[300];
  const char* path = capi_write_temp_file(".db", "", 0);
  kolosal_optimizer* first = NULL;
  kolosal_optimizer* second = NULL;
  double min_value = 0.0;
  unlink(path);
  snprintf(url, sizeof url, "sqlite://%s", path);
  EXPECT_OK(
      kolosal_optimizer_create(kSpace, "{\"max_trials\":5,\"study_name\":\"s\"}", url, &first));
  EXPECT_TRUE(run_loop(first, &min_value) == 5);
  kolosal_optimizer_free(first);
  EXPECT_OK(
      kolosal_optimizer_create(kSpace, "{\"max_trials\":9,\"study_name\":\"s\"}", url, &second));
  EXPECT_TRUE(run_loop(second, &min_value) == 4);
  EXPECT_TRUE(history_has(second, "\"n_trials\":9"));
  kolosal_optimizer_free(second);
  /* Another space under the same study name is refused. */
  second = NULL;
  EXPECT_STATUS(KOLOSAL_FAILED_PRECONDITION,
                kolosal_optimizer_create("{\"params\":[{\"name\":\"y\",\"type\":\"float\","
                                         "\"low\":0,\"high\":1}]}",
                                         "{\"study_name\":\"s\"}", url, &second));
  EXPECT_TRUE(second == NULL);
  unlink(path);
}

static void test_postgres_storage(void) {
  const char* url = getenv("KOLOSAL_TEST_POSTGRES_URL");
  const char* required = getenv("KOLOSAL_REQUIRE_POSTGRES");
  char config[200];
  kolosal_optimizer* optimizer = NULL;
  double min_value = 0.0;
  if (url == NULL || url[0] == '\0') {
    /* KOLOSAL_REQUIRE_POSTGRES=1 turns the skip into a failure. */
    int must_run = required != NULL && strcmp(required, "1") == 0;
    printf("KOLOSAL_TEST_POSTGRES_URL is not set: %s the PostgreSQL check\n",
           must_run ? "failing (KOLOSAL_REQUIRE_POSTGRES=1)" : "skipping");
    EXPECT_TRUE(!must_run);
    return;
  }
  snprintf(config, sizeof config, "{\"max_trials\":3,\"study_name\":\"capi_%ld\"}", (long)getpid());
  EXPECT_OK(kolosal_optimizer_create(kSpace, config, url, &optimizer));
  EXPECT_TRUE(run_loop(optimizer, &min_value) == 3);
  EXPECT_TRUE(history_has(optimizer, "\"n_trials\":3"));
  kolosal_optimizer_free(optimizer);
}

/* An explicit sampler must agree with optimization_strategy and hyperopt_backend. */
static void test_sampler_and_strategy_must_agree(void) {
  kolosal_optimizer* optimizer = NULL;
  EXPECT_STATUS(KOLOSAL_INVALID_ARGUMENT,
                kolosal_optimizer_create(
                    kSpace, "{\"optimization_strategy\":\"ADAPTIVE\",\"sampler\":\"random\"}", NULL,
                    &optimizer));
  EXPECT_ERROR_CONTAINS(
      "sampler 'random' contradicts optimization_strategy ADAPTIVE, which uses 'adaptive'");
  EXPECT_STATUS(KOLOSAL_INVALID_ARGUMENT,
                kolosal_optimizer_create(
                    kSpace, "{\"optimization_strategy\":\"GRID_SEARCH\",\"sampler\":\"tpe\"}", NULL,
                    &optimizer));
  EXPECT_ERROR_CONTAINS("sampler 'tpe' contradicts optimization_strategy GRID_SEARCH");
  EXPECT_STATUS(
      KOLOSAL_INVALID_ARGUMENT,
      kolosal_optimizer_create(kSpace, "{\"hyperopt_backend\":\"skopt\",\"sampler\":\"tpe\"}", NULL,
                               &optimizer));
  EXPECT_ERROR_CONTAINS("hyperopt_backend 'skopt', which uses 'gp'");
  EXPECT_TRUE(optimizer == NULL);

  /* Consistent combinations work. */
  EXPECT_OK(kolosal_optimizer_create(
      kSpace, "{\"optimization_strategy\":\"ADAPTIVE\",\"sampler\":\"adaptive\"}", NULL,
      &optimizer));
  kolosal_optimizer_free(optimizer);
  optimizer = NULL;
  EXPECT_OK(kolosal_optimizer_create(
      kSpace, "{\"optimization_strategy\":\"TPE\",\"sampler\":\"tpe_univariate\"}", NULL,
      &optimizer));
  kolosal_optimizer_free(optimizer);
  optimizer = NULL;
  EXPECT_OK(kolosal_optimizer_create(
      kSpace, "{\"optimization_strategy\":\"HYPERBAND\",\"sampler\":\"random\"}", NULL,
      &optimizer));
  kolosal_optimizer_free(optimizer);
}

/* Every registered model's default search space goes through the strict HPO parser and its
 * sampled points are params the model accepts: a short tuning study per model and task (the
 * prior centre, then random points), in which no trial may fail. The model names come from the
 * registry itself, through the "Valid: ..." list of an unknown-model error. */
static int list_registered_models(char names[][64], int capacity) {
  kolosal_train_engine* engine = NULL;
  const char* valid;
  int count = 0;
  EXPECT_STATUS(KOLOSAL_INVALID_ARGUMENT,
                kolosal_train_engine_create("{\"model\":\"no_such_model\"}", &engine));
  valid = strstr(kolosal_last_error(), "Valid: ");
  if (!EXPECT_TRUE(valid != NULL)) return 0;
  valid += strlen("Valid: ");
  while (*valid != '\0' && count < capacity) {
    size_t length = strcspn(valid, ", ");
    if (length > 0 && length < 64) {
      memcpy(names[count], valid, length);
      names[count][length] = '\0';
      ++count;
    }
    valid += length;
    valid += strspn(valid, ", ");
  }
  return count;
}

static kolosal_dataset* make_dataset(int classification) {
  enum { kRows = 90 };
  static float features[kRows * 3];
  static float labels[kRows];
  kolosal_dataset* dataset = NULL;
  unsigned state = 4242u;
  int row, col;
  for (row = 0; row < kRows; ++row) {
    for (col = 0; col < 3; ++col) {
      features[3 * row + col] = capi_uniform(&state);
    }
    labels[row] = 2.0f * features[3 * row] - features[3 * row + 1];
    if (classification) labels[row] = labels[row] > 0.0f ? 1.0f : 0.0f;
  }
  EXPECT_OK(kolosal_dataset_from_dense(
      features, KOLOSAL_FLOAT32, kRows, 3, KOLOSAL_ROW_MAJOR, labels, KOLOSAL_FLOAT32,
      classification ? "{\"task\":\"classification\"}" : "{\"task\":\"regression\"}", &dataset));
  return dataset;
}

static void test_every_registered_space_tunes(void) {
  char names[64][64];
  char config[128];
  const int n_models = list_registered_models(names, 64);
  kolosal_dataset* datasets[2];
  int model_idx, task, linear_found = 0, tree_found = 0;
  datasets[0] = make_dataset(0);
  datasets[1] = make_dataset(1);
  for (model_idx = 0; model_idx < n_models; ++model_idx) {
    int tuned = 0;
    linear_found += strcmp(names[model_idx], "ridge") == 0;
    tree_found += strcmp(names[model_idx], "gradient_boosting") == 0;
    for (task = 0; task < 2; ++task) {
      kolosal_train_engine* engine = NULL;
      kolosal_model* model = NULL;
      char* metadata = NULL;
      kolosal_status status;
      snprintf(config, sizeof config, "{\"model\":\"%.63s\",\"cv_folds\":2}", names[model_idx]);
      if (!EXPECT_OK(kolosal_train_engine_create(config, &engine))) continue;
      status = kolosal_train_engine_tune(engine, datasets[task],
                                         "{\"n_trials\":4,\"random_state\":3}", NULL, &model);
      if (status == KOLOSAL_INVALID_ARGUMENT && strstr(kolosal_last_error(), "does not support")) {
        kolosal_train_engine_free(engine);
        continue; /* e.g. ridge has no classification */
      }
      if (status == KOLOSAL_INVALID_ARGUMENT && strstr(kolosal_last_error(), "nothing to tune") &&
          strcmp(names[model_idx], "linear_regression") == 0) {
        /* Its default space is empty (docs/search-space.md): there is nothing to tune. */
        kolosal_train_engine_free(engine);
        ++tuned;
        continue;
      }
      if (status != KOLOSAL_OK) {
        fprintf(stderr, "tuning %s (%s) failed: %s\n", names[model_idx],
                task ? "classification" : "regression", kolosal_last_error());
      }
      EXPECT_TRUE(status == KOLOSAL_OK);
      if (status == KOLOSAL_OK && EXPECT_OK(kolosal_model_metadata(model, &metadata))) {
        const int clean = strstr(metadata, "\"n_complete\":4") != NULL &&
                          strstr(metadata, "\"n_failed\":0") != NULL;
        if (!clean) fprintf(stderr, "%s: %s\n", names[model_idx], metadata);
        EXPECT_TRUE(clean);
        ++tuned;
      }
      kolosal_string_free(metadata);
      kolosal_model_free(model);
      kolosal_train_engine_free(engine);
    }
    if (!tuned) fprintf(stderr, "model %s tuned for no task\n", names[model_idx]);
    EXPECT_TRUE(tuned > 0);
  }
  EXPECT_TRUE(n_models >= 9 && linear_found == 1 && tree_found == 1);
  kolosal_dataset_free(datasets[0]);
  kolosal_dataset_free(datasets[1]);
}

static void test_bad_input(void) {
  kolosal_optimizer* optimizer = (kolosal_optimizer*)0x1;
  kolosal_optimizer* other = NULL;
  kolosal_optimizer* valid = NULL;
  kolosal_trial* trial = NULL;
  kolosal_trial* foreign = NULL;
  double value = -7.0;
  int64_t count = -7;
  char* text = (char*)0x1;

  EXPECT_STATUS(KOLOSAL_INVALID_ARGUMENT, kolosal_optimizer_create(NULL, NULL, NULL, &optimizer));
  EXPECT_ERROR_CONTAINS("space_json is NULL");
  EXPECT_STATUS(KOLOSAL_INVALID_ARGUMENT, kolosal_optimizer_create(kSpace, NULL, NULL, NULL));
  EXPECT_STATUS(KOLOSAL_INVALID_ARGUMENT, kolosal_optimizer_create("{", NULL, NULL, &optimizer));
  EXPECT_ERROR_CONTAINS("invalid JSON");
  EXPECT_STATUS(KOLOSAL_INVALID_ARGUMENT, kolosal_optimizer_create(kSpace, "{]", NULL, &optimizer));
  EXPECT_STATUS(KOLOSAL_INVALID_ARGUMENT,
                kolosal_optimizer_create(kSpace, "{\"max_trial\":5}", NULL, &optimizer));
  EXPECT_ERROR_CONTAINS("did you mean 'max_trials'");
  EXPECT_STATUS(KOLOSAL_INVALID_ARGUMENT,
                kolosal_optimizer_create("{\"params\":[{\"name\":\"x\",\"type\":\"float\","
                                         "\"low\":2,\"high\":1}]}",
                                         NULL, NULL, &optimizer));
  EXPECT_ERROR_CONTAINS("above high");
  /* log with a non-positive bound: zero and negative, float and int. */
  EXPECT_STATUS(KOLOSAL_INVALID_ARGUMENT,
                kolosal_optimizer_create("{\"params\":[{\"name\":\"lr\",\"type\":\"float\","
                                         "\"low\":0,\"high\":1,\"log\":true}]}",
                                         NULL, NULL, &optimizer));
  EXPECT_ERROR_CONTAINS("search space: param 'lr': a log scale needs low > 0, got 0");
  EXPECT_STATUS(KOLOSAL_INVALID_ARGUMENT,
                kolosal_optimizer_create("{\"params\":[{\"name\":\"lr\",\"type\":\"float\","
                                         "\"low\":-1,\"high\":1,\"log\":true}]}",
                                         NULL, NULL, &optimizer));
  EXPECT_ERROR_CONTAINS("a log scale needs low > 0, got -1");
  EXPECT_STATUS(KOLOSAL_INVALID_ARGUMENT,
                kolosal_optimizer_create("{\"params\":[{\"name\":\"n\",\"type\":\"int\","
                                         "\"low\":0,\"high\":64,\"log\":true}]}",
                                         NULL, NULL, &optimizer));
  EXPECT_ERROR_CONTAINS("param 'n': a log scale needs low > 0");
  EXPECT_STATUS(KOLOSAL_INVALID_ARGUMENT,
                kolosal_optimizer_create("{\"params\":[]}", NULL, NULL, &optimizer));
  EXPECT_ERROR_CONTAINS("empty");
  EXPECT_STATUS(KOLOSAL_INVALID_ARGUMENT,
                kolosal_optimizer_create("{\"params\":[{\"name\":\"x\",\"type\":\"flaot\","
                                         "\"low\":0,\"high\":1}]}",
                                         NULL, NULL, &optimizer));
  EXPECT_ERROR_CONTAINS("did you mean 'float'");
  EXPECT_STATUS(
      KOLOSAL_IO,
      kolosal_optimizer_create(kSpace, NULL, "sqlite:///nonexistent-dir/kolosal/s.db", &optimizer));
  EXPECT_ERROR_CONTAINS("nonexistent-dir");
  EXPECT_STATUS(KOLOSAL_IO, kolosal_optimizer_create(
                                kSpace, NULL, "postgresql://nobody@127.0.0.1:1/none", &optimizer));
  EXPECT_STATUS(KOLOSAL_INVALID_ARGUMENT,
                kolosal_optimizer_create(kSpace, NULL, "mysql://host/db", &optimizer));
  EXPECT_TRUE(optimizer == (kolosal_optimizer*)0x1);

  EXPECT_OK(kolosal_optimizer_create(kSpace, NULL, NULL, &valid));
  EXPECT_OK(kolosal_optimizer_create(kSpace, NULL, NULL, &other));
  EXPECT_STATUS(KOLOSAL_INVALID_ARGUMENT, kolosal_optimizer_ask(NULL, &trial));
  EXPECT_ERROR_CONTAINS("optimizer is NULL");
  EXPECT_STATUS(KOLOSAL_INVALID_ARGUMENT, kolosal_optimizer_ask(valid, NULL));
  EXPECT_STATUS(KOLOSAL_FAILED_PRECONDITION, kolosal_optimizer_best_value(valid, &value));
  EXPECT_ERROR_CONTAINS("no trial has completed");
  EXPECT_STATUS(KOLOSAL_FAILED_PRECONDITION, kolosal_optimizer_best(valid, &text));
  EXPECT_TRUE(value == -7.0 && text == (char*)0x1);
  EXPECT_OK(kolosal_optimizer_ask(valid, &trial));
  EXPECT_OK(kolosal_optimizer_ask(other, &foreign));
  EXPECT_STATUS(KOLOSAL_INVALID_ARGUMENT, kolosal_optimizer_tell(valid, NULL, 1.0));
  EXPECT_ERROR_CONTAINS("trial is NULL");
  EXPECT_STATUS(KOLOSAL_INVALID_ARGUMENT, kolosal_optimizer_tell(NULL, trial, 1.0));
  EXPECT_STATUS(KOLOSAL_INVALID_ARGUMENT, kolosal_optimizer_tell(valid, foreign, 1.0));
  EXPECT_ERROR_CONTAINS("another optimizer");
  EXPECT_STATUS(KOLOSAL_NOT_FOUND, kolosal_trial_get_float(trial, "y", &value));
  EXPECT_ERROR_CONTAINS("'y'");
  EXPECT_STATUS(KOLOSAL_INVALID_ARGUMENT, kolosal_trial_get_int(trial, "x", &count));
  EXPECT_STATUS(KOLOSAL_INVALID_ARGUMENT, kolosal_trial_get_float(trial, "k", &value));
  EXPECT_STATUS(KOLOSAL_INVALID_ARGUMENT, kolosal_trial_get_categorical(trial, "x", &text));
  EXPECT_STATUS(KOLOSAL_INVALID_ARGUMENT, kolosal_trial_get_float(trial, NULL, &value));
  EXPECT_ERROR_CONTAINS("name is NULL");
  EXPECT_STATUS(KOLOSAL_INVALID_ARGUMENT, kolosal_trial_get_float(trial, "x", NULL));
  EXPECT_STATUS(KOLOSAL_INVALID_ARGUMENT, kolosal_trial_number(NULL, &count));
  EXPECT_STATUS(KOLOSAL_INVALID_ARGUMENT, kolosal_trial_report(trial, -1, 1.0));
  EXPECT_ERROR_CONTAINS("step");
  EXPECT_STATUS(KOLOSAL_INVALID_ARGUMENT, kolosal_trial_report(NULL, 0, 1.0));
  EXPECT_STATUS(KOLOSAL_INVALID_ARGUMENT, kolosal_trial_should_prune(NULL, &count));
  EXPECT_STATUS(KOLOSAL_INVALID_ARGUMENT, kolosal_trial_params(trial, NULL));
  EXPECT_TRUE(value == -7.0 && count == -7 && text == (char*)0x1);
  EXPECT_STATUS(KOLOSAL_NOT_FOUND, kolosal_optimizer_enqueue(valid, "{\"zz\":1}"));
  EXPECT_ERROR_CONTAINS("did you mean 'x'");
  EXPECT_STATUS(KOLOSAL_INVALID_ARGUMENT, kolosal_optimizer_enqueue(valid, "{\"x\":99}"));
  EXPECT_STATUS(KOLOSAL_INVALID_ARGUMENT, kolosal_optimizer_enqueue(valid, "[1]"));
  EXPECT_STATUS(KOLOSAL_INVALID_ARGUMENT, kolosal_optimizer_enqueue(valid, NULL));
  EXPECT_STATUS(KOLOSAL_INVALID_ARGUMENT, kolosal_optimizer_warm_start(valid, "{", &count));
  EXPECT_STATUS(KOLOSAL_INVALID_ARGUMENT, kolosal_optimizer_warm_start(valid, "{}", &count));
  EXPECT_STATUS(KOLOSAL_INVALID_ARGUMENT, kolosal_optimizer_warm_start(valid, "[]", NULL));
  EXPECT_STATUS(KOLOSAL_INVALID_ARGUMENT, kolosal_optimizer_history(NULL, &text));
  EXPECT_STATUS(KOLOSAL_INVALID_ARGUMENT, kolosal_optimizer_should_stop(valid, NULL));
  EXPECT_STATUS(KOLOSAL_INVALID_ARGUMENT, kolosal_optimizer_stop_reason(NULL, &text));
  EXPECT_STATUS(KOLOSAL_INVALID_ARGUMENT, kolosal_optimizer_cancel(NULL));
  EXPECT_OK(kolosal_optimizer_tell(valid, trial, NAN));
  EXPECT_TRUE(history_has(valid, "\"state\":\"FAILED\""));
  EXPECT_STATUS(KOLOSAL_FAILED_PRECONDITION, kolosal_optimizer_tell(valid, trial, 1.0));
  kolosal_trial_free(trial);
  kolosal_trial_free(foreign);
  kolosal_trial_free(NULL);
  kolosal_optimizer_free(valid);
  kolosal_optimizer_free(other);
  kolosal_optimizer_free(NULL);
}

int main(int argc, char** argv) {
  (void)argc;
  (void)argv;
  test_ask_tell_known_answers();
  test_maximize();
  test_grid_covers_its_grid();
  test_params_and_conditions();
  test_pruning_and_failures();
  test_warm_start();
  test_trial_outlives_optimizer();
  test_cancel_and_budgets();
  test_sqlite_storage();
  test_postgres_storage();
  test_sampler_and_strategy_must_agree();
  test_every_registered_space_tunes();
  test_bad_input();
  return capi_test_finish("test_capi_hpo");
}
