#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "kolosal/models/tree/tree_node.hpp"

namespace kolosal::models::tree {

/// Shallow trees laid out for batch prediction. A tree of depth D <= kMaxDepth becomes a complete
/// binary tree of 2^D - 1 tests and 2^D leaf slots (a leaf above depth D fills every slot below
/// it, under dummy tests), so every row walks exactly D levels, each a node load, a test and an
/// index update, with no leaf test and no branch. A block of rows walks a tree level by level,
/// so their loads overlap; with AVX2 (checked at run time) eight rows go per instruction.
/// Derived from a TreeEnsemble's nodes and never saved; it routes every row exactly as the nodes
/// do. Const methods are thread-safe.
class CompleteTrees {
 public:
  static constexpr int kMaxDepth = 10;
  /// The most rows one FindLeaves call takes.
  static constexpr int kMaxRows = 64;

  /// Adds the next tree: `nodes` are the ensemble's nodes (absolute child indices), `words` its
  /// category bitsets, `root` the tree's first node and `depth` its depth. Trees too deep, too
  /// sparse (fewer than one leaf in eight slots) or with more than 2^30 features get no layout.
  void Add(std::span<const TreeNode> nodes, std::span<const uint32_t> words, int32_t root,
           int32_t depth, int64_t n_features);
  /// Keeps the first `n_trees` trees.
  void Truncate(int64_t n_trees);

  /// Whether walks may use AVX2 when the CPU has it (the default). Results are identical either
  /// way; tests turn it off to check the portable walk. Applies to the whole process.
  static void SetSimd(bool enabled);

  /// Whether tree `tree_idx` has a complete layout.
  bool has(int64_t tree_idx) const { return trees_[tree_idx].node_offset >= 0; }

  /// Up to kMaxRows consecutive rows of a row-major matrix, with each row's offset from the
  /// first (the last row repeated up to a multiple of 8).
  struct RowBlock {
    RowBlock(const float* first_row, int64_t n_cols, int rows_in_block);
    const float* rows;
    int64_t cols;
    int n_rows;
    alignas(32) int32_t offsets[kMaxRows];
  };

  /// Writes the leaf index of every row of `block` in tree `tree_idx`, which must have a layout.
  /// `words` are the ensemble's category bitsets.
  void FindLeaves(int64_t tree_idx, const RowBlock& block, const uint32_t* words,
                  int32_t* leaves) const;
  /// For trees with one value per leaf: acc[row] += leaf_values[leaf of row] for every row of
  /// `block` (acc holds a multiple of 8 values, at least block.n_rows).
  void AddLeafValues(int64_t tree_idx, const RowBlock& block, const uint32_t* words,
                     const float* leaf_values, float* acc) const;

  /// One test: `feature` carries kCategorical and kNanRight in its top bits. A categorical
  /// node's `threshold` holds (as bits) its category bitset when every code from 32 up goes the
  /// default way (Tests::kInlineCategories), else the index of its first category word.
  struct Node {
    uint32_t feature = 0;
    float threshold = 0.0f;
  };
  /// What a tree's tests need: numbers only, categories within one inline word, or the words.
  enum class Tests : uint8_t { kNumeric, kInlineCategories, kCategoryWords };
  static constexpr uint32_t kCategorical = 1u << 31;
  static constexpr uint32_t kNanRight = 1u << 30;
  static constexpr uint32_t kFeatureMask = kNanRight - 1;

 private:
  struct TreeLayout {
    int64_t node_offset = -1;  // -1: no layout
    int64_t slot_offset = 0;
    int32_t depth = 0;
    Tests tests = Tests::kNumeric;
  };

  std::vector<TreeLayout> trees_;
  std::vector<Node> nodes_;
  std::vector<int32_t> slots_;  // per leaf slot: the ensemble's leaf index
};

}  // namespace kolosal::models::tree
