#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "kolosal/core/random.hpp"
#include "kolosal/models/tree/binned_matrix.hpp"
#include "kolosal/models/tree/row_partition.hpp"
#include "kolosal/models/tree/sorted_row_lists.hpp"
#include "kolosal/models/tree/split_criterion.hpp"
#include "kolosal/models/tree/split_finder.hpp"
#include "kolosal/models/tree/tree.hpp"

namespace kolosal::models::tree {

/// How a tree grows; shared by every tree model.
struct TreeGrowthParams {
  int max_depth = 0;       // 0 = unlimited
  int max_leaves = 0;      // 0 = unlimited; only for leaf-wise growth
  bool leaf_wise = false;  // best-first (LightGBM) instead of depth-first
  int64_t min_samples_split = 2;
  double max_features = 1.0;  // fraction of the tree's features drawn at every node
  /// Gradient boosting (XGBoost's colsample_bynode): the share of the node's features its split
  /// may use, drawn per node after the histograms of all of them are built, so histogram
  /// subtraction keeps working. Unlike max_features, a node whose draw cannot split ends.
  double node_colsample = 1.0;
  bool random_splits = false;  // one random threshold per feature (extra trees)
  double min_split_gain = 0.0;
  /// CART (scikit-learn's min_impurity_decrease): a split must lower the weighted impurity by
  /// at least this, as a share of the tree's total weight (entropy in bits).
  double min_impurity_decrease = 0.0;
  double cat_smooth = 10.0;   // added to the hessian when ordering categories (gradient only)
  double cat_l2 = 0.0;        // extra L2 penalty on categorical splits (gradient only)
  double cat_min_rows = 0.0;  // categories with fewer rows in a node never go left alone
  // > 0: LightGBM's categorical search (see SplitFinder) with at most this many categories on
  // one side, and one category against the rest for features with at most cat_onehot_max.
  int cat_max_threshold = 0;
  int cat_onehot_max = 0;
  bool parallel = true;  // use oneTBB over features and row blocks inside one tree
  /// Split impure nodes (two classes, or two regression targets) even when the best gain is
  /// zero, as CART does: XOR-like patterns are found one level deeper, and an extra tree's random
  /// threshold that happens to leave both means equal does not end the node.
  bool split_zero_gain = false;
  /// Put a numeric threshold midway (in bins) between the highest bin the node's left rows
  /// occupy and the lowest its right rows occupy, as CART puts it midway between the two
  /// values, instead of right above the left rows. The training rows split alike; unseen values
  /// in the gap no longer all go right. Not with random_splits.
  bool center_thresholds = false;
  /// Give splits whose gains agree up to rounding to the feature ranked first by a per-node
  /// random draw, as CART's random feature order does, instead of to the lowest feature index.
  /// With every feature at every node, small nodes have many equal splits, and always taking the
  /// first makes every tree route unseen rows the same way.
  bool random_ties = false;
  /// Gradient boosting: per feature, +1 when the output may only rise with the feature's value,
  /// -1 when it may only fall, 0 when free; empty when no feature is constrained. Splits on a
  /// constrained feature keep their children's values in that order and bound their subtrees'
  /// values at the midpoint between them, and every leaf keeps to its bounds (see docs/trees.md).
  std::vector<int8_t> monotone;
  /// Gradient boosting: the feature sets (sorted positions) that may interact, every feature in
  /// at least one; empty when interactions are free. A node may split on the features of every
  /// set that holds all the features split on above it (XGBoost's rule), so each root-to-leaf
  /// path stays inside one set.
  std::vector<std::vector<int32_t>> interaction_sets;
};

/// Grows one tree on binned data with histograms: the smaller child's histogram is built and the
/// larger one's is the parent's minus it (unless features are drawn per node). Nodes with fewer
/// rows than a feature has bins use sparse histograms (sorted bins) instead; when every node sees
/// every feature, they are read from per-feature row lists sorted by bin (SortedRowLists), which
/// keeps fully grown forest trees cheap, else built from the node's rows per drawn feature. Nodes
/// whose rows are all one row, or (classification) all one class, are leaves without a search.
/// One builder grows one tree at a time; keep one per thread. Deterministic for a given Rng
/// state whatever the number of threads.
class TreeBuilder {
 public:
  TreeBuilder(const BinnedMatrix& bins, SplitScorer scorer, TreeGrowthParams params);
  TreeBuilder(const TreeBuilder&) = delete;
  TreeBuilder& operator=(const TreeBuilder&) = delete;

  /// Grows a tree on `rows` (increasing, each at most once). `stats[row]` is what row `row`
  /// contributes. `features` are the candidate features (all when empty). Leaf values are the
  /// scorer's raw leaf outputs.
  Tree Build(std::span<const int32_t> rows, std::span<const RowStat> stats,
             std::span<const int32_t> features, Rng& rng);

  /// The training rows in leaf `leaf_idx` of the last tree built.
  std::span<const int32_t> LeafRows(int32_t leaf_idx) const;

