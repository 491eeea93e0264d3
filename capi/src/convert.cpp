#include "detail/convert.hpp"

#include <algorithm>

#include "kolosal/core/error.hpp"

namespace kolosal::capi {

data::DType ToDType(kolosal_dtype dtype, const char* what) {
  if (dtype == KOLOSAL_FLOAT32) return data::DType::kFloat32;
  if (dtype == KOLOSAL_FLOAT64) return data::DType::kFloat64;
  ThrowInvalidArgument(std::string("unknown dtype ") + std::to_string(static_cast<int>(dtype)) +
                       " for " + what + "; use KOLOSAL_FLOAT32 or KOLOSAL_FLOAT64");
}

data::Layout ToLayout(kolosal_layout layout) {
  if (layout == KOLOSAL_ROW_MAJOR) return data::Layout::kRowMajor;
  if (layout == KOLOSAL_COL_MAJOR) return data::Layout::kColumnMajor;
  ThrowInvalidArgument("unknown layout " + std::to_string(static_cast<int>(layout)) +
                       "; use KOLOSAL_ROW_MAJOR or KOLOSAL_COL_MAJOR");
}

models::ImportanceType ToImportanceType(kolosal_importance_type type) {
  switch (type) {
    case KOLOSAL_IMPORTANCE_GAIN:
      return models::ImportanceType::kGain;
    case KOLOSAL_IMPORTANCE_SPLIT:
      return models::ImportanceType::kSplit;
    case KOLOSAL_IMPORTANCE_COEFFICIENT:
      return models::ImportanceType::kCoefficient;
  }
  ThrowInvalidArgument("unknown importance type " + std::to_string(static_cast<int>(type)) +
                       "; use KOLOSAL_IMPORTANCE_GAIN, KOLOSAL_IMPORTANCE_SPLIT or "
                       "KOLOSAL_IMPORTANCE_COEFFICIENT");
}

void CheckShape(const void* data, int64_t rows, int64_t cols) {
  if (rows < 0 || cols < 0) {
    ThrowInvalidArgument("negative shape (" + std::to_string(rows) + " x " + std::to_string(cols) +
                         ")");
  }
  if (data == nullptr && rows > 0 && cols > 0) ThrowInvalidArgument("data is NULL");
  CheckedProduct(CheckedProduct(rows, cols, "the input shape"), 8, "the input shape");
}

int64_t CheckedProduct(int64_t a, int64_t b, const char* what) {
  int64_t product = 0;
  if (__builtin_mul_overflow(a, b, &product)) {
    ThrowInvalidArgument(std::string(what) + " is too large (" + std::to_string(a) + " x " +
                         std::to_string(b) + ")");
  }
  return product;
}

void CheckCapacity(int64_t capacity, int64_t needed, const char* what) {
  if (capacity < needed) {
    ThrowInvalidArgument(std::string(what) + " holds " + std::to_string(capacity) + " values, " +
                         std::to_string(needed) + " are needed");
  }
}

data::Dataset DenseRows(const void* data, kolosal_dtype dtype, int64_t rows, int64_t cols,
                        kolosal_layout layout) {
  CheckShape(data, rows, cols);
  return data::Dataset::FromDense(data, ToDType(dtype, "data"), rows, cols, ToLayout(layout));
}

namespace {

void CheckShapeFor(const models::TrainedPipeline& pipeline, const void* data, int64_t rows,
                   int64_t cols) {
  CheckShape(data, rows, cols);
  if (cols != pipeline.n_input_features()) {
    ThrowInvalidArgument("input has " + std::to_string(cols) + " columns, the model expects " +
                         std::to_string(pipeline.n_input_features()));
  }
}

}  // namespace

data::Dataset DenseInput(const models::TrainedPipeline& pipeline, const void* data,
                         kolosal_dtype dtype, int64_t rows, int64_t cols, kolosal_layout layout) {
  CheckShapeFor(pipeline, data, rows, cols);
  return DenseRows(data, dtype, rows, cols, layout);
}

std::vector<float> PredictDenseRaw(const models::TrainedPipeline& pipeline, const void* data,
                                   kolosal_dtype dtype, int64_t rows, int64_t cols,
                                   kolosal_layout layout) {
  if (dtype == KOLOSAL_FLOAT32 && layout == KOLOSAL_ROW_MAJOR) {
    CheckShapeFor(pipeline, data, rows, cols);
    return pipeline.PredictRawDense(static_cast<const float*>(data), rows, cols);
  }
  return pipeline.PredictRawByPosition(DenseInput(pipeline, data, dtype, rows, cols, layout));
}

void CheckClassifier(const models::TrainedPipeline& pipeline) {
  if (pipeline.task() != Task::kClassification) {
    throw Error(StatusCode::kFailedPrecondition,
                "predict_proba needs a classification model; this one is regression");
  }
}

void WriteOutput(const std::vector<float>& values, float* out, int64_t capacity) {
  CheckCapacity(capacity, static_cast<int64_t>(values.size()), "the output buffer");
  std::copy(values.begin(), values.end(), out);
}

}  // namespace kolosal::capi
