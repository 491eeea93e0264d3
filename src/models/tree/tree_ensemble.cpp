#include "kolosal/models/tree/tree_ensemble.hpp"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace kolosal::models::tree {
namespace {

constexpr int64_t kBlockRows = 64;
constexpr int kLanes = TreeEnsemble::kLanes;
constexpr int64_t kTreeMajorLeaves = 1 << 22;  // leaf indices buffered per slab
constexpr size_t kChunkBytes = size_t{192} * 1024;
// Fewer rows than this walk the trees one row at a time: setting up a block of rows costs more
// than it saves (bench/jit: one spam row 5.3 us walked, 26.5 us as a block; even at 4 rows).
constexpr int64_t kWalkRows = 4;

template <typename T>
std::vector<T> Column(const std::vector<TreeNode>& nodes, T TreeNode::*member) {
  std::vector<T> values(nodes.size());
  for (size_t idx = 0; idx < nodes.size(); ++idx) values[idx] = nodes[idx].*member;
  return values;
}

bool HasCategoricalSplit(const std::vector<TreeNode>& nodes, int64_t begin, int64_t end) {
  for (int64_t idx = begin; idx < end; ++idx) {
    if ((nodes[idx].flags & TreeNode::kCategorical) != 0) return true;
  }
  return false;
}

// Children come after their parent, so one forward pass finds every node's depth.
int32_t MaxDepth(const std::vector<TreeNode>& nodes, int64_t begin, int64_t end) {
  std::vector<int32_t> depth(static_cast<size_t>(end - begin), 0);
  int32_t max_depth = 0;
  for (int64_t idx = begin; idx < end; ++idx) {
    const TreeNode& node = nodes[idx];
    const int32_t node_depth = depth[idx - begin];
    max_depth = std::max(max_depth, node_depth);
    if (node.is_leaf()) continue;
    depth[node.left - begin] = node_depth + 1;
    depth[node.left - begin + 1] = node_depth + 1;
  }
  return max_depth;
}

// kCategorical = false: the tree has numeric splits only, so routing is branch-free.
template <bool kCategorical>
void FindLeavesIn(const TreeNode* nodes, const uint32_t* words, int32_t root, int32_t depth,
                  const float* const* rows, int32_t* leaves) {
  int32_t idx[kLanes];
  std::fill_n(idx, kLanes, root);
  for (int32_t level = 0; level < depth; ++level) {
    bool active = false;
    for (int lane = 0; lane < kLanes; ++lane) {
      const TreeNode& node = nodes[idx[lane]];
      const bool leaf = node.is_leaf();
      const float value = rows[lane][leaf ? 0 : node.feature];
      bool left = false;
      if constexpr (kCategorical) {
        left = node.GoesLeft(value, words);
      } else {
        left = (value <= node.threshold) |
               ((value != value) & ((node.flags & TreeNode::kDefaultLeft) != 0));
      }
      const int32_t next = node.left + (left ? 0 : 1);
      idx[lane] = leaf ? idx[lane] : next;
      active |= !leaf;
    }
    if (!active) break;
  }
  for (int lane = 0; lane < kLanes; ++lane) leaves[lane] = nodes[idx[lane]].left;
}

inline int32_t FindLeaf(const TreeNode* nodes, const uint32_t* words, int32_t node_idx,
                        const float* row) {
  while (!nodes[node_idx].is_leaf()) {
    const TreeNode& node = nodes[node_idx];
    node_idx = node.left + (node.GoesLeft(row[node.feature], words) ? 0 : 1);
  }
  return nodes[node_idx].left;
}

}  // namespace

void TreeEnsemble::Append(const Tree& tree, int output_offset) {
  const auto node_base = static_cast<int32_t>(nodes_.size());
  const auto leaf_base = static_cast<int32_t>(leaf_values_.size() / leaf_width_);
  const auto word_base = static_cast<uint32_t>(category_words_.size());
  roots_.push_back(node_base);
  output_offsets_.push_back(output_offset);
  for (TreeNode node : tree.nodes()) {
    if (node.is_leaf()) {
      node.left += leaf_base;
    } else {
      node.left += node_base;
      if ((node.flags & TreeNode::kCategorical) != 0) {
        node.flags += word_base << TreeNode::kCategoryShift;
      }
    }
    nodes_.push_back(node);
  }
  depths_.push_back(MaxDepth(tree.nodes(), 0, tree.n_nodes()));
  categorical_trees_.push_back(HasCategoricalSplit(tree.nodes(), 0, tree.n_nodes()) ? 1 : 0);
  leaf_values_.insert(leaf_values_.end(), tree.leaf_values().begin(), tree.leaf_values().end());
  category_words_.insert(category_words_.end(), tree.category_words().begin(),
                         tree.category_words().end());
  gains_.insert(gains_.end(), tree.gains().begin(), tree.gains().end());
  covers_.insert(covers_.end(), tree.covers().begin(), tree.covers().end());
  complete_.Add(nodes_, category_words_, node_base, depths_.back(), n_features_);
}

