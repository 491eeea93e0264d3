#pragma once

#include <cstdint>
#include <span>

#include "kolosal/models/tree/binned_matrix.hpp"
#include "kolosal/models/tree/split_criterion.hpp"

namespace kolosal::models::tree {

/// Builds per-feature histograms: for every bin, the channel sums (see Criterion) of the rows
/// that fall in it. Histograms are plain double arrays laid out as
/// [hist_offset(feature) + bin] * n_channels + channel.
class HistogramBuilder {
 public:
  /// Overwrites `feature`'s slice of `hist` with the sums over `rows`. `ordered[i]` is the stat
  /// of row `rows[i]`; with Criterion::kGradient every count must be 1. Does not throw; touches
  /// only that slice, so features may be built in parallel into one histogram.
  static void BuildFeature(const BinnedMatrix& bins, int feature, std::span<const int32_t> rows,
                           const RowStat* ordered, const SplitScorer& scorer, double* hist);

  /// `larger[i] = parent[i] - smaller[i]` over `feature`'s slice, in place on `parent`.
  static void SubtractFeature(const BinnedMatrix& bins, int feature, int n_channels,
                              const double* smaller, double* parent);
};

}  // namespace kolosal::models::tree
