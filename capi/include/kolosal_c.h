/* Kolosal C API: train, tune and serve tabular models from any language with a C FFI.
 *
 * Rules that hold for every function (see docs/c-api.md):
 * - Every function returns a kolosal_status; 0 (KOLOSAL_OK) is success. On failure,
 *   kolosal_last_error() returns a message for the calling thread, output parameters are left
 *   untouched and nothing leaks.
 * - Handles are opaque. Every kolosal_..._free(handle) accepts NULL.
 * - Sizes are int64_t; strings are UTF-8 and NUL-terminated.
 * - Input arrays are (data, dtype, rows, cols, layout); the library never keeps the pointer.
 * - Output arrays are caller-provided buffers with their capacity in elements.
 * - Strings the library allocates (char** out_json, ...) are freed with kolosal_string_free().
 * - Configuration is JSON text; NULL or "" means defaults. Unknown keys are errors.
 * - Callbacks run on the thread that made the call.
 */
#ifndef KOLOSAL_C_H_
#define KOLOSAL_C_H_

#include <stddef.h>
#include <stdint.h>

#define KOLOSAL_VERSION_MAJOR 0
#define KOLOSAL_VERSION_MINOR 1
#define KOLOSAL_VERSION_PATCH 0

#if defined(KOLOSAL_BUILDING_LIBRARY)
#define KOLOSAL_API __attribute__((visibility("default")))
#else
#define KOLOSAL_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------------------------ */
/* Status codes, types and handles                                                             */

/** Stable status codes. New codes may be added in minor releases. */
typedef enum kolosal_status {
  KOLOSAL_OK = 0,
  KOLOSAL_INVALID_ARGUMENT = 1, /**< NULL, wrong shape, NaN, unknown config key, bad value */
  KOLOSAL_IO = 2,               /**< a file could not be read or written */
  KOLOSAL_CORRUPT_MODEL = 3,    /**< truncated, corrupted or foreign model data */
  KOLOSAL_CANCELLED = 4,        /**< cancelled by a callback or a cancel call */
  KOLOSAL_OUT_OF_MEMORY = 5,
  KOLOSAL_NOT_FOUND = 6,           /**< a named thing (column, trial, study) does not exist */
  KOLOSAL_FAILED_PRECONDITION = 7, /**< the call is not valid in the handle's current state */
  KOLOSAL_UNSUPPORTED = 8,
  KOLOSAL_TIMEOUT = 9,
  KOLOSAL_INTERNAL = 10
} kolosal_status;

/** Element type of an input array. */
typedef enum kolosal_dtype { KOLOSAL_FLOAT32 = 0, KOLOSAL_FLOAT64 = 1 } kolosal_dtype;

/** Memory order of an input matrix. */
typedef enum kolosal_layout { KOLOSAL_ROW_MAJOR = 0, KOLOSAL_COL_MAJOR = 1 } kolosal_layout;

/** Kinds of feature importance (kolosal_model_feature_importance). */
typedef enum kolosal_importance_type {
  KOLOSAL_IMPORTANCE_GAIN = 0,  /**< tree models: total loss reduction of the feature's splits */
  KOLOSAL_IMPORTANCE_SPLIT = 1, /**< tree models: number of splits on the feature */
  KOLOSAL_IMPORTANCE_COEFFICIENT = 2 /**< linear models: sum over outputs of |coefficient| */
} kolosal_importance_type;

/** A table of features, optionally with labels. Immutable after creation; thread-safe to read. */
typedef struct kolosal_dataset kolosal_dataset;
/** Fits models with one configuration. Runs one fit at a time. */
typedef struct kolosal_train_engine kolosal_train_engine;
/** A trained pipeline (preprocessing + model + metadata). Immutable; concurrent predictions are
 *  safe. */
typedef struct kolosal_model kolosal_model;
/** Serves named models to concurrent callers and compiles hot tree models to machine code.
 *  Every function on it is thread-safe except kolosal_inference_engine_free. */
typedef struct kolosal_inference_engine kolosal_inference_engine;

/** A hyperparameter optimization study (ask/tell). Every function on it is thread-safe except
 *  kolosal_optimizer_free. */
typedef struct kolosal_optimizer kolosal_optimizer;
/** One trial handed out by kolosal_optimizer_ask: its number and parameters. Immutable apart
 *  from the intermediate values it reports; thread-safe. It keeps its study alive, so it stays
 *  usable (report, should_prune, getters) even after its optimizer is freed. */
typedef struct kolosal_trial kolosal_trial;

/** A streaming pipeline: batch prediction over CSV files of any size, a chunk at a time, with a
 *  bounded number of chunks in flight. One run at a time; kolosal_stream_cancel and
 *  kolosal_stream_stats are thread-safe meanwhile. */
typedef struct kolosal_stream kolosal_stream;

/** Progress callback: fraction in [0, 1] and a stage name. Return non-zero to cancel. */
typedef int (*kolosal_progress_fn)(double fraction, const char* stage, void* user_data);

/* ------------------------------------------------------------------------------------------ */
/* Errors, version, strings                                                                    */

/** The message of the last failed call on this thread ("" if none), always UTF-8 (bytes of bad
 *  input it quotes are written as \xNN). The pointer stays valid until the next kolosal_ call
 *  on this thread. Thread-safe. */
KOLOSAL_API const char* kolosal_last_error(void);

