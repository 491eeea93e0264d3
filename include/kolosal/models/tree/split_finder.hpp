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
  BinSet left_bins{};  // categorical: the bins (category codes) that go left

  bool valid() const { return feature >= 0; }
  /// Whether a value in `bin` goes to the left child.
  bool GoesLeft(int bin, int missing_bin) const {
    if (bin == missing_bin) return default_left;
    if (!categorical) return bin <= threshold_bin;
    return HasBin(left_bins, bin);
  }
};

/// The range a node's leaf value must stay in (gradient boosting's monotone constraints): its
/// ancestors' splits on constrained features set it. Unbounded by default.
struct LeafBounds {
  double lower = -std::numeric_limits<double>::infinity();
  double upper = std::numeric_limits<double>::infinity();

  bool bounded() const {
    return lower > -std::numeric_limits<double>::infinity() ||
           upper < std::numeric_limits<double>::infinity();
  }
};

/// One feature's histogram entries: `n_entries` value bins of n_channels sums each, then the
/// missing bin's sums. Dense histograms hold every bin (`bin_ids` null); sparse ones (small
/// nodes) hold only the bins that occur, in increasing order, with their ids in `bin_ids`.
struct FeatureHistogram {
  const double* values = nullptr;
  int n_entries = 0;
  const int* bin_ids = nullptr;
  const double* missing = nullptr;

  int bin(int entry) const { return bin_ids == nullptr ? entry : bin_ids[entry]; }
};

/// Finds the best split of one feature from its histogram: a threshold scan for numeric
/// features, a scan over categories sorted by their mean target for categorical ones (as
/// LightGBM does), each with missing values tried on both sides. With a random seed it draws one
/// random threshold or category subset instead (extra trees). Const and thread-safe.
class SplitFinder {
 public:
  /// Categorical splits are scored with `category_scorer` (LightGBM's cat_l2) and ordered with
  /// `cat_smooth` added to the hessian. With `cat_max_threshold` 0, categories with fewer than
  /// `cat_min_rows` rows stay on the right and one scan runs over the sorted categories. With
  /// `cat_max_threshold` > 0 the scan is LightGBM's: categories with fewer rows than
  /// `cat_smooth` stay on the right, the sorted categories are scanned from both ends with at
  /// most `cat_max_threshold` of them on the scanned side, a cut is only tried once the
  /// categories added since the last cut hold `cat_min_rows` rows (min_data_per_group) and the
  /// other side keeps that many, and features with at most `cat_onehot_max` categories are
  /// split one category against the rest, scored with `scorer` (max_cat_to_onehot). The
  /// scorers must outlive the finder.
  SplitFinder(const BinnedMatrix& bins, const SplitScorer& scorer,
              const SplitScorer& category_scorer, double cat_smooth, double cat_min_rows,
              int cat_max_threshold = 0, int cat_onehot_max = 0)
      : bins_(bins),
        scorer_(scorer),
        category_scorer_(category_scorer),
        cat_smooth_(cat_smooth),
        cat_min_rows_(cat_min_rows),
        cat_max_threshold_(cat_max_threshold),
        cat_onehot_max_(cat_onehot_max) {}

  /// `parent` is the node's channel sums. `random_seed` is null for the best split, else the seed
  /// of the random draw. Replaces `best` when this feature's best split has a larger gain than
  /// `best.gain` (an out parameter: building and copying a candidate for every feature of every
  /// node costs more than the scan of a small node). For the gradient criterion, a numeric
  /// feature with a `monotone` direction (+1 increasing, -1 decreasing) only splits where the
  /// children's leaf values, held in `bounds`, keep that order; in a bounded node every split is
  /// scored with its children's values held in the bounds, against the parent's value held
  /// there (`parent_score` is then not used for it), numeric and categorical alike.
  void FindFeature(int feature, const FeatureHistogram& hist, const double* parent,
                   double parent_score, const uint64_t* random_seed, SplitCandidate& best,
                   int monotone = 0, const LeafBounds& bounds = {}) const;
  /// The dense view of `feature` in a whole-node histogram.
  FeatureHistogram DenseView(int feature, const double* hist) const;

 public:
  struct ScanResult {
    double gain = -std::numeric_limits<double>::infinity();
    int position = -1;
    bool default_left = false;
  };

 private:
  /// Scans positions 0..n_positions-1: entries order[position], or (order null) the entries
  /// themselves with the empty ones skipped. Returns the best position.
  ScanResult Scan(const SplitScorer& scorer, const int* order, int n_positions, const double* slice,
                  const double* missing, const double* parent, double parent_score,
                  int only_position) const;
  /// The categories with at least `min_rows` rows, sorted by CategoryKey.
  void SortedCategories(const FeatureHistogram& hist, const double* parent, double min_rows,
                        std::vector<int>& present) const;
  double CategoryKey(const double* stats, int majority_class) const;
  /// LightGBM's categorical search (cat_max_threshold_ > 0); `parent_score` is scorer_'s.
  void FindCategories(int feature, const FeatureHistogram& hist, const double* parent,
                      double parent_score, SplitCandidate& best_split,
                      const LeafBounds& bounds) const;

  const BinnedMatrix& bins_;
  const SplitScorer& scorer_;
  const SplitScorer& category_scorer_;
  double cat_smooth_;
  double cat_min_rows_;
  int cat_max_threshold_;
  int cat_onehot_max_;
};

}  // namespace kolosal::models::tree