void TreeEnsemble::Truncate(int64_t n_trees) {
  if (n_trees >= this->n_trees()) return;
  const int32_t node_end = roots_[n_trees];
  int32_t leaf_end = 0;
  uint32_t word_end = 0;
  for (int32_t idx = 0; idx < node_end; ++idx) {
    const TreeNode& node = nodes_[idx];
    if (node.is_leaf()) leaf_end = std::max(leaf_end, node.left + 1);
    if (!node.is_leaf() && (node.flags & TreeNode::kCategorical) != 0) {
      word_end = std::max<uint32_t>(word_end, node.category_word() + kCategoryWords);
    }
  }
  nodes_.resize(static_cast<size_t>(node_end));
  gains_.resize(static_cast<size_t>(node_end));
  if (!covers_.empty()) covers_.resize(static_cast<size_t>(node_end));
  leaf_values_.resize(static_cast<size_t>(leaf_end) * leaf_width_);
  category_words_.resize(word_end);
  roots_.resize(static_cast<size_t>(n_trees));
  output_offsets_.resize(static_cast<size_t>(n_trees));
  depths_.resize(static_cast<size_t>(n_trees));
  categorical_trees_.resize(static_cast<size_t>(n_trees));
  complete_.Truncate(n_trees);
}

// Walks kLanes rows down one tree in lockstep, so that their independent node loads overlap
// instead of waiting on each other. A lane that reached its leaf stays there.
void TreeEnsemble::FindLeaves(int64_t tree_idx, const float* const* rows, int32_t* leaves) const {
  if (categorical_trees_[tree_idx] != 0) {
    FindLeavesIn<true>(nodes_.data(), category_words_.data(), roots_[tree_idx], depths_[tree_idx],
                       rows, leaves);
    return;
  }
  FindLeavesIn<false>(nodes_.data(), category_words_.data(), roots_[tree_idx], depths_[tree_idx],
                      rows, leaves);
}

// A block's outputs go through an output-major copy, so that one tree's additions to one output
// are contiguous (vector adds). They are copied in from `out` and back, so every output receives
// the same additions in the same order as a row-by-row walk would give it.
void TreeEnsemble::AccumulateBlock(data::MatrixView x, int64_t row_begin, int64_t row_end,
                                   int64_t tree_begin, int64_t tree_end, float* out, int64_t stride,
                                   int64_t offset) const {
  const float* leaves = leaf_values_.data();
  const int width = leaf_width_;
  const auto n_rows = static_cast<int>(row_end - row_begin);
  thread_local std::vector<float> acc_buffer;
  acc_buffer.assign(static_cast<size_t>(stride * kBlockRows), 0.0f);
  float* acc = acc_buffer.data();
  for (int row = 0; row < n_rows; ++row) {
    for (int64_t output = 0; output < stride; ++output) {
      acc[output * kBlockRows + row] = out[(row_begin + row) * stride + output];
    }
  }
  const CompleteTrees::RowBlock block(x.row(row_begin), x.cols, n_rows);
  // Row pointers for trees without a complete layout, padded to whole lane groups.
  const float* rows[kBlockRows + kLanes];
  for (int idx = 0; idx < n_rows + kLanes; ++idx) {
    rows[idx] = x.row(row_begin + std::min(idx, n_rows - 1));
  }
  for (int64_t tree_idx = tree_begin; tree_idx < tree_end; ++tree_idx) {
    float* tree_acc = acc + (offset + output_offsets_[tree_idx]) * kBlockRows;
    if (depths_[tree_idx] == 0) {
      // A single leaf (common late in boosting): the same values for every row.
      const float* values = leaves + static_cast<int64_t>(nodes_[roots_[tree_idx]].left) * width;
      for (int j = 0; j < width; ++j) {
        for (int row = 0; row < n_rows; ++row) tree_acc[j * kBlockRows + row] += values[j];
      }
      continue;
    }
    const bool complete = complete_.has(tree_idx);
    if (complete && width == 1) {
      complete_.AddLeafValues(tree_idx, block, category_words_.data(), leaves, tree_acc);
      continue;
    }
    int32_t leaf_idx[kBlockRows + kLanes];
    if (complete) {
      complete_.FindLeaves(tree_idx, block, category_words_.data(), leaf_idx);
    } else {
      for (int group = 0; group < n_rows; group += kLanes) {
        FindLeaves(tree_idx, rows + group, leaf_idx + group);
      }
    }
    for (int row = 0; row < n_rows; ++row) {
      const float* values = leaves + static_cast<int64_t>(leaf_idx[row]) * width;
      for (int j = 0; j < width; ++j) tree_acc[j * kBlockRows + row] += values[j];
    }
  }
  for (int row = 0; row < n_rows; ++row) {
    for (int64_t output = 0; output < stride; ++output) {
      out[(row_begin + row) * stride + output] = acc[output * kBlockRows + row];
    }
  }
}

