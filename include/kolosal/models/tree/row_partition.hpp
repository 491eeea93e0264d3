#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "kolosal/models/tree/binned_matrix.hpp"
#include "kolosal/models/tree/split_finder.hpp"

namespace kolosal::models::tree {

/// The rows of every node of a growing tree as ranges of one index array. Splitting a node
/// partitions its range stably (left rows first), so rows stay in increasing order everywhere.
class RowPartition {
 public:
  RowPartition() = default;

  /// Starts a tree over `rows` (in increasing order).
  void Reset(std::span<const int32_t> rows);
  std::span<const int32_t> Rows(int64_t begin, int64_t end) const {
    return {rows_.data() + begin, static_cast<size_t>(end - begin)};
  }
  /// Partitions [begin, end) by `split`; returns the first index of the right part. Runs in
  /// parallel over fixed blocks when `parallel` and the range is large; the result is the same.
  int64_t Split(const BinnedMatrix& bins, const SplitCandidate& split, int64_t begin, int64_t end,
                bool parallel);

 private:
  int64_t SplitSequential(const uint8_t* column, const bool* goes_left, int64_t begin, int64_t end);
  int64_t SplitParallel(const uint8_t* column, const bool* goes_left, int64_t begin, int64_t end);

  std::vector<int32_t> rows_;
  std::vector<int32_t> scratch_;
};

}  // namespace kolosal::models::tree