/** The status of the last failed call on this thread (KOLOSAL_OK if none). Thread-safe. */
KOLOSAL_API kolosal_status kolosal_last_status(void);

/** The stable name of a status code, e.g. "INVALID_ARGUMENT". Static storage. Thread-safe. */
KOLOSAL_API const char* kolosal_status_name(kolosal_status status);

/** The library version, e.g. "0.1.0". Static storage. Thread-safe. */
KOLOSAL_API const char* kolosal_version(void);

/** Build information as JSON: version, compiler, build type and the CPU features detected.
 *  \param[out] out_json receives a string to free with kolosal_string_free(). Thread-safe. */
KOLOSAL_API kolosal_status kolosal_build_info(char** out_json);

/** Frees a string returned by the library. Accepts NULL. Thread-safe. */
KOLOSAL_API void kolosal_string_free(char* str);

/** The number of handles of every type (kolosal_dataset, kolosal_train_engine, kolosal_model,
 *  kolosal_optimizer, kolosal_trial) created and not yet freed in this process, for leak
 *  checks: every function that returns a handle adds one per handle, every kolosal_..._free of
 *  a handle subtracts one.
 *  \param[out] out_count receives the count.
 *  Errors: KOLOSAL_INVALID_ARGUMENT (NULL out_count). Thread-safe; handles that other threads
 *  create or free meanwhile change it. */
KOLOSAL_API kolosal_status kolosal_live_handle_count(int64_t* out_count);

/* ------------------------------------------------------------------------------------------ */
/* Datasets                                                                                    */

/** Reads a CSV file.
 *  \param path UTF-8 file path.
 *  \param options_json NULL or JSON: {"target": "col", "task": "classification"|"regression",
 *         "delimiter": ",", "has_header": true, "missing_values": ["NA", "?"],
 *         "column_types": {"col": "numeric"|"categorical"}, "drop_columns": [...],
 *         "max_rows": 0, "weight_column": "w"}. Without "target" the dataset has no labels
 *         (for prediction). "weight_column" names a numeric column of per-row training weights
 *         (finite, >= 0, not all zero), which leaves the features.
 *  \param[out] out receives a dataset to free with kolosal_dataset_free().
 *  Errors: KOLOSAL_IO (missing file), KOLOSAL_INVALID_ARGUMENT (malformed CSV, unknown target,
 *  bad options). Thread-safe. */
KOLOSAL_API kolosal_status kolosal_dataset_from_csv(const char* path, const char* options_json,
                                                    kolosal_dataset** out);

/** Builds a dataset from a dense numeric matrix (copied; NaN = missing).
 *  \param data rows x cols values of type dtype in the given layout.
 *  \param labels NULL (no labels) or rows values of type labels_dtype.
 *  \param options_json NULL or JSON: {"feature_names": [...], "target_name": "y",
 *         "task": "classification"|"regression", "weight_column": "f3"} (the task is inferred
 *         when absent; "weight_column" makes that column the per-row training weights, as for
 *         kolosal_dataset_from_csv).
 *  \param[out] out receives a dataset to free with kolosal_dataset_free().
 *  Errors: KOLOSAL_INVALID_ARGUMENT for NULL data, negative sizes, unknown dtype or layout,
 *  NaN labels, wrong feature-name count, a bad weight column. Thread-safe. */
KOLOSAL_API kolosal_status kolosal_dataset_from_dense(const void* data, kolosal_dtype dtype,
                                                      int64_t rows, int64_t cols,
                                                      kolosal_layout layout, const void* labels,
                                                      kolosal_dtype labels_dtype,
                                                      const char* options_json,
                                                      kolosal_dataset** out);

/** Number of rows. Thread-safe. */
KOLOSAL_API kolosal_status kolosal_dataset_n_rows(const kolosal_dataset* dataset, int64_t* out);

/** Number of feature columns (the target is not counted). Thread-safe. */
KOLOSAL_API kolosal_status kolosal_dataset_n_cols(const kolosal_dataset* dataset, int64_t* out);

/** A JSON description: rows, columns (name, type, missing count, categories), task, classes.
 *  \param[out] out_json free with kolosal_string_free(). Thread-safe. */
KOLOSAL_API kolosal_status kolosal_dataset_describe(const kolosal_dataset* dataset,
                                                    char** out_json);

/** Copies the labels (class indices for classification, values for regression) into out.
 *  \param capacity the number of floats out can hold; must be at least n_rows.
 *  Errors: KOLOSAL_FAILED_PRECONDITION when the dataset has no labels. Thread-safe. */
KOLOSAL_API kolosal_status kolosal_dataset_labels(const kolosal_dataset* dataset, float* out,
                                                  int64_t capacity);

/** Seeded train/test split, stratified for classification.
 *  \param test_fraction in (0, 1).
 *  \param[out] out_train, out_test receive datasets to free with kolosal_dataset_free().
 *  Thread-safe. */
KOLOSAL_API kolosal_status kolosal_dataset_train_test_split(const kolosal_dataset* dataset,
                                                            double test_fraction, uint64_t seed,
                                                            kolosal_dataset** out_train,
                                                            kolosal_dataset** out_test);

/** Frees a dataset. Accepts NULL. */
KOLOSAL_API void kolosal_dataset_free(kolosal_dataset* dataset);

/* ------------------------------------------------------------------------------------------ */
/* Training                                                                                    */

