#include "kolosal/models/tree/histogram_builder.hpp"

#include <algorithm>
#include <array>
#include <vector>

namespace kolosal::models::tree {
namespace {

// Rows kept in increasing order (see RowPartition) make the column reads sweep forward.
// kUnitCount: every row counts once (boosting), so the count channel needs no load.
template <bool kUnitCount>
void AccumulateRegression(const uint8_t* column, std::span<const int32_t> rows,
                          const RowStat* ordered, double* hist) {
  const size_t n = rows.size();
  for (size_t idx = 0; idx < n; ++idx) {
    double* slot = hist + 3 * static_cast<size_t>(column[rows[idx]]);
    slot[0] += ordered[idx].a;
    slot[1] += ordered[idx].b;
    slot[2] += kUnitCount ? 1.0 : ordered[idx].count;
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

// With few bins, consecutive rows often hit the same bin and each add waits for the previous
// one. Spreading rows over kCopies private histograms breaks those chains; the copies are then
// summed in a fixed order, so the result does not depend on threads.
constexpr int kCopies = 4;

// `hist` (zeroed) serves as copy 0, so only copies 1..3 need scratch; the sums are the same as
// with four scratch copies, ((copy 0 + copy 1) + (copy 2 + copy 3)) per bin.
template <bool kUnitCount>
void AccumulateRegressionInterleaved(const uint8_t* column, std::span<const int32_t> rows,
                                     const RowStat* ordered, int n_bins, double* hist) {
  thread_local std::vector<double> scratch;
  const size_t copy_size = 3 * static_cast<size_t>(n_bins);
  scratch.assign((kCopies - 1) * copy_size, 0.0);
  const std::array<double*, kCopies> copies = {hist, scratch.data(), scratch.data() + copy_size,
                                               scratch.data() + 2 * copy_size};
  const size_t n = rows.size();
  size_t idx = 0;
  for (; idx + kCopies <= n; idx += kCopies) {
    for (int copy = 0; copy < kCopies; ++copy) {
      double* slot = copies[copy] + 3 * static_cast<size_t>(column[rows[idx + copy]]);
      slot[0] += ordered[idx + copy].a;
      slot[1] += ordered[idx + copy].b;
      slot[2] += kUnitCount ? 1.0 : ordered[idx + copy].count;
    }
  }
  AccumulateRegression<kUnitCount>(column, rows.subspan(idx), ordered + idx, hist);
  for (size_t pos = 0; pos < copy_size; ++pos) {
    hist[pos] = (hist[pos] + copies[1][pos]) + (copies[2][pos] + copies[3][pos]);
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
  const int n_bins = bins.hist_bins(feature);
  const bool interleave = rows.size() >= 8 * static_cast<size_t>(n_bins);
  const uint8_t* column = bins.column(feature);
  if (scorer.criterion() == Criterion::kGradient) {
    if (interleave)
      return AccumulateRegressionInterleaved<true>(column, rows, ordered, n_bins, slice);
    return AccumulateRegression<true>(column, rows, ordered, slice);
  }
  if (interleave)
    return AccumulateRegressionInterleaved<false>(column, rows, ordered, n_bins, slice);
  AccumulateRegression<false>(column, rows, ordered, slice);
}

void HistogramBuilder::SubtractFeature(const BinnedMatrix& bins, int feature, int n_channels,
                                       const double* smaller, double* parent) {
  const int64_t begin = bins.hist_offset(feature) * n_channels;
  const int64_t end = begin + static_cast<int64_t>(bins.hist_bins(feature)) * n_channels;
  for (int64_t idx = begin; idx < end; ++idx) parent[idx] -= smaller[idx];
}

}  // namespace kolosal::models::tree
