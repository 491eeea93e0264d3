#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "kolosal/data/feature_matrix.hpp"
#include "kolosal/data/matrix_view.hpp"

namespace kolosal::models::tree {

/// The most value bins a feature can have; one more bin (the missing bin) holds NaN.
inline constexpr int kMaxBins = 255;

/// A set of bins (category codes 0..255) as four 64-bit words.
using BinSet = std::array<uint64_t, 4>;
inline void AddBin(BinSet& set, int bin) { set[bin >> 6] |= uint64_t{1} << (bin & 63); }
inline bool HasBin(const BinSet& set, int bin) { return ((set[bin >> 6] >> (bin & 63)) & 1u) != 0; }

/// Quantile bins for every feature. A numeric feature's value bin `b` holds the values in
/// (upper_bound(b-1), upper_bound(b)]; the last upper bound is +inf. A categorical feature's bin
/// is its category code. Bin `n_bins(f)` (the missing bin) holds NaN and unseen categories:
/// negative codes, codes from n_bins(f) up, and codes no row the mapper was fitted on had.
class BinMapper {
 public:
  BinMapper() = default;

  /// Learns the bins from the rows `rows` of `x` (all rows when empty). `max_bins` is in
  /// [2, kMaxBins]. A categorical feature with more than kMaxBins categories is binned as numeric.
  static BinMapper Fit(data::MatrixView x, std::span<const data::FeatureInfo> features,
                       int max_bins, std::span<const int32_t> rows = {});

  int n_features() const { return static_cast<int>(n_bins_.size()); }
  /// Number of value bins of `feature` (the missing bin is not counted).
  int n_bins(int feature) const { return n_bins_[feature]; }
  int missing_bin(int feature) const { return n_bins_[feature]; }
  bool categorical(int feature) const { return categorical_[feature] != 0; }
  /// The split threshold for "bin <= bin_idx goes left" on a numeric feature.
  float UpperBound(int feature, int bin_idx) const {
    return upper_bounds_[bound_offsets_[feature] + bin_idx];
  }
  /// The bin of `value` in `feature`.
  uint8_t BinOf(int feature, float value) const;
  /// Whether a row the mapper was fitted on had category `code` (0..255) of categorical
  /// `feature`; false for numeric features.
  bool SeenCategory(int feature, int code) const {
    return HasBin(seen_codes_[static_cast<size_t>(feature)], code);
  }

 private:
  void AddNumeric(std::vector<float> values, int max_bins);
  void AddCategorical(int n_categories, const BinSet& seen_codes);

  std::vector<int32_t> n_bins_;
  std::vector<uint8_t> categorical_;
  std::vector<int64_t> bound_offsets_;
  std::vector<float> upper_bounds_;
  std::vector<BinSet> seen_codes_;  // per feature: the category codes seen in fitting
};

}  // namespace kolosal::models::tree
