#include "kolosal/models/tree/complete_trees.hpp"

#include <immintrin.h>

#include <algorithm>
#include <atomic>
#include <bit>
#include <cassert>

#include "kolosal/precision/cpu_features.hpp"

namespace kolosal::models::tree {
namespace {

using Node = CompleteTrees::Node;
using RowBlock = CompleteTrees::RowBlock;
using Tests = CompleteTrees::Tests;

// Rows x columns of one block must index with 32-bit offsets in the AVX2 walk.
constexpr int64_t kMaxAvx2Cols = int64_t{1} << 24;

std::atomic<bool> simd_enabled{true};

bool UseAvx2() {
  return precision::CpuFeatures::Detect().avx2 && simd_enabled.load(std::memory_order_relaxed);
}

int32_t CountLeaves(std::span<const TreeNode> nodes, int32_t root) {
  int32_t n_leaves = 0;
  std::vector<int32_t> stack = {root};
  while (!stack.empty()) {
    const TreeNode& node = nodes[stack.back()];
    stack.pop_back();
    if (node.is_leaf()) {
      ++n_leaves;
      continue;
    }
    stack.push_back(node.left);
    stack.push_back(node.left + 1);
  }
  return n_leaves;
}

// Whether every code from 32 up follows the node's default, so that its first word is all the
// bitset a test needs (always so for features with at most 32 categories).
bool FitsOneWord(const TreeNode& node, std::span<const uint32_t> words) {
  const uint32_t beyond = (node.flags & TreeNode::kDefaultLeft) != 0 ? ~0u : 0u;
  for (int word = 1; word < kCategoryWords; ++word) {
    if (words[node.category_word() + word] != beyond) return false;
  }
  return true;
}

// A leaf becomes a dummy test: both of its children hold the same leaf.
Node MakeNode(const TreeNode& node, Tests tests, std::span<const uint32_t> words) {
  if (node.is_leaf()) return {};
  Node out;
  out.feature = static_cast<uint32_t>(node.feature);
  if ((node.flags & TreeNode::kDefaultLeft) == 0) out.feature |= CompleteTrees::kNanRight;
  if ((node.flags & TreeNode::kCategorical) == 0) {
    out.threshold = node.threshold;
    return out;
  }
  out.feature |= CompleteTrees::kCategorical;
  const uint32_t word = node.category_word();
  out.threshold = std::bit_cast<float>(tests == Tests::kInlineCategories ? words[word] : word);
  return out;
}

// TreeNode::GoesLeft, negated: numeric values above the threshold go right, NaN by the node's
// default; categorical codes by the bitset, anything that is not a known code by the default.
template <Tests kTests>
uint32_t GoesRight(Node node, float value, const uint32_t* words) {
  const uint32_t nan_right = (node.feature & CompleteTrees::kNanRight) != 0 ? 1u : 0u;
  const uint32_t numeric = static_cast<uint32_t>(value > node.threshold) |
                           (static_cast<uint32_t>(value != value) & nan_right);
  if constexpr (kTests == Tests::kNumeric) {
    return numeric;
  } else {
    const bool categorical = (node.feature & CompleteTrees::kCategorical) != 0;
    const bool in_range = value >= 0.0f && value < 256.0f;
    const uint32_t code = in_range ? static_cast<uint32_t>(value) : 0u;
    const auto bits = std::bit_cast<uint32_t>(node.threshold);
    uint32_t category = nan_right;
    if constexpr (kTests == Tests::kInlineCategories) {
      if (in_range && code < 32) category = 1u - ((bits >> code) & 1u);
    } else {
      // Numeric nodes read word 0 (which exists in a tree with categorical splits), unused.
      const uint32_t word = words[categorical ? bits + (code >> 5) : 0u];
      if (in_range) category = 1u - ((word >> (code & 31u)) & 1u);
    }
    return categorical ? category : numeric;
  }
}

// What a walk produces per row: its leaf index, or its leaf value added into an accumulator.
struct WalkOutput {
  const int32_t* slots;
  int32_t* leaves = nullptr;           // when set: leaf indices
  const float* leaf_values = nullptr;  // else: acc[row] += leaf_values[leaf]
  float* acc = nullptr;
};

template <Tests kTests>
void WalkScalar(const Node* nodes, int depth, const uint32_t* words, const RowBlock& block,
                const WalkOutput& output) {
  uint32_t idx[CompleteTrees::kMaxRows];
  std::fill_n(idx, block.n_rows, 0u);
  // Level by level over all rows: the rows' chains of loads are independent.
  for (int level = 0; level < depth; ++level) {
    for (int row = 0; row < block.n_rows; ++row) {
      const Node node = nodes[idx[row]];
      const float value = block.rows[static_cast<int64_t>(row) * block.cols +
                                     (node.feature & CompleteTrees::kFeatureMask)];
      idx[row] = 2 * idx[row] + 1 + GoesRight<kTests>(node, value, words);
    }
  }
  const uint32_t first_slot = (1u << depth) - 1;
  for (int row = 0; row < block.n_rows; ++row) {
    const int32_t leaf = output.slots[idx[row] - first_slot];
    if (output.leaves != nullptr) {
      output.leaves[row] = leaf;
    } else {
      output.acc[row] += output.leaf_values[leaf];
    }
  }
}

// GoesRight for eight rows, as all-ones lanes.
template <Tests kTests>
__attribute__((target("avx2"))) __m256i GoesRightAvx2(__m256i feature, __m256 threshold,
                                                      __m256 value, const uint32_t* words) {
  // All ones where the node sends NaN right (bit 30 moved to the sign, then spread).
  const __m256i nan_right = _mm256_srai_epi32(_mm256_slli_epi32(feature, 1), 31);
  const __m256i is_nan = _mm256_castps_si256(_mm256_cmp_ps(value, value, _CMP_UNORD_Q));
  const __m256i numeric =
      _mm256_or_si256(_mm256_castps_si256(_mm256_cmp_ps(value, threshold, _CMP_GT_OQ)),
                      _mm256_and_si256(is_nan, nan_right));
  if constexpr (kTests == Tests::kNumeric) {
    return numeric;
  } else {
    const __m256i categorical = _mm256_srai_epi32(feature, 31);
    const __m256 limit = _mm256_set1_ps(kTests == Tests::kInlineCategories ? 32.0f : 256.0f);
    const __m256i in_range =
        _mm256_castps_si256(_mm256_and_ps(_mm256_cmp_ps(value, _mm256_setzero_ps(), _CMP_GE_OQ),
                                          _mm256_cmp_ps(value, limit, _CMP_LT_OQ)));
    const __m256i code = _mm256_and_si256(_mm256_cvttps_epi32(value), in_range);
    __m256i word = _mm256_castps_si256(threshold);
    if constexpr (kTests == Tests::kCategoryWords) {
      word = _mm256_mask_i32gather_epi32(
          _mm256_setzero_si256(), reinterpret_cast<const int*>(words),
          _mm256_add_epi32(word, _mm256_srli_epi32(code, 5)), categorical, 4);
    }
    const __m256i in_set =
        _mm256_and_si256(_mm256_srlv_epi32(word, _mm256_and_si256(code, _mm256_set1_epi32(31))),
                         _mm256_set1_epi32(1));
    // Not in the set goes right; anything that is not a known code goes by the default.
    const __m256i not_in_set = _mm256_cmpeq_epi32(in_set, _mm256_setzero_si256());
    const __m256i category = _mm256_blendv_epi8(nan_right, not_in_set, in_range);
    return _mm256_blendv_epi8(numeric, category, categorical);
  }
}

// WalkScalar with AVX2 gathers, eight rows per vector (a partial last vector repeats the last
// row and writes only past block.n_rows). Every row starts at the root, whose test is loaded once.
template <Tests kTests>
__attribute__((target("avx2"))) void WalkAvx2(const Node* nodes, int depth, const uint32_t* words,
                                              const RowBlock& block, const WalkOutput& output) {
  constexpr int kWidth = 8;
  constexpr int kGroups = CompleteTrees::kMaxRows / kWidth;
  const int n_groups = (block.n_rows + kWidth - 1) / kWidth;
  const auto* node_words = reinterpret_cast<const int*>(nodes);
  const auto* node_floats = reinterpret_cast<const float*>(nodes);
  const __m256i feature_mask = _mm256_set1_epi32(static_cast<int>(CompleteTrees::kFeatureMask));
  const __m256i one = _mm256_set1_epi32(1);
  __m256i idx[kGroups];
  for (int group = 0; group < n_groups; ++group) idx[group] = _mm256_setzero_si256();
  for (int level = 0; level < depth; ++level) {
    for (int group = 0; group < n_groups; ++group) {
      const __m256i offsets = _mm256_load_si256(
          reinterpret_cast<const __m256i*>(block.offsets + static_cast<ptrdiff_t>(group) * kWidth));
      __m256i feature;
      __m256 threshold;
      if (level == 0) {
        feature = _mm256_set1_epi32(static_cast<int>(nodes[0].feature));
        threshold = _mm256_set1_ps(nodes[0].threshold);
      } else {
        feature = _mm256_i32gather_epi32(node_words, idx[group], 8);
        threshold = _mm256_i32gather_ps(node_floats + 1, idx[group], 8);
      }
      const __m256i column = _mm256_and_si256(feature, feature_mask);
      const __m256 value = _mm256_i32gather_ps(block.rows, _mm256_add_epi32(offsets, column), 4);
      const __m256i right = GoesRightAvx2<kTests>(feature, threshold, value, words);
      // idx = 2 idx + 1 + right, with right all ones (-1) where true.
      idx[group] =
          _mm256_sub_epi32(_mm256_add_epi32(_mm256_add_epi32(idx[group], idx[group]), one), right);
    }
  }
  const __m256i first_slot = _mm256_set1_epi32(static_cast<int>((1u << depth) - 1));
  for (int group = 0; group < n_groups; ++group) {
    const __m256i leaf =
        _mm256_i32gather_epi32(output.slots, _mm256_sub_epi32(idx[group], first_slot), 4);
    if (output.leaves != nullptr) {
      alignas(32) int32_t lane_leaves[kWidth];
      _mm256_store_si256(reinterpret_cast<__m256i*>(lane_leaves), leaf);
      const int n_lanes = std::min(kWidth, block.n_rows - group * kWidth);
      std::copy_n(lane_leaves, n_lanes, output.leaves + static_cast<ptrdiff_t>(group) * kWidth);
      continue;
    }
    float* acc = output.acc + static_cast<ptrdiff_t>(group) * kWidth;
    const __m256 value = _mm256_i32gather_ps(output.leaf_values, leaf, 4);
    _mm256_storeu_ps(acc, _mm256_add_ps(_mm256_loadu_ps(acc), value));
  }
}

template <Tests kTests>
void Walk(const Node* nodes, int depth, const uint32_t* words, const RowBlock& block,
          const WalkOutput& output) {
  if (UseAvx2() && block.cols <= kMaxAvx2Cols) {
    WalkAvx2<kTests>(nodes, depth, words, block, output);
    return;
  }
  WalkScalar<kTests>(nodes, depth, words, block, output);
}

void WalkAny(Tests tests, const Node* nodes, int depth, const uint32_t* words,
             const RowBlock& block, const WalkOutput& output) {
  switch (tests) {
    case Tests::kNumeric:
      return Walk<Tests::kNumeric>(nodes, depth, words, block, output);
    case Tests::kInlineCategories:
      return Walk<Tests::kInlineCategories>(nodes, depth, words, block, output);
    case Tests::kCategoryWords:
      return Walk<Tests::kCategoryWords>(nodes, depth, words, block, output);
  }
}

// Positions of one level in heap order, each holding its node (a leaf repeats downwards).
std::vector<int32_t> NextLevel(std::span<const TreeNode> nodes, const std::vector<int32_t>& level) {
  std::vector<int32_t> next(2 * level.size());
  for (size_t pos = 0; pos < level.size(); ++pos) {
    const TreeNode& node = nodes[level[pos]];
    next[2 * pos] = node.is_leaf() ? level[pos] : node.left;
    next[2 * pos + 1] = node.is_leaf() ? level[pos] : node.left + 1;
  }
  return next;
}

Tests TestsOf(std::span<const TreeNode> nodes, std::span<const uint32_t> words, int32_t root) {
  Tests tests = Tests::kNumeric;
  std::vector<int32_t> stack = {root};
  while (!stack.empty()) {
    const TreeNode& node = nodes[stack.back()];
    stack.pop_back();
    if (node.is_leaf()) continue;
    if ((node.flags & TreeNode::kCategorical) != 0) {
      if (!FitsOneWord(node, words)) return Tests::kCategoryWords;
      tests = Tests::kInlineCategories;
    }
    stack.push_back(node.left);
    stack.push_back(node.left + 1);
  }
  return tests;
}

}  // namespace

void CompleteTrees::Add(std::span<const TreeNode> nodes, std::span<const uint32_t> words,
                        int32_t root, int32_t depth, int64_t n_features) {
  trees_.emplace_back();
  if (depth > kMaxDepth || n_features > static_cast<int64_t>(kFeatureMask) + 1) return;
  const int64_t n_slots = int64_t{1} << depth;
  if (8 * static_cast<int64_t>(CountLeaves(nodes, root)) < n_slots) return;
  TreeLayout& layout = trees_.back();
  layout.depth = depth;
  layout.tests = TestsOf(nodes, words, root);
  layout.node_offset = static_cast<int64_t>(nodes_.size());
  layout.slot_offset = static_cast<int64_t>(slots_.size());
  std::vector<int32_t> level = {root};
  for (int32_t level_idx = 0; level_idx < depth; ++level_idx) {
    for (const int32_t node_idx : level) {
      nodes_.push_back(MakeNode(nodes[node_idx], layout.tests, words));
    }
    level = NextLevel(nodes, level);
  }
  for (const int32_t node_idx : level) {
    assert(nodes[node_idx].is_leaf() && "the bottom level holds leaves only");
    slots_.push_back(nodes[node_idx].left);
  }
}

void CompleteTrees::SetSimd(bool enabled) {
  simd_enabled.store(enabled, std::memory_order_relaxed);
}

void CompleteTrees::Truncate(int64_t n_trees) {
  if (n_trees >= static_cast<int64_t>(trees_.size())) return;
  trees_.resize(static_cast<size_t>(n_trees));
  int64_t node_end = 0;
  int64_t slot_end = 0;
  for (const TreeLayout& layout : trees_) {
    if (layout.node_offset < 0) continue;
    node_end = layout.node_offset + (int64_t{1} << layout.depth) - 1;
    slot_end = layout.slot_offset + (int64_t{1} << layout.depth);
  }
  nodes_.resize(static_cast<size_t>(node_end));
  slots_.resize(static_cast<size_t>(slot_end));
}

CompleteTrees::RowBlock::RowBlock(const float* first_row, int64_t n_cols, int rows_in_block)
    : rows(first_row), cols(n_cols), n_rows(rows_in_block) {
  assert(rows_in_block >= 1 && rows_in_block <= kMaxRows && "a block has 1..kMaxRows rows");
  const int padded = std::min(kMaxRows, (rows_in_block + 7) / 8 * 8);
  for (int row = 0; row < padded; ++row) {
    offsets[row] = static_cast<int32_t>(std::min(row, rows_in_block - 1) * n_cols);
  }
}

void CompleteTrees::FindLeaves(int64_t tree_idx, const RowBlock& block, const uint32_t* words,
                               int32_t* leaves) const {
  const TreeLayout& layout = trees_[tree_idx];
  WalkOutput output{slots_.data() + layout.slot_offset};
  output.leaves = leaves;
  WalkAny(layout.tests, nodes_.data() + layout.node_offset, layout.depth, words, block, output);
}

void CompleteTrees::AddLeafValues(int64_t tree_idx, const RowBlock& block, const uint32_t* words,
                                  const float* leaf_values, float* acc) const {
  const TreeLayout& layout = trees_[tree_idx];
  WalkOutput output{slots_.data() + layout.slot_offset};
  output.leaf_values = leaf_values;
  output.acc = acc;
  WalkAny(layout.tests, nodes_.data() + layout.node_offset, layout.depth, words, block, output);
}

}  // namespace kolosal::models::tree
