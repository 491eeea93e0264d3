#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "kolosal/data/matrix_view.hpp"
#include "kolosal/io/msgpack_io.hpp"
#include "kolosal/models/model.hpp"
#include "kolosal/models/tree/complete_trees.hpp"
#include "kolosal/models/tree/tree.hpp"
#include "kolosal/models/tree/tree_node.hpp"
#include "kolosal/models/tree/tree_shap.hpp"

namespace kolosal::models::tree {

/// Every tree of a model in one set of flat arrays, for fast batch prediction and for the model
/// file. Each tree adds its leaf values (leaf_width of them) into the outputs starting at its
/// output offset. Const methods are thread-safe.
class TreeEnsemble {
 public:
  /// Rows that walk one tree together during batch prediction.
  static constexpr int kLanes = 8;

  TreeEnsemble() = default;
  TreeEnsemble(int64_t n_features, int leaf_width)
      : n_features_(n_features), leaf_width_(leaf_width) {}

  int64_t n_features() const { return n_features_; }
  int leaf_width() const { return leaf_width_; }
  int64_t n_trees() const { return static_cast<int64_t>(roots_.size()); }
  int64_t n_nodes() const { return static_cast<int64_t>(nodes_.size()); }
  /// Outputs per row that the trees add into: the largest output offset plus leaf_width (0
  /// without trees).
  int64_t output_width() const;

  /// The flat arrays, for code generators (jit::CompiledTrees): every tree's nodes with global
  /// child and leaf indices, leaf values (leaf_width per leaf), category bitset words, each
  /// tree's root node and output offset.
  const std::vector<TreeNode>& nodes() const { return nodes_; }
  const std::vector<float>& leaf_values() const { return leaf_values_; }
  const std::vector<uint32_t>& category_words() const { return category_words_; }
  const std::vector<int32_t>& roots() const { return roots_; }
  const std::vector<int32_t>& output_offsets() const { return output_offsets_; }

  /// Appends `tree`, whose leaves add into outputs [output_offset, output_offset + leaf_width).
  void Append(const Tree& tree, int output_offset);
  /// Keeps the first `n_trees` trees.
  void Truncate(int64_t n_trees);

  /// For every row r of `x`: out[r * stride + offset + tree_output + j] += leaf value j.
  /// Runs over chunks of trees that fit in cache and blocks of rows, in parallel over row ranges
  /// (oneTBB, in the caller's arena) for large inputs; shallow trees walk as complete trees
  /// (CompleteTrees). The order of additions per row is fixed (tree order), so results do not
  /// depend on threads, batch size or SIMD.
  void Accumulate(data::MatrixView x, float* out, int64_t stride, int64_t offset) const;
  /// The same for trees [first_tree, last_tree) and one row.
  void AccumulateRow(const float* row, float* out, int64_t first_tree, int64_t last_tree) const;

  /// Gain or split count per feature; empty for kCoefficient.
  std::vector<double> Importance(ImportanceType type) const;

  /// Whether every node has its training cover, which SHAP contributions need (model files
  /// written before covers were saved have none).
  bool has_covers() const { return covers_.size() == nodes_.size(); }
  /// Adds every tree's SHAP values (TreeShap) for every row r of `x`: into
  /// out[((r * n_outputs + offset + tree_output + j) * (n_features + 1)) + f], the bias at
  /// f = n_features. Parallel over rows; each row's sums run in tree order, whatever the threads.
  void AddContributions(data::MatrixView x, double* out, int n_outputs, int offset) const;

  void Save(io::Packer& packer) const;
  /// Throws Error(kCorruptModel) unless every index (children, features, leaves, category
  /// words, outputs below `n_outputs`) is in range and every child comes after its parent.
  static TreeEnsemble Load(const msgpack::object& state, int64_t n_features, int n_outputs);

 private:
  void Validate(int n_outputs) const;
  void ValidateTree(int64_t tree_idx) const;
  void AccumulateBlock(data::MatrixView x, int64_t row_begin, int64_t row_end, int64_t tree_begin,
                       int64_t tree_end, float* out, int64_t stride, int64_t offset) const;
  void FindLeaves(int64_t tree_idx, const float* const* rows, int32_t* leaves) const;
  void AccumulateTreeMajor(data::MatrixView x, float* out, int64_t stride, int64_t offset) const;
  void AccumulateRange(data::MatrixView x, int64_t row_begin, int64_t row_end, float* out,
                       int64_t stride, int64_t offset) const;

  int64_t n_features_ = 0;
  int leaf_width_ = 1;
  std::vector<TreeNode> nodes_;
  std::vector<float> leaf_values_;
  std::vector<uint32_t> category_words_;
  std::vector<double> gains_;
  std::vector<double> covers_;
  std::vector<int32_t> roots_;
  std::vector<int32_t> output_offsets_;
  std::vector<int32_t> depths_;             // per tree, derived (not saved)
  std::vector<uint8_t> categorical_trees_;  // per tree: has a categorical split (derived)
  CompleteTrees complete_;                  // shallow trees' prediction layout (derived)
};

}  // namespace kolosal::models::tree
