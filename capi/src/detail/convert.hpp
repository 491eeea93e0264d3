#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "kolosal/data/dataset.hpp"
#include "kolosal/models/model.hpp"
#include "kolosal/models/trained_pipeline.hpp"
#include "kolosal_c.h"

namespace kolosal::capi {

/// Validates the enum values a caller passed (C callers can pass any integer).
data::DType ToDType(kolosal_dtype dtype, const char* what);
data::Layout ToLayout(kolosal_layout layout);
models::ImportanceType ToImportanceType(kolosal_importance_type type);
/// Validates a (data, rows, cols) triple: non-negative, data present, rows * cols * 8 bytes
/// addressable.
void CheckShape(const void* data, int64_t rows, int64_t cols);
/// a * b for sizes from a caller; throws Error(kInvalidArgument) naming `what` on overflow.
int64_t CheckedProduct(int64_t a, int64_t b, const char* what);
/// Throws when a caller buffer of `capacity` elements cannot hold `needed`.
void CheckCapacity(int64_t capacity, int64_t needed, const char* what);

/// A dense caller array as a dataset (columns named f0, f1, ...); throws
/// Error(kInvalidArgument) for a bad shape, dtype or layout.
data::Dataset DenseRows(const void* data, kolosal_dtype dtype, int64_t rows, int64_t cols,
                        kolosal_layout layout);
/// A dense caller array as a dataset for `pipeline` (columns in training order); throws
/// Error(kInvalidArgument) for a bad shape, dtype or layout or another column count.
data::Dataset DenseInput(const models::TrainedPipeline& pipeline, const void* data,
                         kolosal_dtype dtype, int64_t rows, int64_t cols, kolosal_layout layout);
/// TrainedPipeline::PredictRawByPosition on dense caller rows; float32 row-major rows go through
/// PredictRawDense (read in place when the model needs no transform).
std::vector<float> PredictDenseRaw(const models::TrainedPipeline& pipeline, const void* data,
                                   kolosal_dtype dtype, int64_t rows, int64_t cols,
                                   kolosal_layout layout);
/// Throws Error(kFailedPrecondition) unless the model classifies (predict_proba).
void CheckClassifier(const models::TrainedPipeline& pipeline);
/// Copies `values` into a caller buffer of `capacity` floats, or throws when it is too small.
void WriteOutput(const std::vector<float>& values, float* out, int64_t capacity);

}  // namespace kolosal::capi
