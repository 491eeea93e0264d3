#include "kolosal/models/tree/histogram_builder.hpp"

#include <algorithm>

namespace kolosal::models::tree {
namespace {

// Rows kept in increasing order (see RowPartition) make the column reads sweep forward.
void AccumulateRegression(const uint8_t* column, std::span<const int32_t> rows,
                          const RowStat* ordered, double* hist) {
  const size_t n = rows.size();
  for (size_t idx = 0; idx < n; ++idx) {
    double* slot = hist + 3 * static_cast<size_t>(column[rows[idx]]);
    slot[0] += ordered[idx].a;
    slot[1] += ordered[idx].b;
    slot[2] += ordered[idx].count;
  }
}

void AccumulateClasses(const uint8_t* column, std::span<const int32_t> rows, const RowStat* ordered,
                       int n_channels, double* hist) {
  const size_t n = rows.size();
  for (size_t idx = 0; idx < n; ++idx) {
    double* slot = hist + static_cast<size_t>(n_channels) * column[rows[idx]];
    slot[ordered[idx].label] += ordered[idx].a;
    slot[n_channels - 1] += ordered[idx].count;
  }
}

}  // namespace

void HistogramBuilder::BuildFeature(const BinnedMatrix& bins, int feature,
                                    std::span<const int32_t> rows, const RowStat* ordered,
                                    const SplitScorer& scorer, double* hist) {
  const int n_channels = scorer.n_channels();
  double* slice = hist + bins.hist_offset(feature) * n_channels;
  std::fill(slice, slice + static_cast<int64_t>(bins.hist_bins(feature)) * n_channels, 0.0);
  if (scorer.is_classification()) {
    AccumulateClasses(bins.column(feature), rows, ordered, n_channels, slice);
    return;
  }
  AccumulateRegression(bins.column(feature), rows, ordered, slice);
}

void HistogramBuilder::SubtractFeature(const BinnedMatrix& bins, int feature, int n_channels,
                                       const double* smaller, double* parent) {
  const int64_t begin = bins.hist_offset(feature) * n_channels;
  const int64_t end = begin + static_cast<int64_t>(bins.hist_bins(feature)) * n_channels;
  for (int64_t idx = begin; idx < end; ++idx) parent[idx] -= smaller[idx];
}

}  // namespace kolosal::models::tree
