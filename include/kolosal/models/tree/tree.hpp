#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "kolosal/models/tree/binned_matrix.hpp"
#include "kolosal/models/tree/split_finder.hpp"
#include "kolosal/models/tree/tree_node.hpp"

namespace kolosal::models::tree {

/// One decision tree as flat arrays: nodes (children always after their parent), leaf values
/// (leaf_width per leaf) and category bitsets. Made by TreeBuilder, then appended to a
/// TreeEnsemble for prediction and storage.
class Tree {
 public:
  explicit Tree(int leaf_width) : leaf_width_(leaf_width) { nodes_.emplace_back(); }

  int leaf_width() const { return leaf_width_; }
  int32_t n_nodes() const { return static_cast<int32_t>(nodes_.size()); }
  int32_t n_leaves() const { return static_cast<int32_t>(leaf_values_.size()) / leaf_width_; }
  const std::vector<TreeNode>& nodes() const { return nodes_; }
  const std::vector<float>& leaf_values() const { return leaf_values_; }
  const std::vector<uint32_t>& category_words() const { return category_words_; }
  /// Split gain of every node (0 for leaves), for feature importance.
  const std::vector<double>& gains() const { return gains_; }
  /// Training weight that reached every node (hessian sum for boosting, weighted row count for
  /// forests), for SHAP contributions.
  const std::vector<double>& covers() const { return covers_; }
  void set_cover(int32_t node_idx, double cover) { covers_[node_idx] = cover; }

  /// Turns leaf `node_idx` into a split and returns the index of its left child.
  int32_t Split(int32_t node_idx, const SplitCandidate& split, const BinMapper& mapper);
  /// Makes `node_idx` a leaf with `values` (leaf_width values); returns the leaf index.
  int32_t SetLeaf(int32_t node_idx, std::span<const float> values);
  std::span<float> mutable_leaf(int32_t leaf_idx) {
    return {leaf_values_.data() + static_cast<int64_t>(leaf_idx) * leaf_width_,
            static_cast<size_t>(leaf_width_)};
  }
  std::span<const float> leaf(int32_t leaf_idx) const {
    return {leaf_values_.data() + static_cast<int64_t>(leaf_idx) * leaf_width_,
            static_cast<size_t>(leaf_width_)};
  }

  /// The leaf index that a raw feature row lands in.
  int32_t LeafOf(const float* row) const;
  /// The leaf index that row `row_idx` of the training bins lands in.
  int32_t LeafOfBinned(const BinnedMatrix& bins, int64_t row_idx) const;

 private:
  int leaf_width_;
  std::vector<TreeNode> nodes_;
  std::vector<float> leaf_values_;
  std::vector<uint32_t> category_words_;
  std::vector<double> gains_ = {0.0};
  std::vector<double> covers_ = {0.0};
  std::vector<SplitCandidate> splits_ = {SplitCandidate{}};
};

}  // namespace kolosal::models::tree