// Trees go in chunks small enough to stay in cache while every block of the row range passes
// through them; a block's rows and outputs stay in L1 meanwhile.
void TreeEnsemble::AccumulateRange(data::MatrixView x, int64_t row_begin, int64_t row_end,
                                   float* out, int64_t stride, int64_t offset) const {
  int64_t tree_begin = 0;
  while (tree_begin < n_trees()) {
    int64_t tree_end = tree_begin + 1;
    while (tree_end < n_trees() &&
           (roots_[tree_end] - roots_[tree_begin]) * sizeof(TreeNode) < kChunkBytes) {
      ++tree_end;
    }
    for (int64_t block = row_begin; block < row_end; block += kBlockRows) {
      AccumulateBlock(x, block, std::min(row_end, block + kBlockRows), tree_begin, tree_end, out,
                      stride, offset);
    }
    tree_begin = tree_end;
  }
}

// Trees much larger than a cache chunk (fully grown forests): one task per tree walks every
// row of a slab, keeping that tree's nodes in cache, and stores leaf indices; the rows then add
// their leaves in tree order, so the result is the same as row-major.
void TreeEnsemble::AccumulateTreeMajor(data::MatrixView x, float* out, int64_t stride,
                                       int64_t offset) const {
  const int64_t slab_rows = std::max<int64_t>(kBlockRows, kTreeMajorLeaves / n_trees());
  std::vector<int32_t> leaf_of(static_cast<size_t>(std::min(x.rows, slab_rows) * n_trees()));
  for (int64_t slab = 0; slab < x.rows; slab += slab_rows) {
    const int64_t n_rows = std::min(slab_rows, x.rows - slab);
    tbb::parallel_for(int64_t{0}, n_trees(), [&](int64_t tree_idx) {
      int32_t* leaves = leaf_of.data() + tree_idx * n_rows;
      const float* rows[kLanes];
      for (int64_t group = 0; group < n_rows; group += kLanes) {
        for (int lane = 0; lane < kLanes; ++lane) {
          rows[lane] = x.row(slab + std::min<int64_t>(group + lane, n_rows - 1));
        }
        int32_t lane_leaves[kLanes];
        FindLeaves(tree_idx, rows, lane_leaves);
        const int64_t n_lanes = std::min<int64_t>(kLanes, n_rows - group);
        std::copy_n(lane_leaves, n_lanes, leaves + group);
      }
    });
    tbb::parallel_for(int64_t{0}, n_rows, [&](int64_t row) {
      float* row_out = out + (slab + row) * stride + offset;
      for (int64_t tree_idx = 0; tree_idx < n_trees(); ++tree_idx) {
        const float* values = leaf_values_.data() +
                              static_cast<int64_t>(leaf_of[tree_idx * n_rows + row]) * leaf_width_;
        float* tree_out = row_out + output_offsets_[tree_idx];
        for (int j = 0; j < leaf_width_; ++j) tree_out[j] += values[j];
      }
    });
  }
}