/** Creates a training engine.
 *  \param config_json NULL or JSON: {"model": "logistic_regression", "params": {...},
 *         "preprocessing": {...}, "n_jobs": 1, "random_state": 0, "cv_folds": 5,
 *         "metric": "accuracy"}. The model name and params are validated here.
 *  \param[out] out free with kolosal_train_engine_free(). Thread-safe. */
KOLOSAL_API kolosal_status kolosal_train_engine_create(const char* config_json,
                                                       kolosal_train_engine** out);

/** Sets (or clears, with NULL) the progress callback. A non-zero return cancels the fit.
 *  Not thread-safe with a running fit on the same engine. */
KOLOSAL_API kolosal_status kolosal_train_engine_set_progress(kolosal_train_engine* engine,
                                                             kolosal_progress_fn callback,
                                                             void* user_data);

/** Fits preprocessing and model on a labelled dataset.
 *  \param[out] out receives a model to free with kolosal_model_free().
 *  Errors: KOLOSAL_INVALID_ARGUMENT (no labels, bad data), KOLOSAL_CANCELLED,
 *  KOLOSAL_FAILED_PRECONDITION (another fit is running on this engine). */
KOLOSAL_API kolosal_status kolosal_train_engine_fit(kolosal_train_engine* engine,
                                                    const kolosal_dataset* dataset,
                                                    kolosal_model** out);

/** K-fold cross-validated score ("cv_folds" and "metric" from the config).
 *  \param[out] out_json {"metric": ..., "greater_is_better": ..., "fold_scores": [...],
 *         "mean": ..., "std": ...}; free with kolosal_string_free(). */
KOLOSAL_API kolosal_status kolosal_train_engine_cross_validate(kolosal_train_engine* engine,
                                                               const kolosal_dataset* dataset,
                                                               char** out_json);

/** Tunes the engine's model: a study over the search space whose objective is the K-fold
 *  cross-validated score ("cv_folds" and "metric" of the engine's config; minimised or
 *  maximised as the metric says), then refits the best parameters on the whole dataset.
 *  The engine's "params" stay fixed (they are left out of the model's default search space).
 *  Each fold's running mean is reported as an intermediate value, so a pruner stops weak trials
 *  early. The progress callback gets stage "tuning" after each trial ("preprocessing" and the
 *  model's stages during the refit); kolosal_train_engine_cancel stops the study.
 *  \param tune_config_json NULL or JSON: {"n_trials": 20 (trials in this call),
 *         "search_space": {"params": [...]} (default: the model's registry space),
 *         "max_trials", "optimization_timeout", "optimization_strategy", "hyperopt_backend",
 *         "pruner", "study_name", "random_state", "n_jobs" (parallel trials), ... (every study
 *         key of kolosal_optimizer_create except "direction", which the metric decides)}.
 *         "max_trials" caps the whole study, old trials included (default: no cap).
 *  \param storage_url NULL or "" (in memory), "sqlite:///abs/path.db" or
 *         "postgresql://user@host:port/db": a study of the same "study_name" there is resumed,
 *         so several calls or processes add to one study.
 *  \param[out] out receives the refitted model, to free with kolosal_model_free(). Its
 *         metadata ("tuning") records the metric, direction, best_params, best_score,
 *         best_trial, n_trials, the trial counts by state, the stop reason and every trial's
 *         number, state and value.
 *  Errors: KOLOSAL_INVALID_ARGUMENT (no labels, bad or unknown config key, bad space, every
 *  trial failed: the first failure is in the message), KOLOSAL_IO (unreachable storage),
 *  KOLOSAL_FAILED_PRECONDITION (a stored study with another space or direction; another fit is
 *  running on this engine), KOLOSAL_TIMEOUT (no trial completed before the timeout),
 *  KOLOSAL_CANCELLED. Not thread-safe with other calls on the same engine except cancel. */
KOLOSAL_API kolosal_status kolosal_train_engine_tune(kolosal_train_engine* engine,
                                                     const kolosal_dataset* dataset,
                                                     const char* tune_config_json,
                                                     const char* storage_url, kolosal_model** out);

/** Asks a running fit, cross-validation or tuning to stop; it returns KOLOSAL_CANCELLED soon after.
 *  The engine can be used again afterwards. Thread-safe (meant to be called from another
 *  thread). */
KOLOSAL_API kolosal_status kolosal_train_engine_cancel(kolosal_train_engine* engine);

/** Frees an engine. Accepts NULL. Must not be called while a fit is running. */
KOLOSAL_API void kolosal_train_engine_free(kolosal_train_engine* engine);

/* ------------------------------------------------------------------------------------------ */
/* Models                                                                                      */

/** Loads a model file. Never runs code from the file.
 *  \param[out] out free with kolosal_model_free().
 *  Errors: KOLOSAL_IO (cannot read), KOLOSAL_CORRUPT_MODEL (truncated, corrupted, foreign).
 *  Thread-safe. */
KOLOSAL_API kolosal_status kolosal_model_load(const char* path, kolosal_model** out);

/** Loads a model from bytes produced by kolosal_model_save_buffer(). Thread-safe. */
KOLOSAL_API kolosal_status kolosal_model_load_buffer(const void* data, int64_t size,
                                                     kolosal_model** out);

/** Saves a model file (written atomically). Thread-safe. */
KOLOSAL_API kolosal_status kolosal_model_save(const kolosal_model* model, const char* path);

