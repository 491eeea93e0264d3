#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "kolosal/data/matrix_view.hpp"

namespace kolosal::data {

/// One column of a model's input matrix. A categorical feature holds category codes as floats
/// (0, 1, ..., n_categories-1; NaN = missing or unseen), for models that split on categories.
struct FeatureInfo {
  std::string name;
  bool categorical = false;
  int32_t n_categories = 0;
};

/// A dense row-major float32 matrix with its feature descriptions: the output of the
/// preprocessing pipeline and the input of every model.
struct FeatureMatrix {
  std::vector<float> values;
  int64_t rows = 0;
  int64_t cols = 0;
  std::vector<FeatureInfo> features;

  MatrixView view() const { return MatrixView{values.data(), rows, cols}; }
};

}  // namespace kolosal::data
