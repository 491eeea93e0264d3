#pragma once

#include <cstdint>
#include <string>

#include "kolosal/data/dataset.hpp"
#include "kolosal/models/model.hpp"
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

}  // namespace kolosal::capi
