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

/** A table of features, optionally with labels. Immutable after creation; thread-safe to read. */
typedef struct kolosal_dataset kolosal_dataset;
/** Fits models with one configuration. Runs one fit at a time. */
typedef struct kolosal_train_engine kolosal_train_engine;
/** A trained pipeline (preprocessing + model + metadata). Immutable; concurrent predictions are
 *  safe. */
typedef struct kolosal_model kolosal_model;

/** Progress callback: fraction in [0, 1] and a stage name. Return non-zero to cancel. */
typedef int (*kolosal_progress_fn)(double fraction, const char* stage, void* user_data);

/* ------------------------------------------------------------------------------------------ */
/* Errors, version, strings                                                                    */

/** The message of the last failed call on this thread ("" if none). The pointer stays valid
 *  until the next kolosal_ call on this thread. Thread-safe. */
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

/* ------------------------------------------------------------------------------------------ */
/* Datasets                                                                                    */

/** Reads a CSV file.
 *  \param path UTF-8 file path.
 *  \param options_json NULL or JSON: {"target": "col", "task": "classification"|"regression",
 *         "delimiter": ",", "has_header": true, "missing_values": ["NA", "?"],
 *         "column_types": {"col": "numeric"|"categorical"}, "drop_columns": [...],
 *         "max_rows": 0}. Without "target" the dataset has no labels (for prediction).
 *  \param[out] out receives a dataset to free with kolosal_dataset_free().
 *  Errors: KOLOSAL_IO (missing file), KOLOSAL_INVALID_ARGUMENT (malformed CSV, unknown target,
 *  bad options). Thread-safe. */
KOLOSAL_API kolosal_status kolosal_dataset_from_csv(const char* path, const char* options_json,
                                                    kolosal_dataset** out);

/** Builds a dataset from a dense numeric matrix (copied; NaN = missing).
 *  \param data rows x cols values of type dtype in the given layout.
 *  \param labels NULL (no labels) or rows values of type labels_dtype.
 *  \param options_json NULL or JSON: {"feature_names": [...], "target_name": "y",
 *         "task": "classification"|"regression"} (the task is inferred when absent).
 *  \param[out] out receives a dataset to free with kolosal_dataset_free().
 *  Errors: KOLOSAL_INVALID_ARGUMENT for NULL data, negative sizes, unknown dtype or layout,
 *  NaN labels, wrong feature-name count. Thread-safe. */
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

/** Asks a running fit or cross-validation to stop; it returns KOLOSAL_CANCELLED soon after.
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

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* KOLOSAL_C_H_ */
