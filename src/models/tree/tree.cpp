#include "kolosal/models/tree/tree.hpp"

namespace kolosal::models::tree {

int32_t Tree::Split(int32_t node_idx, const SplitCandidate& split, const BinMapper& mapper) {
  const int32_t left = n_nodes();
  TreeNode& node = nodes_[node_idx];
  node.feature = split.feature;
  node.left = left;
  node.flags = split.default_left ? TreeNode::kDefaultLeft : 0u;
  if (split.categorical) {
    const auto first_word = static_cast<uint32_t>(category_words_.size());
    node.flags |= TreeNode::kCategorical | (first_word << TreeNode::kCategoryShift);
    // Codes the training data never had (below n_bins too) are missing to the binner, so they
    // follow missing values here. Codes it had that are not in the left set go right.
    BinSet left_bins = split.left_bins;
    for (int code = 0; split.default_left && code < 256; ++code) {
      if (!mapper.SeenCategory(split.feature, code)) AddBin(left_bins, code);
    }
    for (uint64_t word : left_bins) {
      category_words_.push_back(static_cast<uint32_t>(word));
      category_words_.push_back(static_cast<uint32_t>(word >> 32));
    }
  } else {
    node.threshold = mapper.UpperBound(split.feature, split.threshold_bin);
  }
  gains_[node_idx] = split.gain;
  splits_[node_idx] = split;
  nodes_.resize(nodes_.size() + 2);
  gains_.resize(nodes_.size(), 0.0);
  covers_.resize(nodes_.size(), 0.0);
  splits_.resize(nodes_.size());
  return left;
}

int32_t Tree::SetLeaf(int32_t node_idx, std::span<const float> values) {
  const int32_t leaf_idx = n_leaves();
  nodes_[node_idx].feature = -1;
  nodes_[node_idx].left = leaf_idx;
  leaf_values_.insert(leaf_values_.end(), values.begin(), values.end());
  return leaf_idx;
}

int32_t Tree::LeafOf(const float* row) const {
  int32_t node_idx = 0;
  while (!nodes_[node_idx].is_leaf()) {
    const TreeNode& node = nodes_[node_idx];
    node_idx = node.left + (node.GoesLeft(row[node.feature], category_words_.data()) ? 0 : 1);
  }
  return nodes_[node_idx].left;
}

int32_t Tree::LeafOfBinned(const BinnedMatrix& bins, int64_t row_idx) const {
  int32_t node_idx = 0;
  while (!nodes_[node_idx].is_leaf()) {
    const TreeNode& node = nodes_[node_idx];
    const int feature = node.feature;
    const bool left =
        splits_[node_idx].GoesLeft(bins.bin(row_idx, feature), bins.mapper().missing_bin(feature));
    node_idx = node.left + (left ? 0 : 1);
  }
  return nodes_[node_idx].left;
}

}  // namespace kolosal::models::tree
