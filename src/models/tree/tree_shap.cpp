#include "kolosal/models/tree/tree_shap.hpp"

#include <algorithm>

namespace kolosal::models::tree {
namespace {

// The path bookkeeping of TreeSHAP: `weight` of element i is the share of orderings in which
// exactly i of the path's features precede the one being explained. `inverse[k]` is 1 / k, so
// no division sits on the loops' dependency chains (UnwoundPathSum is where the time goes).
template <typename Element>
void ExtendPath(Element* path, int unique_depth, double zero_fraction, double one_fraction,
                int32_t feature, const double* inverse) {
  path[unique_depth] = {feature, zero_fraction, one_fraction, unique_depth == 0 ? 1.0 : 0.0};
  const double one_step = one_fraction * inverse[unique_depth + 1];
  const double zero_step = zero_fraction * inverse[unique_depth + 1];
  for (int i = unique_depth - 1; i >= 0; --i) {
    path[i + 1].weight += path[i].weight * (one_step * (i + 1));
    path[i].weight *= zero_step * (unique_depth - i);
  }
}

// Undoes ExtendPath for element `path_index` (a feature met again deeper in the tree).
template <typename Element>
void UnwindPath(Element* path, int unique_depth, int path_index, const double* inverse) {
  const double one = path[path_index].one_fraction;
  const double zero = path[path_index].zero_fraction;
  const double length = unique_depth + 1.0;
  if (one != 0.0) {
    const double scale = length / one;
    const double zero_step = zero * inverse[unique_depth + 1];
    double next = path[unique_depth].weight;
    for (int i = unique_depth - 1; i >= 0; --i) {
      const double previous = path[i].weight;
      path[i].weight = next * (scale * inverse[i + 1]);
      next = previous - path[i].weight * (zero_step * (unique_depth - i));
    }
  } else {
    const double scale = length / zero;
    for (int i = unique_depth - 1; i >= 0; --i) {
      path[i].weight *= scale * inverse[unique_depth - i];
    }
  }
  for (int i = path_index; i < unique_depth; ++i) {
    path[i].feature = path[i + 1].feature;
    path[i].zero_fraction = path[i + 1].zero_fraction;
    path[i].one_fraction = path[i + 1].one_fraction;
  }
}

// The total weight the path would have without element `path_index`.
template <typename Element>
double UnwoundPathSum(const Element* path, int unique_depth, int path_index,
                      const double* inverse) {
  const double one = path[path_index].one_fraction;
  const double zero = path[path_index].zero_fraction;
  const double length = unique_depth + 1.0;
  double total = 0.0;
  if (one != 0.0) {
    const double scale = length / one;
    const double zero_step = zero * inverse[unique_depth + 1];
    double next = path[unique_depth].weight;
    for (int i = unique_depth - 1; i >= 0; --i) {
      const double share = next * (scale * inverse[i + 1]);
      total += share;
      next = path[i].weight - share * (zero_step * (unique_depth - i));
    }
  } else {
    const double scale = length / zero;
    for (int i = unique_depth - 1; i >= 0; --i) {
      total += path[i].weight * (scale * inverse[unique_depth - i]);
    }
  }
  return total;
}

}  // namespace

void TreeShap::Add(const ShapTree& tree, const float* row, double* phi, int64_t stride) {
  tree_ = tree;
  row_ = row;
  phi_ = phi;
  stride_ = stride;
  // Every level copies its parent's path next to it: (depth + 2)(depth + 3) / 2 elements.
  const auto levels = static_cast<size_t>(tree.depth) + 2;
  if (path_.size() < levels * (levels + 1) / 2) path_.resize(levels * (levels + 1) / 2);
  while (inverse_.size() <= levels) {
    inverse_.push_back(inverse_.empty() ? 0.0 : 1.0 / static_cast<double>(inverse_.size()));
  }
  for (int output = 0; output < tree.leaf_width; ++output) {
    phi[output * stride + stride - 1] += tree.expected_values[output];
  }
  if (!tree.nodes[tree.root].is_leaf()) Recurse(tree.root, path_.data(), 0, 1.0, 1.0, -1);
}

double TreeShap::ChildFraction(const ShapTree& tree, int32_t node_idx, int32_t child_idx) {
  const double cover = tree.covers[node_idx];
  return cover > 0.0 ? tree.covers[child_idx] / cover : 0.5;
}

std::vector<double> TreeShap::ExpectedValues(const ShapTree& tree) {
  std::vector<double> values(static_cast<size_t>(tree.leaf_width));
  for (int output = 0; output < tree.leaf_width; ++output) {
    values[output] = ExpectedValue(tree, tree.root, output);
  }
  return values;
}

double TreeShap::ExpectedValue(const ShapTree& tree, int32_t node_idx, int output) {
  const TreeNode& node = tree.nodes[node_idx];
  if (node.is_leaf()) {
    return tree.leaf_values[static_cast<int64_t>(node.left) * tree.leaf_width + output];
  }
  return ChildFraction(tree, node_idx, node.left) * ExpectedValue(tree, node.left, output) +
         ChildFraction(tree, node_idx, node.left + 1) * ExpectedValue(tree, node.left + 1, output);
}

void TreeShap::Recurse(int32_t node_idx, PathElement* parent_path, int unique_depth,
                       double zero_fraction, double one_fraction, int32_t feature) {
  PathElement* path = parent_path + unique_depth + 1;
  std::copy(parent_path, parent_path + unique_depth + 1, path);
  ExtendPath(path, unique_depth, zero_fraction, one_fraction, feature, inverse_.data());
  const TreeNode& node = tree_.nodes[node_idx];
  if (node.is_leaf()) {
    const float* values = tree_.leaf_values + static_cast<int64_t>(node.left) * tree_.leaf_width;
    for (int i = 1; i <= unique_depth; ++i) {
      const PathElement& element = path[i];
      const double scale = UnwoundPathSum(path, unique_depth, i, inverse_.data()) *
                           (element.one_fraction - element.zero_fraction);
      for (int output = 0; output < tree_.leaf_width; ++output) {
        phi_[output * stride_ + element.feature] += scale * values[output];
      }
    }
    return;
  }
  const bool goes_left = node.GoesLeft(row_[node.feature], tree_.category_words);
  const int32_t hot = node.left + (goes_left ? 0 : 1);
  const int32_t cold = node.left + (goes_left ? 1 : 0);
  // A feature split on again: take its earlier element out and carry its fractions on.
  double incoming_zero = 1.0;
  double incoming_one = 1.0;
  int path_index = 1;
  while (path_index <= unique_depth && path[path_index].feature != node.feature) ++path_index;
  if (path_index <= unique_depth) {
    incoming_zero = path[path_index].zero_fraction;
    incoming_one = path[path_index].one_fraction;
    UnwindPath(path, unique_depth, path_index, inverse_.data());
    --unique_depth;
  }
  // A subtree that neither the row nor any training weight reaches adds nothing.
  const double hot_zero = ChildFraction(node_idx, hot) * incoming_zero;
  if (hot_zero > 0.0 || incoming_one > 0.0) {
    Recurse(hot, path, unique_depth + 1, hot_zero, incoming_one, node.feature);
  }
  const double cold_zero = ChildFraction(node_idx, cold) * incoming_zero;
  if (cold_zero > 0.0) Recurse(cold, path, unique_depth + 1, cold_zero, 0.0, node.feature);
}

}  // namespace kolosal::models::tree