void TreeEnsemble::Accumulate(data::MatrixView x, float* out, int64_t stride,
                              int64_t offset) const {
  const bool big_trees =
      n_trees() > 0 && n_nodes() / n_trees() * static_cast<int64_t>(sizeof(TreeNode)) >
                           static_cast<int64_t>(kChunkBytes);
  if (x.rows < kWalkRows) {
    for (int64_t row = 0; row < x.rows; ++row) {
      AccumulateRow(x.row(row), out + row * stride + offset, 0, n_trees());
    }
    return;
  }
  if (big_trees && x.rows >= 4 * kBlockRows) {
    AccumulateTreeMajor(x, out, stride, offset);
    return;
  }
  if (x.rows <= kBlockRows) {
    AccumulateRange(x, 0, x.rows, out, stride, offset);
    return;
  }
  // Two ranges per thread: large enough to reuse each tree chunk, enough to balance load.
  const int64_t n_ranges = 2 * static_cast<int64_t>(tbb::this_task_arena::max_concurrency());
  const int64_t range_rows = std::max(
      kBlockRows, ((x.rows + n_ranges - 1) / n_ranges + kBlockRows - 1) / kBlockRows * kBlockRows);
  const int64_t n_tasks = (x.rows + range_rows - 1) / range_rows;
  tbb::parallel_for(int64_t{0}, n_tasks, [&](int64_t task) {
    const int64_t begin = task * range_rows;
    AccumulateRange(x, begin, std::min(x.rows, begin + range_rows), out, stride, offset);
  });
}

int64_t TreeEnsemble::output_width() const {
  if (output_offsets_.empty()) return 0;
  return *std::max_element(output_offsets_.begin(), output_offsets_.end()) + leaf_width_;
}

void TreeEnsemble::AccumulateRow(const float* row, float* out, int64_t first_tree,
                                 int64_t last_tree) const {
  for (int64_t tree_idx = first_tree; tree_idx < last_tree; ++tree_idx) {
    const int32_t leaf = FindLeaf(nodes_.data(), category_words_.data(), roots_[tree_idx], row);
    const float* values = leaf_values_.data() + static_cast<int64_t>(leaf) * leaf_width_;
    float* row_out = out + output_offsets_[tree_idx];
    for (int j = 0; j < leaf_width_; ++j) row_out[j] += values[j];
  }
}

std::vector<double> TreeEnsemble::Importance(ImportanceType type) const {
  if (type == ImportanceType::kCoefficient) return {};
  const bool by_gain = type == ImportanceType::kGain;
  std::vector<double> importance(static_cast<size_t>(n_features_), 0.0);
  for (size_t idx = 0; idx < nodes_.size(); ++idx) {
    if (nodes_[idx].is_leaf()) continue;
    importance[nodes_[idx].feature] += by_gain ? gains_[idx] : 1.0;
  }
  return importance;
}

void TreeEnsemble::AddContributions(data::MatrixView x, double* out, int n_outputs,
                                    int offset) const {
  const int64_t stride = n_features_ + 1;
  std::vector<ShapTree> trees(static_cast<size_t>(n_trees()));
  std::vector<double> expected(static_cast<size_t>(n_trees() * leaf_width_));
  for (int64_t tree_idx = 0; tree_idx < n_trees(); ++tree_idx) {
    ShapTree& tree = trees[tree_idx];
    tree = {nodes_.data(), covers_.data(),   leaf_values_.data(), category_words_.data(),
            leaf_width_,   roots_[tree_idx], depths_[tree_idx],   nullptr};
    const std::vector<double> values = TreeShap::ExpectedValues(tree);
    std::copy(values.begin(), values.end(), expected.begin() + tree_idx * leaf_width_);
    tree.expected_values = expected.data() + tree_idx * leaf_width_;
  }
  tbb::parallel_for(tbb::blocked_range<int64_t>(0, x.rows, 1),
                    [&](const tbb::blocked_range<int64_t>& range) {
                      TreeShap shap;
                      for (int64_t row_idx = range.begin(); row_idx < range.end(); ++row_idx) {
                        double* row_out = out + (row_idx * n_outputs + offset) * stride;
                        for (int64_t tree_idx = 0; tree_idx < n_trees(); ++tree_idx) {
                          shap.Add(trees[tree_idx], x.row(row_idx),
                                   row_out + output_offsets_[tree_idx] * stride, stride);
                        }
                      }
                    });
}

