#pragma once

#include <cstdint>
#include <vector>

#include "kolosal/models/tree/tree_node.hpp"

namespace kolosal::models::tree {

/// One tree as TreeShap reads it. Node and leaf indices are those of the arrays given (absolute
/// in a TreeEnsemble); `covers` holds the training weight that reached every node.
struct ShapTree {
  const TreeNode* nodes = nullptr;
  const double* covers = nullptr;
  const float* leaf_values = nullptr;
  const uint32_t* category_words = nullptr;
  int leaf_width = 1;
  int32_t root = 0;
  int32_t depth = 0;
  /// The tree's expected output (leaf_width values, TreeShap::ExpectedValues), the bias.
  const double* expected_values = nullptr;
};

/// Path-dependent TreeSHAP (Lundberg, Erion and Lee, 2018, algorithm 2): the exact Shapley
/// values of one tree's output for one row, with features outside the coalition integrated out
/// along the training covers, in O(leaves * depth^2). A child's share of its parent is its
/// cover over the parent's (one half each when the parent has no cover), which also weights the
/// tree's expected value, so a row's values and that expected value sum to the tree's output.
/// Keeps scratch space: one per thread.
class TreeShap {
 public:
  /// For every output j < leaf_width: adds feature f's value to phi[j * stride + f] and the
  /// tree's expected value to phi[j * stride + stride - 1] (stride = n_features + 1).
  void Add(const ShapTree& tree, const float* row, double* phi, int64_t stride);
  /// The mean output over the training rows, weighted by cover: leaf_width values, one stack
  /// frame per level. `tree.expected_values` is not read.
  static std::vector<double> ExpectedValues(const ShapTree& tree);

 private:
  struct PathElement {
    int32_t feature = -1;
    double zero_fraction = 0.0;  // share of the coverage that reaches here without the feature
    double one_fraction = 0.0;   // 1 when the row itself goes this way, else 0
    double weight = 0.0;         // the permutation weight of paths of this length
  };

  void Recurse(int32_t node_idx, PathElement* parent_path, int unique_depth, double zero_fraction,
               double one_fraction, int32_t feature);
  double ChildFraction(int32_t node_idx, int32_t child_idx) const {
    return ChildFraction(tree_, node_idx, child_idx);
  }
  static double ChildFraction(const ShapTree& tree, int32_t node_idx, int32_t child_idx);
  static double ExpectedValue(const ShapTree& tree, int32_t node_idx, int output);

  std::vector<PathElement> path_;
  std::vector<double> inverse_;  // 1 / k at k >= 1
  ShapTree tree_;
  const float* row_ = nullptr;
  double* phi_ = nullptr;
  int64_t stride_ = 0;
};

}  // namespace kolosal::models::tree
