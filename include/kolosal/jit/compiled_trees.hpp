#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "kolosal/data/matrix_view.hpp"
#include "kolosal/models/tree/tree_ensemble.hpp"

namespace kolosal::jit {

/// A tree ensemble compiled to x86-64 machine code with asmjit. Every tree becomes nested
/// compare-and-branch instructions (the left child falls through, the right child is a jump),
/// and every leaf adds its values into the outputs; thresholds, leaf values and category bitsets
/// sit in a data block after the code. The additions per row run in tree order in float32, as in
/// TreeEnsemble's interpreter, so the outputs are the same bit for bit. Const methods are
/// thread-safe; the code is released when the object is destroyed.
class CompiledTrees {
 public:
  /// The generated function: adds every tree's leaf values for `row` into `out` (one row's
  /// outputs, at each tree's output offset).
  using RowFunction = void (*)(const float* row, float* out);

  /// Ensembles with more nodes than this are left to the interpreter (code size).
  static constexpr int64_t kMaxNodes = int64_t{1} << 22;

  /// Compiles `ensemble`; nullptr when the machine is not x86-64 or the ensemble has more than
  /// kMaxNodes nodes. Throws Error(kInternal) if asmjit fails.
  static std::unique_ptr<CompiledTrees> Compile(const models::tree::TreeEnsemble& ensemble);

  ~CompiledTrees();
  CompiledTrees(const CompiledTrees&) = delete;
  CompiledTrees& operator=(const CompiledTrees&) = delete;

  /// The same contract as TreeEnsemble::AccumulateRow over every tree.
  void AccumulateRow(const float* row, float* out) const { function_(row, out); }
  /// The same contract as TreeEnsemble::Accumulate: for every row r of `x`, out[r * stride +
  /// offset + ...] += the leaf values; parallel over rows (oneTBB, the caller's arena).
  void Accumulate(data::MatrixView x, float* out, int64_t stride, int64_t offset) const;

  /// Bytes of machine code and embedded data.
  size_t code_size() const { return code_size_; }

 private:
  CompiledTrees(RowFunction function, size_t code_size)
      : function_(function), code_size_(code_size) {}

  RowFunction function_;
  size_t code_size_;
};

}  // namespace kolosal::jit