 private:
  struct OpenNode {
    int32_t node = 0;
    int depth = 0;
    int64_t begin = 0;
    int64_t end = 0;
    std::vector<double> totals;
    int hist = -1;           // index into hist_pool_, or -1
    int64_t list_base = -1;  // first position of the small subtree whose lists it uses, or -1
    // Features that may still split the node (increasing), when some are known to be constant
    // on its rows; empty: every feature of the tree. Only for nodes that use lists.
    std::vector<int32_t> live;
    LeafBounds bounds;  // from ancestors' splits on monotone features
    // With interaction sets: whether an ancestor split, and then the sets (increasing indices)
    // that hold every feature split on above the node.
    bool constrained = false;
    std::vector<int32_t> sets;
    SplitCandidate best;
  };

  bool CanSplit(const OpenNode& node) const;
  bool AcceptGain(const OpenNode& node, double gain, double parent_score) const;
  /// Whether the node's rows hold two classes, or two different regression targets.
  bool IsImpure(const OpenNode& node) const;
  std::pair<std::vector<double>, std::vector<double>> ChildTotals(const OpenNode& node,
                                                                  int64_t middle) const;
  OpenNode MakeChild(int32_t node_idx, int depth, int64_t begin, int64_t end,
                     std::vector<double> totals) const;
  std::vector<double> SumStats(int64_t begin, int64_t end) const;
  void GatherStats(const OpenNode& node);
  void BuildHistogram(const OpenNode& node, std::span<const int32_t> features, double* hist);
  FeatureHistogram BuildSparse(const OpenNode& node, int feature);
  SplitCandidate FindBestSplit(OpenNode& node, double parent_score, uint64_t random_seed);
  SplitCandidate FindBestSplitInLists(OpenNode& node, double parent_score, uint64_t random_seed);
  void TakeListSplit(int feature, const SortedRowLists::ListSplit& split,
                     SplitCandidate& best) const;
  SplitCandidate FindBestSplitOfTwo(const OpenNode& node, double parent_score);
  double GainOfLeft(const OpenNode& node, const RowStat& stat, double parent_score) const;
  std::span<const int32_t> LiveFeatures(const OpenNode& node) const;
  bool Beats(double gain, int feature, const SplitCandidate& best) const;
  void CenterThreshold(const FeatureHistogram& view, SplitCandidate& split) const;
  void FindInFeature(const OpenNode& node, int feature, const FeatureHistogram& view,
                     double parent_score, uint64_t random_seed, SplitCandidate& best) const;
  void PrepareSmallNode(OpenNode& node);
  void Evaluate(OpenNode& node, Rng& rng);
  void SplitNode(OpenNode& node, Tree& tree, Rng& rng);
  void AttachChildHistograms(OpenNode& parent, OpenNode& left, OpenNode& right);
  void FinishLeaf(const OpenNode& node, Tree& tree);
  int MonotoneDirection(int feature) const;
  void BoundChildren(const OpenNode& node, OpenNode& left, OpenNode& right) const;
  void NarrowInteractions(const OpenNode& node, OpenNode& left, OpenNode& right) const;
  /// The tree's features the node's interaction sets allow (all of them when unconstrained).
  std::span<const int32_t> AllowedFeatures(const OpenNode& node, std::vector<int32_t>& scratch);
  void Push(OpenNode node);
  OpenNode PopNext();
  int AcquireHistogram();
  void ReleaseHistogram(int& hist);
  void DrawNodeFeatures(Rng& rng);
  void SampleNodeFeatures(Rng& rng);
  void DrawUntilSplit(OpenNode& node, double parent_score, uint64_t random_seed, Rng& rng);
  bool UseParallel(int64_t n_rows, size_t n_features) const;

  const BinnedMatrix& bins_;
  SplitScorer scorer_;
  TreeGrowthParams params_;
  SplitScorer category_scorer_;
  SplitFinder finder_;
  bool subtract_ = true;
  int64_t sparse_rows_ = 0;  // nodes with fewer rows use sparse per-feature histograms

  RowPartition partition_;
  SortedRowLists lists_;
  bool use_lists_ = false;
  std::span<const RowStat> stats_;
  std::vector<int32_t> tree_features_;
  std::vector<int32_t> node_features_;  // the features drawn for the node being evaluated
  // Whether the node being evaluated may split on every live feature (no draw, no constraint).
  bool all_node_features_ = true;
  std::vector<std::vector<int32_t>> sets_of_feature_;  // interaction sets holding each feature
  std::vector<uint8_t> allowed_mask_;                  // scratch, one flag per feature
  std::vector<int32_t> allowed_scratch_;
  std::vector<int32_t> draw_order_;  // the tree's features, the first n_drawn_ drawn
  size_t n_drawn_ = 0;
  std::vector<SplitCandidate> candidates_;
  std::vector<int32_t> constant_features_;  // scratch: drawn features found constant on a node
  std::vector<int32_t> live_scratch_;
  mutable std::vector<double> gain_scratch_;
  std::vector<RowStat> ordered_;
  std::array<int16_t, 256> slot_of_{};  // bin -> sparse slot, -1 when unused
  std::vector<double> sparse_unsorted_;
  std::vector<double> sparse_values_;
  std::vector<int> sparse_bins_;
  std::vector<std::vector<double>> hist_pool_;
  std::vector<int> free_hists_;
  std::vector<OpenNode> open_;
  std::vector<std::pair<int64_t, int64_t>> leaf_ranges_;
  int32_t n_leaves_ = 0;
  uint64_t tie_seed_ = 0;  // ranks features for random_ties at the node being evaluated
  double min_gain_ = 0.0;  // the smallest gain a split needs in the tree being built
};

}  // namespace kolosal::models::tree
