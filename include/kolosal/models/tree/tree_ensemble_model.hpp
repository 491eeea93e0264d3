#pragma once

#include <cstdint>
#include <functional>
#include <span>

#include "kolosal/data/matrix_view.hpp"
#include "kolosal/models/model.hpp"
#include "kolosal/models/tree/tree_ensemble.hpp"

namespace kolosal::models::tree {

/// A model whose output is a function of its trees' summed leaf values (gradient boosting, the
/// forests, a decision tree), so that another implementation of the sum (jit::CompiledTrees)
/// can stand in for the interpreter.
class TreeEnsembleModel : public Model {
 public:
  /// Adds the leaf values for every row r of `x` into out[r * stride + offset + ...], with the
  /// contract of TreeEnsemble::Accumulate.
  using TreeSum =
      std::function<void(data::MatrixView x, float* out, int64_t stride, int64_t offset)>;

  virtual const TreeEnsemble& ensemble() const = 0;

  /// Predict() with `tree_sum` in place of ensemble().Accumulate. The outputs are the same bits
  /// when `tree_sum` adds the same values in the same order.
  virtual void PredictWith(data::MatrixView x, std::span<float> out,
                           const TreeSum& tree_sum) const = 0;

  void Predict(data::MatrixView x, std::span<float> out) const final {
    PredictWith(x, out, [this](data::MatrixView rows, float* sums, int64_t stride, int64_t offset) {
      ensemble().Accumulate(rows, sums, stride, offset);
    });
  }
};

}  // namespace kolosal::models::tree
