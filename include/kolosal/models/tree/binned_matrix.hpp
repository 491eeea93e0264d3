#pragma once

#include <cstdint>
#include <vector>

#include "kolosal/data/matrix_view.hpp"
#include "kolosal/models/tree/bin_mapper.hpp"

namespace kolosal::models::tree {

/// The training matrix as one byte per value, column-major, plus the mapper that made it and the
/// offset of every feature's histogram slice.
class BinnedMatrix {
 public:
  /// Bins the rows `rows` of `x` (all rows when empty) with `mapper`; parallel over features.
  BinnedMatrix(BinMapper mapper, data::MatrixView x, std::span<const int32_t> rows = {});
  BinnedMatrix(const BinnedMatrix&) = delete;
  BinnedMatrix& operator=(const BinnedMatrix&) = delete;

  int64_t n_rows() const { return n_rows_; }
  int n_features() const { return mapper_.n_features(); }
  const BinMapper& mapper() const { return mapper_; }
  const uint8_t* column(int feature) const {
    return bins_.data() + static_cast<int64_t>(feature) * n_rows_;
  }
  uint8_t bin(int64_t row_idx, int feature) const { return column(feature)[row_idx]; }
  /// Bins of `feature` in a histogram, counting the missing bin.
  int hist_bins(int feature) const { return mapper_.n_bins(feature) + 1; }
  /// Start of `feature`'s slice in a histogram, in bins.
  int64_t hist_offset(int feature) const { return hist_offsets_[feature]; }
  int64_t total_hist_bins() const { return hist_offsets_.back(); }

 private:
  BinMapper mapper_;
  int64_t n_rows_ = 0;
  std::vector<uint8_t> bins_;
  std::vector<int64_t> hist_offsets_;
};

}  // namespace kolosal::models::tree