/** Serialises a model into a caller buffer.
 *  \param buffer NULL to query the size only.
 *  \param capacity bytes available in buffer.
 *  \param[out] out_size receives the size needed (always set on KOLOSAL_OK).
 *  Errors: KOLOSAL_INVALID_ARGUMENT if buffer is non-NULL and capacity is too small.
 *  The bytes are deterministic for a given model. Thread-safe. */
KOLOSAL_API kolosal_status kolosal_model_save_buffer(const kolosal_model* model, void* buffer,
                                                     int64_t capacity, int64_t* out_size);

/** Metadata as JSON: model type, params, task, classes, features, metrics, library version.
 *  \param[out] out_json free with kolosal_string_free(). Thread-safe. */
KOLOSAL_API kolosal_status kolosal_model_metadata(const kolosal_model* model, char** out_json);

/** Number of input columns the model expects. Thread-safe. */
KOLOSAL_API kolosal_status kolosal_model_n_features(const kolosal_model* model, int64_t* out);

/** Number of classes (0 for regression). Thread-safe. */
KOLOSAL_API kolosal_status kolosal_model_n_classes(const kolosal_model* model, int64_t* out);

/** The name of class class_index (e.g. "spam").
 *  \param[out] out free with kolosal_string_free(). Thread-safe. */
KOLOSAL_API kolosal_status kolosal_model_class_name(const kolosal_model* model, int64_t class_index,
                                                    char** out);

/** The name of input column feature_index (training order, as kolosal_model_predict takes them).
 *  \param[out] out free with kolosal_string_free().
 *  Errors: KOLOSAL_INVALID_ARGUMENT (index out of range). Thread-safe. */
KOLOSAL_API kolosal_status kolosal_model_feature_name(const kolosal_model* model,
                                                      int64_t feature_index, char** out);

/** Feature importance, one value per input column in training order. The indicator columns of a
 *  one-hot encoded column add up to that column's value. Coefficients are those of the
 *  preprocessed (by default standardised) inputs.
 *  \param capacity floats available in out; must be at least kolosal_model_n_features.
 *  Errors: KOLOSAL_INVALID_ARGUMENT (NULL, unknown type, too small a buffer),
 *  KOLOSAL_UNSUPPORTED (the model has no importance of this type: GAIN and SPLIT are for tree
 *  models, COEFFICIENT for linear ones). Thread-safe. */
KOLOSAL_API kolosal_status kolosal_model_feature_importance(const kolosal_model* model,
                                                            kolosal_importance_type type,
                                                            float* out, int64_t capacity);

/** Permutation importance on a labelled dataset (columns matched by name): per input column,
 *  how much the score drops when that column is shuffled across the rows, as scikit-learn's
 *  permutation_importance measures it (for metrics where lower is better, the rise). Works for
 *  every model type. The result is the same for any n_jobs.
 *  \param config_json NULL or {"metric": "accuracy", "n_repeats": 5, "random_state": 0,
 *         "n_jobs": 1} (metric: accuracy or r2 when absent; n_repeats in [1, 1000]).
 *  \param[out] out_json {"metric", "greater_is_better", "baseline", "features": [...],
 *         "importances_mean": [...], "importances_std": [...]}, features in training order;
 *         free with kolosal_string_free().
 *  Errors: KOLOSAL_INVALID_ARGUMENT (NULL, no labels, a missing column, an unknown key or
 *  metric, a metric of the other task). Thread-safe. */
KOLOSAL_API kolosal_status kolosal_model_permutation_importance(const kolosal_model* model,
                                                                const kolosal_dataset* dataset,
                                                                const char* config_json,
                                                                char** out_json);

/** SHAP feature contributions on a dataset (columns matched by name): for every row and output
 *  (n_classes outputs, 1 for regression), one value per input column in training order and then
 *  the bias (the expected output), rows x outputs x (n_features + 1) floats, row-major. Each
 *  row's values sum to the output before its link: the class's log-odds (margin) for
 *  gradient_boosting and logistic_regression (a binary model's class 0 values are the negatives
 *  of class 1's), the class probability for decision_tree, random_forest and extra_trees, the
 *  prediction for regression. Tree models use path-dependent TreeSHAP over the training covers
 *  (XGBoost's pred_contribs); linear models give coefficient x input, on the preprocessed
 *  (by default standardised) inputs. One-hot indicator columns add up to their column's value.
 *  \param capacity floats available in out; at least rows * outputs * (n_features + 1).
 *  Errors: KOLOSAL_INVALID_ARGUMENT (NULL, a missing column, too small a buffer),
 *  KOLOSAL_UNSUPPORTED (a tree model file saved before node covers were stored). Thread-safe. */
KOLOSAL_API kolosal_status kolosal_model_predict_contributions(const kolosal_model* model,
                                                               const kolosal_dataset* dataset,
                                                               float* out, int64_t capacity);

/** Predicts one value per row: the class index (as a float) for classification, the value for
 *  regression. Columns are taken in training order.
 *  \param capacity floats available in out; must be at least rows.
 *  Errors: KOLOSAL_INVALID_ARGUMENT for NULL, a column count other than kolosal_model_n_features,
 *  unknown dtype/layout or a too small buffer. Thread-safe: many threads may predict at once. */
KOLOSAL_API kolosal_status kolosal_model_predict(const kolosal_model* model, const void* data,
                                                 kolosal_dtype dtype, int64_t rows, int64_t cols,
                                                 kolosal_layout layout, float* out,
                                                 int64_t capacity);

