#pragma once

#include <array>
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include "kolosal/models/tree/binned_matrix.hpp"
#include "kolosal/models/tree/split_criterion.hpp"

namespace kolosal::models::tree {

/// One way to split a node: which bins of which feature go left, and where missing values go.
struct SplitCandidate {
  int32_t feature = -1;
  double gain = -std::numeric_limits<double>::infinity();
  int32_t threshold_bin = 0;  // numeric: bins <= threshold_bin go left
  bool default_left = false;  // where the missing bin goes
  bool categorical = false;
  std::array<uint64_t, 4> left_bins{};  // categorical: the bins (category codes) that go left

  bool valid() const { return feature >= 0; }
  /// Whether a value in `bin` goes to the left child.
  bool GoesLeft(int bin, int missing_bin) const {
    if (bin == missing_bin) return default_left;
    if (!categorical) return bin <= threshold_bin;
    return ((left_bins[bin >> 6] >> (bin & 63)) & 1u) != 0;
  }
};

/// Finds the best split of one feature from its histogram: a threshold scan for numeric
/// features, a scan over categories sorted by their mean target for categorical ones (as
/// LightGBM does), each with missing values tried on both sides. With a random seed it draws one
/// random threshold or category subset instead (extra trees). Const and thread-safe.
class SplitFinder {
 public:
  SplitFinder(const BinnedMatrix& bins, const SplitScorer& scorer, double cat_smooth)
      : bins_(bins), scorer_(scorer), cat_smooth_(cat_smooth) {}

  /// `hist` is the whole node histogram, `parent` the node's channel sums. `random_seed` is null
  /// for the best split, else the seed of the random draw. Returns an invalid candidate when the
  /// feature cannot split the node.
  SplitCandidate FindFeature(int feature, const double* hist, const double* parent,
                             double parent_score, const uint64_t* random_seed) const;

 private:
  struct ScanResult {
    double gain = -std::numeric_limits<double>::infinity();
    int position = -1;
    bool default_left = false;
  };

  ScanResult Scan(std::span<const int> order, const double* slice, const double* missing,
                  const double* parent, double parent_score, int only_position) const;
  std::vector<int> SortedCategories(const double* slice, int n_bins, const double* parent) const;
  double CategoryKey(const double* stats, int majority_class) const;

  const BinnedMatrix& bins_;
  const SplitScorer& scorer_;
  double cat_smooth_;
};

}  // namespace kolosal::models::tree