void TreeEnsemble::Save(io::Packer& packer) const {
  packer.pack_map(11);
  io::PackKey(packer, "leaf_width");
  packer.pack(leaf_width_);
  io::PackKey(packer, "feature");
  io::PackInt32s(packer, Column(nodes_, &TreeNode::feature));
  io::PackKey(packer, "threshold");
  io::PackFloats(packer, Column(nodes_, &TreeNode::threshold));
  io::PackKey(packer, "left");
  io::PackInt32s(packer, Column(nodes_, &TreeNode::left));
  io::PackKey(packer, "flags");
  std::vector<int32_t> flags(nodes_.size());
  for (size_t idx = 0; idx < nodes_.size(); ++idx)
    flags[idx] = static_cast<int32_t>(nodes_[idx].flags);
  io::PackInt32s(packer, flags);
  io::PackKey(packer, "gain");
  io::PackDoubles(packer, gains_);
  io::PackKey(packer, "cover");
  io::PackDoubles(packer, covers_);
  io::PackKey(packer, "leaf_values");
  io::PackFloats(packer, leaf_values_);
  io::PackKey(packer, "category_words");
  std::vector<int32_t> words(category_words_.begin(), category_words_.end());
  io::PackInt32s(packer, words);
  io::PackKey(packer, "roots");
  io::PackInt32s(packer, roots_);
  io::PackKey(packer, "output_offsets");
  io::PackInt32s(packer, output_offsets_);
}

TreeEnsemble TreeEnsemble::Load(const msgpack::object& state, int64_t n_features, int n_outputs) {
  TreeEnsemble ensemble(n_features, io::ReadField<int>(state, "leaf_width"));
  const std::vector<int32_t> features = io::ReadInt32s(io::Field(state, "feature"), "feature");
  const std::vector<float> thresholds = io::ReadFloats(io::Field(state, "threshold"), "threshold");
  const std::vector<int32_t> lefts = io::ReadInt32s(io::Field(state, "left"), "left");
  const std::vector<int32_t> flags = io::ReadInt32s(io::Field(state, "flags"), "flags");
  ensemble.gains_ = io::ReadDoubles(io::Field(state, "gain"), "gain");
  if (const msgpack::object* covers = io::FindField(state, "cover")) {
    ensemble.covers_ = io::ReadDoubles(*covers, "cover");
  }
  ensemble.leaf_values_ = io::ReadFloats(io::Field(state, "leaf_values"), "leaf_values");
  const std::vector<int32_t> words =
      io::ReadInt32s(io::Field(state, "category_words"), "category_words");
  ensemble.category_words_.assign(words.begin(), words.end());
  ensemble.roots_ = io::ReadInt32s(io::Field(state, "roots"), "roots");
  ensemble.output_offsets_ = io::ReadInt32s(io::Field(state, "output_offsets"), "output_offsets");
  const size_t n_nodes = features.size();
  if (thresholds.size() != n_nodes || lefts.size() != n_nodes || flags.size() != n_nodes ||
      ensemble.gains_.size() != n_nodes ||
      (!ensemble.covers_.empty() && ensemble.covers_.size() != n_nodes)) {
    io::ThrowCorrupt("tree node arrays differ in length");
  }
  for (const double cover : ensemble.covers_) {
    if (!(cover >= 0.0 && cover <= std::numeric_limits<double>::max())) {
      io::ThrowCorrupt("tree ensemble: node cover out of range");
    }
  }
  ensemble.nodes_.resize(n_nodes);
  for (size_t idx = 0; idx < n_nodes; ++idx) {
    ensemble.nodes_[idx] = {features[idx], thresholds[idx], lefts[idx],
                            static_cast<uint32_t>(flags[idx])};
  }
  ensemble.Validate(n_outputs);
  for (int64_t tree_idx = 0; tree_idx < ensemble.n_trees(); ++tree_idx) {
    const int64_t begin = ensemble.roots_[tree_idx];
    const int64_t end =
        tree_idx + 1 < ensemble.n_trees() ? ensemble.roots_[tree_idx + 1] : ensemble.n_nodes();
    // Absolute child indices: shift them into the tree's own range for MaxDepth.
    std::vector<TreeNode> local(ensemble.nodes_.begin() + begin, ensemble.nodes_.begin() + end);
    for (TreeNode& node : local) node.left -= node.is_leaf() ? 0 : static_cast<int32_t>(begin);
    ensemble.depths_.push_back(MaxDepth(local, 0, end - begin));
    ensemble.categorical_trees_.push_back(HasCategoricalSplit(local, 0, end - begin) ? 1 : 0);
    ensemble.complete_.Add(ensemble.nodes_, ensemble.category_words_, static_cast<int32_t>(begin),
                           ensemble.depths_.back(), n_features);
  }
  return ensemble;
}