/** Class probabilities, row-major rows x n_classes. Regression models return
 *  KOLOSAL_FAILED_PRECONDITION. \param capacity must be at least rows * n_classes. Thread-safe. */
KOLOSAL_API kolosal_status kolosal_model_predict_proba(const kolosal_model* model, const void* data,
                                                       kolosal_dtype dtype, int64_t rows,
                                                       int64_t cols, kolosal_layout layout,
                                                       float* out, int64_t capacity);

/** Like kolosal_model_predict, on a dataset whose columns are matched by name (extra columns,
 *  such as the target, are ignored; categorical text is mapped to the training categories).
 *  \param capacity at least kolosal_dataset_n_rows. Thread-safe. */
KOLOSAL_API kolosal_status kolosal_model_predict_dataset(const kolosal_model* model,
                                                         const kolosal_dataset* dataset, float* out,
                                                         int64_t capacity);

/** Like kolosal_model_predict_proba, on a dataset (columns matched by name). Thread-safe. */
KOLOSAL_API kolosal_status kolosal_model_predict_proba_dataset(const kolosal_model* model,
                                                               const kolosal_dataset* dataset,
                                                               float* out, int64_t capacity);

/** Scores the model on a labelled dataset with every applicable metric.
 *  \param[out] out_json {"accuracy": ..., ...}; free with kolosal_string_free(). Thread-safe. */
KOLOSAL_API kolosal_status kolosal_model_evaluate(const kolosal_model* model,
                                                  const kolosal_dataset* dataset, char** out_json);

/** Frees a model. Accepts NULL. */
KOLOSAL_API void kolosal_model_free(kolosal_model* model);

/* ------------------------------------------------------------------------------------------ */
/* Inference engine                                                                            */
/*                                                                                            */
/* Named models served to concurrent callers. The engine counts each model's calls; once a    */
/* tree model has had jit_min_calls calls of at most jit_max_batch_rows rows, it is compiled  */
/* to x86-64 code in the background while calls keep running in the interpreter. Compiled    */
/* calls give the interpreter's outputs bit for bit. docs/inference.md has the details.       */

/** Creates an inference engine.
 *  \param config_json NULL, "" or JSON: {"enable_jit_compilation": true, "jit_min_calls": 100,
 *         "jit_cache_size": 32 (compiled models kept; the least recently used is evicted),
 *         "jit_max_batch_rows": 4 (larger calls run the interpreter's batch walk)}.
 *  \param[out] out free with kolosal_inference_engine_free().
 *  Errors: KOLOSAL_INVALID_ARGUMENT (bad JSON, an unknown key with a did-you-mean suggestion,
 *  a value out of range). Thread-safe. */
KOLOSAL_API kolosal_status kolosal_inference_engine_create(const char* config_json,
                                                           kolosal_inference_engine** out);

/** Serves `model` under `name`. The engine shares the model (no copy); freeing the model handle
 *  afterwards is fine.
 *  Errors: KOLOSAL_INVALID_ARGUMENT (NULL, an empty name, a name already in use). Thread-safe. */
KOLOSAL_API kolosal_status kolosal_inference_engine_add_model(kolosal_inference_engine* engine,
                                                              const char* name,
                                                              const kolosal_model* model);

/** Loads a model file and serves it under `name`.
 *  Errors: KOLOSAL_INVALID_ARGUMENT (as add_model), KOLOSAL_IO, KOLOSAL_CORRUPT_MODEL.
 *  Thread-safe. */
KOLOSAL_API kolosal_status kolosal_inference_engine_load_model(kolosal_inference_engine* engine,
                                                               const char* name, const char* path);

/** Stops serving `name` and drops its compiled code; calls already running finish.
 *  Errors: KOLOSAL_NOT_FOUND (no model of that name). Thread-safe. */
KOLOSAL_API kolosal_status kolosal_inference_engine_remove_model(kolosal_inference_engine* engine,
                                                                 const char* name);

/** The model served under `name`, as a model handle that shares it (no copy): for its
 *  metadata, feature and class counts and names. It stays valid after the model is removed.
 *  \param[out] out free with kolosal_model_free().
 *  Errors: KOLOSAL_NOT_FOUND (no model of that name). Thread-safe. */
KOLOSAL_API kolosal_status kolosal_inference_engine_model(kolosal_inference_engine* engine,
                                                          const char* name, kolosal_model** out);

/** kolosal_model_predict through the engine: one value per row (class index or value), columns
 *  in training order.
 *  Errors: KOLOSAL_NOT_FOUND (unknown name), KOLOSAL_INVALID_ARGUMENT (as kolosal_model_predict).
 *  Thread-safe: many threads may predict at once, on one model or many. */
KOLOSAL_API kolosal_status kolosal_inference_engine_predict(kolosal_inference_engine* engine,
                                                            const char* name, const void* data,
                                                            kolosal_dtype dtype, int64_t rows,
                                                            int64_t cols, kolosal_layout layout,
                                                            float* out, int64_t capacity);

/** kolosal_model_predict_proba through the engine: rows x n_classes probabilities.
 *  Errors: as kolosal_inference_engine_predict, and KOLOSAL_FAILED_PRECONDITION for a
 *  regression model. Thread-safe. */
