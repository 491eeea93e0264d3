#include "kolosal/models/tree/row_partition.hpp"

#include <tbb/parallel_for.h>

#include <algorithm>
#include <array>

namespace kolosal::models::tree {
namespace {

constexpr int64_t kBlockRows = 8192;
constexpr int64_t kParallelRows = 4 * kBlockRows;

}  // namespace

void RowPartition::Reset(std::span<const int32_t> rows) {
  rows_.assign(rows.begin(), rows.end());
  scratch_.resize(rows_.size());
}

int64_t RowPartition::Split(const BinnedMatrix& bins, const SplitCandidate& split, int64_t begin,
                            int64_t end, bool parallel) {
  std::array<bool, 256> goes_left{};
  const int missing_bin = bins.mapper().missing_bin(split.feature);
  for (int bin = 0; bin <= missing_bin; ++bin) goes_left[bin] = split.GoesLeft(bin, missing_bin);
  const uint8_t* column = bins.column(split.feature);
  if (parallel && end - begin >= kParallelRows) {
    return SplitParallel(column, goes_left.data(), begin, end);
  }
  return SplitSequential(column, goes_left.data(), begin, end);
}

int64_t RowPartition::SplitSequential(const uint8_t* column, const bool* goes_left, int64_t begin,
                                      int64_t end) {
  int64_t n_left = begin;
  int64_t n_right = 0;
  // Branch-free: a split sends rows both ways unpredictably.
  for (int64_t idx = begin; idx < end; ++idx) {
    const int32_t row = rows_[idx];
    const int64_t left = goes_left[column[row]] ? 1 : 0;
    rows_[n_left] = row;
    scratch_[n_right] = row;
    n_left += left;
    n_right += 1 - left;
  }
  std::copy(scratch_.begin(), scratch_.begin() + n_right, rows_.begin() + n_left);
  return n_left;
}

// Fixed blocks (independent of the thread count): count, prefix-sum, then scatter.
int64_t RowPartition::SplitParallel(const uint8_t* column, const bool* goes_left, int64_t begin,
                                    int64_t end) {
  const int64_t n_blocks = (end - begin + kBlockRows - 1) / kBlockRows;
  std::vector<int64_t> left_counts(static_cast<size_t>(n_blocks));
  tbb::parallel_for(int64_t{0}, n_blocks, [&](int64_t block) {
    const int64_t lo = begin + block * kBlockRows;
    const int64_t hi = std::min(end, lo + kBlockRows);
    int64_t count = 0;
    for (int64_t idx = lo; idx < hi; ++idx) count += goes_left[column[rows_[idx]]] ? 1 : 0;
    left_counts[block] = count;
  });
  std::vector<int64_t> left_starts(static_cast<size_t>(n_blocks));
  int64_t total_left = 0;
  for (int64_t block = 0; block < n_blocks; ++block) {
    left_starts[block] = total_left;
    total_left += left_counts[block];
  }
  tbb::parallel_for(int64_t{0}, n_blocks, [&](int64_t block) {
    const int64_t lo = begin + block * kBlockRows;
    const int64_t hi = std::min(end, lo + kBlockRows);
    int64_t left_pos = begin + left_starts[block];
    int64_t right_pos = begin + total_left + (lo - begin - left_starts[block]);
    for (int64_t idx = lo; idx < hi; ++idx) {
      const int32_t row = rows_[idx];
      scratch_[goes_left[column[row]] ? left_pos++ : right_pos++] = row;
    }
  });
  std::copy(scratch_.begin() + begin, scratch_.begin() + end, rows_.begin() + begin);
  return begin + total_left;
}

}  // namespace kolosal::models::tree
