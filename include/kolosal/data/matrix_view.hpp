#pragma once

#include <cstdint>

namespace kolosal::data {

/// A non-owning view of a dense row-major float32 matrix; what models consume.
struct MatrixView {
  const float* data = nullptr;
  int64_t rows = 0;
  int64_t cols = 0;

  const float* row(int64_t row_idx) const { return data + row_idx * cols; }
  float at(int64_t row_idx, int64_t col_idx) const { return data[row_idx * cols + col_idx]; }
};

}  // namespace kolosal::data