void TreeEnsemble::Validate(int n_outputs) const {
  if (leaf_width_ < 1 || leaf_width_ > n_outputs || n_features_ < 0) {
    io::ThrowCorrupt("tree ensemble: bad leaf width");
  }
  if (leaf_values_.size() % static_cast<size_t>(leaf_width_) != 0) {
    io::ThrowCorrupt("tree ensemble: leaf values do not fill whole leaves");
  }
  // Training only makes finite leaves; NaNs of different payloads would also make the sums
  // depend on the order of operands, which the walks do not fix.
  if (!std::all_of(leaf_values_.begin(), leaf_values_.end(),
                   [](float value) { return std::isfinite(value); })) {
    io::ThrowCorrupt("tree ensemble: a leaf value is not finite");
  }
  if (roots_.size() != output_offsets_.size()) io::ThrowCorrupt("tree ensemble: tree counts");
  for (size_t tree_idx = 0; tree_idx < roots_.size(); ++tree_idx) {
    const int32_t begin = roots_[tree_idx];
    const int64_t end = tree_idx + 1 < roots_.size() ? roots_[tree_idx + 1] : n_nodes();
    if (begin < 0 || begin >= end || end > n_nodes()) io::ThrowCorrupt("tree ensemble: roots");
    const int64_t output = output_offsets_[tree_idx];
    if (output < 0 || output + leaf_width_ > n_outputs) {
      io::ThrowCorrupt("tree ensemble: output offset out of range");
    }
    ValidateTree(static_cast<int64_t>(tree_idx));
  }
  if (!roots_.empty() && roots_.front() != 0) io::ThrowCorrupt("tree ensemble: first root");
  if (roots_.empty() && !nodes_.empty()) io::ThrowCorrupt("tree ensemble: nodes without trees");
}

// Children strictly after their parent and inside the tree, so traversal always ends at a leaf,
// and every node but the root the child of exactly one node, so the nodes form one tree (the
// batch walk's layout depends on it).
void TreeEnsemble::ValidateTree(int64_t tree_idx) const {
  const int64_t begin = roots_[tree_idx];
  const int64_t end =
      tree_idx + 1 < n_trees() ? roots_[tree_idx + 1] : static_cast<int64_t>(nodes_.size());
  const int64_t n_leaves = static_cast<int64_t>(leaf_values_.size()) / leaf_width_;
  std::vector<uint8_t> has_parent(static_cast<size_t>(end - begin), 0);
  for (int64_t idx = begin; idx < end; ++idx) {
    const TreeNode& node = nodes_[idx];
    if (node.is_leaf()) {
      // Batch prediction evaluates leaves' split fields too, so they must be inert.
      if (node.feature != -1 || node.flags != 0 || node.left < 0 || node.left >= n_leaves) {
        io::ThrowCorrupt("tree ensemble: leaf index out of range");
      }
      continue;
    }
    if (node.feature >= n_features_) io::ThrowCorrupt("tree ensemble: feature out of range");
    if (node.left <= idx || static_cast<int64_t>(node.left) + 1 >= end) {
      io::ThrowCorrupt("tree ensemble: child index out of range");
    }
    for (int64_t child = node.left; child <= node.left + 1; ++child) {
      uint8_t& seen = has_parent[static_cast<size_t>(child - begin)];
      if (seen != 0) io::ThrowCorrupt("tree ensemble: a node with two parents");
      seen = 1;
    }
    const bool categorical = (node.flags & TreeNode::kCategorical) != 0;
    // Training never makes a NaN threshold, and the walks would disagree on it: the row walk
    // asks value <= threshold, the batch walk and the compiled code !(value > threshold).
    if (!categorical && std::isnan(node.threshold)) {
      io::ThrowCorrupt("tree ensemble: NaN threshold");
    }
    if (categorical &&
        static_cast<uint64_t>(node.category_word()) + kCategoryWords > category_words_.size()) {
      io::ThrowCorrupt("tree ensemble: category bitset out of range");
    }
  }
  if (std::find(has_parent.begin() + 1, has_parent.end(), 0) != has_parent.end()) {
    io::ThrowCorrupt("tree ensemble: a node outside the tree");
  }
}

}  // namespace kolosal::models::tree
