#pragma once

#include <array>
#include <cstdint>
#include <limits>
#include <memory>
#include <span>
#include <vector>

#include "kolosal/models/tree/binned_matrix.hpp"
#include "kolosal/models/tree/split_criterion.hpp"
#include "kolosal/models/tree/split_finder.hpp"

namespace kolosal::models::tree {

/// Per-feature lists of a small node's rows, sorted by bin, for the small nodes of one growing
/// tree. A small node's sparse histogram is then one forward walk over its list, with no sort
/// and no per-bin lookup, and a split partitions every list stably, as RowPartition does with
/// the rows. Lists live at the node's positions in the RowPartition, so open nodes own disjoint
/// segments. Within a bin, entries keep increasing row order, so a histogram sums its rows in
/// the same order as a row-order pass would. Not thread-safe: one per TreeBuilder.
class SortedRowLists {
 public:
  /// The most rows a small subtree root may have (entries index rows with one byte).
  static constexpr int64_t kMaxRows = 256;

  SortedRowLists(const BinnedMatrix& bins, const SplitScorer& scorer);
  SortedRowLists(const SortedRowLists&) = delete;
  SortedRowLists& operator=(const SortedRowLists&) = delete;

  /// Prepares for a tree over `n_positions` rows and candidate `features`. Returns false (and
  /// holds no lists) when the lists would take more memory than a builder should.
  bool Reset(int64_t n_positions, std::span<const int32_t> features);

  /// Builds the lists of a small subtree root at positions [begin, begin + rows.size()), whose
  /// rows are `rows` (increasing, at most kMaxRows) with `stats[row]` as their stats.
  void BuildRoot(int64_t begin, std::span<const int32_t> rows, std::span<const RowStat> stats);

  /// The sparse histogram of `feature` over node [begin, end) of the subtree rooted at `base`.
  /// The view stays valid until the next call. `n_entries` is 0 or 1 and `missing` empty when
  /// the feature cannot split the node (one bin only).
  FeatureHistogram Histogram(int feature, int64_t base, int64_t begin, int64_t end);

  /// For a node of two rows at [begin, begin + 2): the stat of the row with the lower bin of
  /// `feature`, that bin and the other row's bin, or null when both rows share a bin.
  const RowStat* LowerOfTwo(int feature, int64_t base, int64_t begin, int* bin,
                            int* upper_bin) const {
    const uint16_t* list = lists_.get() + slot_of_feature_[feature] * n_positions_ + begin;
    if ((list[0] >> 8) == (list[1] >> 8)) return nullptr;
    *bin = list[0] >> 8;
    *upper_bin = list[1] >> 8;
    return &stats_[base + (list[0] & 0xFF)];
  }

  /// The best squared-error split of one feature over a node, found from its list directly.
  struct ListSplit {
    bool constant = true;  // one value (or only missing ones) on the node: no split possible
    double gain = -std::numeric_limits<double>::infinity();
    int threshold_bin = -1;  // numeric: the last bin on the left; -1: no split allowed
    int next_bin = -1;       // numeric: the first bin with rows on the right; -1: only missing
    bool default_left = false;
    BinSet left_bins{};  // categorical: the categories on the left
  };

  /// For a squared-error scorer: the best split of `feature` over node [begin, end) (subtree
  /// root `base`), whose (a, b, count) sums are `parent` and score `parent_score`, in one walk
  /// over the list with no histogram. Thresholds, sides and tie rules are a SplitFinder scan's
  /// (missing values right in one pass and left in the other, the first best wins within a
  /// pass, the missing-left pass only with a higher gain); categories are scanned in order of
  /// their mean (ties by code), with the same sums as the sparse histogram's, so categorical
  /// splits are the same to the bit.
  ListSplit SquaredErrorSplit(int feature, int64_t base, int64_t begin, int64_t end,
                              const double* parent, double parent_score);

  /// Partitions the lists of `features` (which hold split.feature) of node [begin, end) (subtree
  /// root `base`) by `split`, left rows to [begin, middle). `middle` is what RowPartition::Split
  /// returned for the same node. Other features' lists of the node are stale afterwards.
  void Partition(const SplitCandidate& split, std::span<const int32_t> features, int64_t base,
                 int64_t begin, int64_t middle, int64_t end);

 private:
  struct CategoryGroup {
    double key = 0.0;  // mean target: categories are scanned in this order
    int bin = 0;
    double a = 0.0;
    double b = 0.0;
    double count = 0.0;
  };

  uint16_t* List(int slot, int64_t begin) { return lists_.get() + slot * n_positions_ + begin; }
  ListSplit NumericSquaredErrorSplit(const uint16_t* list, int64_t n, const RowStat* stats,
                                     int missing_bin, const double* parent,
                                     double parent_score) const;
  ListSplit CategoricalSquaredErrorSplit(const uint16_t* list, int64_t n, const RowStat* stats,
                                         int missing_bin, const double* parent,
                                         double parent_score);

  const BinnedMatrix& bins_;
  const SplitScorer& scorer_;
  int64_t n_positions_ = 0;
  int64_t capacity_ = 0;
  std::vector<int32_t> features_;
  std::vector<int32_t> slot_of_feature_;  // feature -> list slot, -1 when not a candidate
  std::unique_ptr<uint16_t[]> lists_;     // slot-major; entry = bin << 8 | local row index
  std::vector<RowStat> stats_;            // per position: the stat of local row (pos - base)
  std::vector<uint8_t> goes_left_;        // per position: the side of local row (pos - base)
  std::vector<uint16_t> scratch_;         // right-hand entries while partitioning
  std::vector<double> values_;            // the last histogram's sums
  std::vector<int> bin_ids_;              // the last histogram's bins
  std::vector<CategoryGroup> groups_;     // scratch of CategoricalSquaredErrorSplit
};

}  // namespace kolosal::models::tree