KOLOSAL_API kolosal_status kolosal_inference_engine_predict_proba(
    kolosal_inference_engine* engine, const char* name, const void* data, kolosal_dtype dtype,
    int64_t rows, int64_t cols, kolosal_layout layout, float* out, int64_t capacity);

/** Compiles `name` now and waits, so that its first calls already run compiled code.
 *  \param[out] out_compiled receives 1 when the model now runs compiled code, 0 when it stays
 *  interpreted (not a tree model, or the JIT is off). Errors: KOLOSAL_NOT_FOUND. Thread-safe. */
KOLOSAL_API kolosal_status kolosal_inference_engine_warmup(kolosal_inference_engine* engine,
                                                           const char* name, int64_t* out_compiled);

/** Statistics as JSON: {"options": {...}, "jit_cache": {"capacity", "size", "hits", "misses",
 *  "insertions", "evictions", "code_bytes"}, "models": [{"name", "model_type", "calls", "rows",
 *  "compiled_calls", "interpreted_calls", "jit": {"state": "interpreted" | "compiling" |
 *  "compiled" | "evicted" | "unsupported" | "disabled" | "failed", "compilations",
 *  "compile_ms", "code_bytes", "error"}, "latency_us": {"count", "mean", "p50", "p90", "p99",
 *  "max"}}, ...]}.
 *  \param[out] out_json free with kolosal_string_free(). Thread-safe. */
KOLOSAL_API kolosal_status kolosal_inference_engine_stats(kolosal_inference_engine* engine,
                                                          char** out_json);

/** Frees an engine after waiting for compilations in flight. Accepts NULL. Not thread-safe with
 *  other calls on the same engine. */
KOLOSAL_API void kolosal_inference_engine_free(kolosal_inference_engine* engine);

/* ------------------------------------------------------------------------------------------ */
/* Streaming prediction                                                                       */
/*                                                                                            */
/* A CSV file is read in chunks of whole records, predicted in parallel and written in input  */
/* order. At most max_chunks_in_flight chunks exist at once (reading waits: backpressure), and */
/* the chunk size adapts to a memory budget measured from the process's resident set, so peak */
/* memory depends on the chunk size and not on the file size. docs/streaming.md.              */

/** Creates a stream.
 *  \param config_json NULL, "" or JSON: {"chunk_rows": 0 (rows per chunk; 0 sizes chunks to the
 *         memory budget), "memory_budget_mb": 256, "max_chunks_in_flight": 4, "n_jobs": 0 (all
 *         cores), "probabilities": false (one probability column per class instead of a
 *         "prediction" column), "contributions": false (SHAP contributions instead: per output,
 *         one column per input column and "bias", as kolosal_model_predict_contributions;
 *         columns are named "class:column" for classification), "csv": {"delimiter", "quote",
 *         "missing_values"}}.
 *  \param[out] out free with kolosal_stream_free().
 *  Errors: KOLOSAL_INVALID_ARGUMENT (bad JSON, an unknown key with a did-you-mean suggestion, a
 *  value out of range, a target or weight column in "csv", probabilities and contributions
 *  both). Thread-safe. */
KOLOSAL_API kolosal_status kolosal_stream_create(const char* config_json, kolosal_stream** out);

/** Predicts every row of the CSV file input_path (columns matched by name; extra columns are
 *  ignored) and writes a CSV to output_path: a "prediction" column (class names or values),
 *  one probability column per class, or the contributions. The output appears only when the run
 *  succeeds (it is written to output_path + ".partial" first). Blocks until done.
 *  Errors: KOLOSAL_INVALID_ARGUMENT (NULL, a column the model needs and the file lacks, a bad
 *  record, naming the file and line; probabilities for a regression model), KOLOSAL_UNSUPPORTED
 *  (contributions of a model file saved before they existed), KOLOSAL_IO (files),
 *  KOLOSAL_CANCELLED (kolosal_stream_cancel), KOLOSAL_FAILED_PRECONDITION (another run of this
 *  stream is going on). */
KOLOSAL_API kolosal_status kolosal_stream_predict_csv(kolosal_stream* stream,
                                                      const kolosal_model* model,
                                                      const char* input_path,
                                                      const char* output_path);

/** Stops the run in progress; it returns KOLOSAL_CANCELLED. A no-op when idle: a cancel that
 *  arrives before the run has started is lost, so wait for "running" in the stats first (Go's
 *  PredictCSVContext repeats it until the run returns). Thread-safe. */
KOLOSAL_API kolosal_status kolosal_stream_cancel(kolosal_stream* stream);

/** The current or last run as JSON: {"state": "idle" | "running" | "done" | "cancelled" |
 *  "failed", "rows", "chunks", "bytes_read", "input_bytes", "chunk_bytes",
 *  "peak_chunks_in_flight", "peak_memory_mb", "seconds", "rows_per_second", "error",
 *  "options": {...}}.
 *  \param[out] out_json free with kolosal_string_free(). Thread-safe. */
KOLOSAL_API kolosal_status kolosal_stream_stats(kolosal_stream* stream, char** out_json);

/** Frees a stream. Accepts NULL. Not thread-safe with a run of the same stream. */
KOLOSAL_API void kolosal_stream_free(kolosal_stream* stream);

