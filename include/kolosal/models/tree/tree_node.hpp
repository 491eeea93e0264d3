#pragma once

#include <cstdint>

namespace kolosal::models::tree {

/// Category bitsets cover codes 0..255 in 8 words.
inline constexpr int kCategoryWords = 8;

/// One node of a flat tree: 16 bytes, children stored next to each other.
struct TreeNode {
  static constexpr uint32_t kDefaultLeft = 1u;
  static constexpr uint32_t kCategorical = 2u;
  static constexpr int kCategoryShift = 2;

  int32_t feature = -1;    // split feature; -1 for a leaf
  float threshold = 0.0f;  // numeric split: go left when value <= threshold
  int32_t left = 0;        // internal: left child (the right child is left + 1); leaf: leaf index
  uint32_t flags = 0;      // kDefaultLeft | kCategorical | first category word << kCategoryShift

  bool is_leaf() const { return feature < 0; }
  uint32_t category_word() const { return flags >> kCategoryShift; }

  /// Whether `value` goes to the left child; `words` is the tree's category bitset storage.
  bool GoesLeft(float value, const uint32_t* words) const {
    const bool default_left = (flags & kDefaultLeft) != 0;
    if ((flags & kCategorical) == 0) {
      return (value <= threshold) | ((value != value) & default_left);
    }
    if (!(value >= 0.0f && value < 256.0f)) return default_left;  // NaN, negative or unseen
    const auto code = static_cast<uint32_t>(value);
    return ((words[category_word() + (code >> 5)] >> (code & 31u)) & 1u) != 0;
  }
};

}  // namespace kolosal::models::tree
