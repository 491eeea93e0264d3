#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "kolosal/core/random.hpp"
#include "kolosal/models/tree/binned_matrix.hpp"
#include "kolosal/models/tree/row_partition.hpp"
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
  double max_features = 1.0;   // fraction of the tree's features drawn at every node
  bool random_splits = false;  // one random threshold per feature (extra trees)
  double min_split_gain = 0.0;
  double cat_smooth = 10.0;   // added to the hessian when ordering categories (gradient only)
  double cat_l2 = 0.0;        // extra L2 penalty on categorical splits (gradient only)
  double cat_min_rows = 0.0;  // categories with fewer rows in a node never go left alone
  bool parallel = true;       // use oneTBB over features and row blocks inside one tree
  /// Split impure classification nodes even when the best gain is zero (as CART does), so
  /// that XOR-like patterns are found one level deeper.
  bool split_zero_gain = false;
};

/// Grows one tree on binned data with histograms: the smaller child's histogram is built and the
/// larger one's is the parent's minus it (unless features are drawn per node). Nodes with fewer
/// rows than a feature has bins use sparse histograms (sorted bins) instead, which keeps fully
/// grown forest trees cheap. One builder grows
/// one tree at a time; keep one per thread. Deterministic for a given Rng state whatever the
/// number of threads.
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
    int hist = -1;  // index into hist_pool_, or -1
    SplitCandidate best;
  };

  bool CanSplit(const OpenNode& node) const;
  bool AcceptGain(const OpenNode& node, double gain, double parent_score) const;
  std::pair<std::vector<double>, std::vector<double>> ChildTotals(const OpenNode& node,
                                                                  int64_t middle) const;
  OpenNode MakeChild(int32_t node_idx, int depth, int64_t begin, int64_t end,
                     std::vector<double> totals) const;
  std::vector<double> SumStats(int64_t begin, int64_t end) const;
  void GatherStats(const OpenNode& node);
  void BuildHistogram(const OpenNode& node, std::span<const int32_t> features, double* hist);
  FeatureHistogram BuildSparse(const OpenNode& node, int feature);
  std::vector<SplitCandidate> FindCandidates(const OpenNode& node,
                                             std::span<const int32_t> features, double parent_score,
                                             uint64_t random_seed);
  void Evaluate(OpenNode& node, Rng& rng);
  void SplitNode(OpenNode& node, Tree& tree, Rng& rng);
  void AttachChildHistograms(OpenNode& parent, OpenNode& left, OpenNode& right);
  void FinishLeaf(const OpenNode& node, Tree& tree);
  void Push(OpenNode node);
  OpenNode PopNext();
  int AcquireHistogram();
  void ReleaseHistogram(int& hist);
  std::vector<int32_t> DrawNodeFeatures(Rng& rng) const;
  bool UseParallel(int64_t n_rows, size_t n_features) const;

  const BinnedMatrix& bins_;
  SplitScorer scorer_;
  TreeGrowthParams params_;
  SplitScorer category_scorer_;
  SplitFinder finder_;
  bool subtract_ = true;
  int64_t sparse_rows_ = 0;  // nodes with fewer rows use sparse per-feature histograms

  RowPartition partition_;
  std::span<const RowStat> stats_;
  std::vector<int32_t> tree_features_;
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
};

}  // namespace kolosal::models::tree