/* ------------------------------------------------------------------------------------------ */
/* Hyperparameter optimization (ask/tell)                                                      */
/*                                                                                            */
/* A loop in any language, with no callback:                                                  */
/*   kolosal_optimizer_create(space, config, storage, &opt);                                  */
/*   for (;;) {                                                                               */
/*     kolosal_optimizer_should_stop(opt, &stop); if (stop) break;                            */
/*     kolosal_optimizer_ask(opt, &trial);                                                    */
/*     kolosal_trial_get_float(trial, "x", &x);   ... evaluate ...                            */
/*     kolosal_optimizer_tell(opt, trial, value);                                             */
/*     kolosal_trial_free(trial);                                                             */
/*   }                                                                                        */
/*   kolosal_optimizer_best(opt, &best_json);                                                 */
/* docs/hpo.md describes the search space, the config keys, samplers, pruners and storages.   */

/** Creates a study, or resumes the study of the same "study_name" in the storage.
 *  \param space_json the search space: {"params": [{"name": "x", "type": "float", "low": -5,
 *         "high": 5, "log": false}, {"name": "n", "type": "int", "low": 1, "high": 9,
 *         "step": 1}, {"name": "k", "type": "categorical", "choices": ["a", "b"]}, ...]};
 *         a parameter may have a "condition": {"parent": [values]}.
 *  \param config_json NULL or JSON: {"max_trials": 100, "optimization_timeout": 0 (seconds,
 *         from creation), "optimization_strategy": "OPTUNA" | "TPE" | "GRID_SEARCH" |
 *         "RANDOM_SEARCH" | "BAYESIAN_OPTIMIZATION" | "ADAPTIVE" | "HYPERBAND" |
 *         "SUCCESSIVE_HALVING", "hyperopt_backend", "sampler", "pruner", "direction":
 *         "minimize" | "maximize", "random_state": 42, "early_stopping_patience": 0,
 *         "convergence_tolerance", "study_name": "kolosal", "enqueue_trials": [...],
 *         "warm_start": [...], ...}.
 *  \param storage_url NULL or "" (in memory), "sqlite:///abs/path.db" or
 *         "postgresql://user[:password]@host:port/db" (shared by processes and machines).
 *  \param[out] out free with kolosal_optimizer_free().
 *  Errors: KOLOSAL_INVALID_ARGUMENT (NULL space, bad JSON, a bad space such as low > high,
 *  an unknown config key, with a did-you-mean suggestion), KOLOSAL_IO (the storage cannot be
 *  opened or reached, or holds trials that do not fit the space), KOLOSAL_FAILED_PRECONDITION
 *  (the stored study has another space or direction). Thread-safe. */
KOLOSAL_API kolosal_status kolosal_optimizer_create(const char* space_json, const char* config_json,
                                                    const char* storage_url,
                                                    kolosal_optimizer** out);

/** Starts a trial: the oldest enqueued parameter set if any, else the sampler's proposal. It
 *  does not check the stop rules (see kolosal_optimizer_should_stop).
 *  \param[out] out free with kolosal_trial_free() (freeing does not end the trial; tell it).
 *  Errors: KOLOSAL_IO (storage failure). Thread-safe. */
KOLOSAL_API kolosal_status kolosal_optimizer_ask(kolosal_optimizer* optimizer, kolosal_trial** out);

/** Ends a running trial as COMPLETE with its objective value (NaN ends it as FAILED).
 *  Errors: KOLOSAL_INVALID_ARGUMENT (NULL, a trial of another optimizer),
 *  KOLOSAL_FAILED_PRECONDITION (the trial is already finished). Thread-safe. */
KOLOSAL_API kolosal_status kolosal_optimizer_tell(kolosal_optimizer* optimizer,
                                                  const kolosal_trial* trial, double value);

/** Ends a running trial as PRUNED (its value is its last reported value). Errors as for
 *  kolosal_optimizer_tell. Thread-safe. */
KOLOSAL_API kolosal_status kolosal_optimizer_tell_pruned(kolosal_optimizer* optimizer,
                                                         const kolosal_trial* trial);

/** Ends a running trial as FAILED (the objective could not be evaluated). Errors as for
 *  kolosal_optimizer_tell. Thread-safe. */
KOLOSAL_API kolosal_status kolosal_optimizer_tell_failed(kolosal_optimizer* optimizer,
                                                         const kolosal_trial* trial);

/** Queues a parameter set to be asked before any sampled one.
 *  \param params_json {"name": value, ...}; missing parameters are sampled.
 *  Errors: KOLOSAL_INVALID_ARGUMENT (bad JSON, not an object, a value out of range),
 *  KOLOSAL_NOT_FOUND (an unknown parameter, with a did-you-mean suggestion). Thread-safe. */
KOLOSAL_API kolosal_status kolosal_optimizer_enqueue(kolosal_optimizer* optimizer,
                                                     const char* params_json);

/** Adds the finished trials of an earlier study, so the sampler starts from them.
 *  \param history_json the JSON of kolosal_optimizer_history (or its "trials" array, or
 *         [{"params": {...}, "value": v}, ...]); COMPLETE trials that fit this space are kept.
 *  \param[out] out_added receives how many trials were added.
 *  Errors: KOLOSAL_INVALID_ARGUMENT (bad JSON, not a list of trials). Thread-safe. */
KOLOSAL_API kolosal_status kolosal_optimizer_warm_start(kolosal_optimizer* optimizer,
                                                        const char* history_json,
                                                        int64_t* out_added);

/** The best objective value of the COMPLETE trials.
 *  Errors: KOLOSAL_FAILED_PRECONDITION when no trial has completed yet. Thread-safe. */
KOLOSAL_API kolosal_status kolosal_optimizer_best_value(kolosal_optimizer* optimizer, double* out);

/** The best COMPLETE trial as JSON: {"number": 7, "value": 0.12, "params": {"x": 1.5, ...}}.
 *  \param[out] out_json free with kolosal_string_free().
 *  Errors: KOLOSAL_FAILED_PRECONDITION when no trial has completed yet. Thread-safe. */
KOLOSAL_API kolosal_status kolosal_optimizer_best(kolosal_optimizer* optimizer, char** out_json);

/** The study's history as JSON: {"study_name", "direction", "n_trials", "best_trial",
 *  "best_value", "best_params" (null while nothing completed), "trials": [{"number", "state",
 *  "value", "params", "intermediate_values", "datetime_start", "datetime_complete",
 *  "duration"}, ...]}. Every trial in the storage is listed, those of other processes too.
 *  \param[out] out_json free with kolosal_string_free(). Thread-safe. */
KOLOSAL_API kolosal_status kolosal_optimizer_history(kolosal_optimizer* optimizer, char** out_json);

/** Whether the study is over: max_trials trials started, the timeout passed, no improvement
 *  for early_stopping_patience trials, a grid exhausted, or kolosal_optimizer_cancel called.
 *  \param[out] out receives 1 when the study should stop, else 0. Thread-safe. */
KOLOSAL_API kolosal_status kolosal_optimizer_should_stop(kolosal_optimizer* optimizer,
                                                         int64_t* out);

/** Why the study would stop now: "none", "max_trials", "timeout", "converged", "cancelled" or
 *  "exhausted".
 *  \param[out] out free with kolosal_string_free(). Thread-safe. */
KOLOSAL_API kolosal_status kolosal_optimizer_stop_reason(kolosal_optimizer* optimizer, char** out);

/** Marks the study cancelled: kolosal_optimizer_should_stop reports it from now on. Running
 *  trials can still be told. Thread-safe (meant to be called from another thread). */
KOLOSAL_API kolosal_status kolosal_optimizer_cancel(kolosal_optimizer* optimizer);

/** Frees an optimizer. Accepts NULL. Trials asked from it stay valid (they keep the study
 *  alive) until they are freed. Must not be called while another thread uses the optimizer. */
KOLOSAL_API void kolosal_optimizer_free(kolosal_optimizer* optimizer);

/** The trial's number in its study (0, 1, ...; distinct across processes sharing a storage).
 *  Thread-safe. */
KOLOSAL_API kolosal_status kolosal_trial_number(const kolosal_trial* trial, int64_t* out);

/** Whether the trial has the parameter: it exists and its conditions hold.
 *  \param[out] out receives 1 or 0. Thread-safe. */
KOLOSAL_API kolosal_status kolosal_trial_has_param(const kolosal_trial* trial, const char* name,
                                                   int64_t* out);

/** The value of a float (or int) parameter.
 *  Errors: KOLOSAL_NOT_FOUND (unknown or inactive parameter), KOLOSAL_INVALID_ARGUMENT (a
 *  categorical parameter). Thread-safe. */
KOLOSAL_API kolosal_status kolosal_trial_get_float(const kolosal_trial* trial, const char* name,
                                                   double* out);

/** The value of an int parameter.
 *  Errors: KOLOSAL_NOT_FOUND (unknown or inactive parameter), KOLOSAL_INVALID_ARGUMENT (not an
 *  int parameter). Thread-safe. */
KOLOSAL_API kolosal_status kolosal_trial_get_int(const kolosal_trial* trial, const char* name,
                                                 int64_t* out);

/** The choice of a categorical parameter as text: a string choice itself, a number or boolean
 *  choice as its JSON text ("3", "true").
 *  \param[out] out free with kolosal_string_free().
 *  Errors: KOLOSAL_NOT_FOUND (unknown or inactive parameter), KOLOSAL_INVALID_ARGUMENT (not a
 *  categorical parameter). Thread-safe. */
KOLOSAL_API kolosal_status kolosal_trial_get_categorical(const kolosal_trial* trial,
                                                         const char* name, char** out);

/** The active parameters as JSON: {"x": 1.5, "n": 3, "k": "a"}.
 *  \param[out] out_json free with kolosal_string_free(). Thread-safe. */
KOLOSAL_API kolosal_status kolosal_trial_params(const kolosal_trial* trial, char** out_json);

/** Records an intermediate objective value of the running trial at step (0 to 2^53), for
 *  pruning. Errors: KOLOSAL_INVALID_ARGUMENT (a step out of that range),
 *  KOLOSAL_FAILED_PRECONDITION (the trial is finished). Thread-safe. */
KOLOSAL_API kolosal_status kolosal_trial_report(const kolosal_trial* trial, int64_t step,
                                                double value);

/** Whether the study's pruner says to stop this trial now (then tell it pruned).
 *  \param[out] out receives 1 or 0 (always 0 without a pruner). Thread-safe. */
KOLOSAL_API kolosal_status kolosal_trial_should_prune(const kolosal_trial* trial, int64_t* out);

/** Frees a trial handle (the trial itself stays in the study). Accepts NULL. */
KOLOSAL_API void kolosal_trial_free(kolosal_trial* trial);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* KOLOSAL_C_H_ */
