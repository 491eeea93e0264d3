#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "kolosal/core/task.hpp"
#include "kolosal/models/tree/split_criterion.hpp"

namespace kolosal::models::tree {

enum class ObjectiveType { kSquaredError = 0, kAbsoluteError = 1, kLogistic = 2, kSoftmax = 3 };

/// A gradient boosting loss: the starting margin, per-row gradients and hessians, the
/// validation loss, and the margin-to-output transform.
class GbdtObjective {
 public:
  GbdtObjective(ObjectiveType type, int n_classes) : type_(type), n_classes_(n_classes) {}

  /// "auto" picks logistic / softmax / squared_error from the task. Throws
  /// Error(kInvalidArgument) for an objective that does not fit the task.
  static GbdtObjective FromName(std::string_view name, Task task, int n_classes);

  ObjectiveType type() const { return type_; }
  std::string_view name() const;
  /// Margins per row: n_classes for softmax, else 1.
  int n_margins() const { return type_ == ObjectiveType::kSoftmax ? n_classes_ : 1; }
  /// Model outputs per row (probabilities per class, or one value).
  int n_outputs() const;

  /// The best constant margins for the weighted targets.
  std::vector<float> BaseMargins(std::span<const float> y, std::span<const float> weights) const;
  /// The margins that start at a given prediction, as XGBoost's base_score: a probability for
  /// logistic (its log-odds), a value for regression, every class's margin for softmax. Throws
  /// Error(kInvalidArgument) for a probability outside (0, 1).
  std::vector<float> MarginsAt(double base_score) const;
  /// Gradient pairs of rows [begin, end): stats[k * n_rows + row] for margin k.
  void Gradients(std::span<const float> y, std::span<const float> weights,
                 std::span<const float> margins, int64_t begin, int64_t end,
                 std::span<RowStat> stats) const;
  /// Weighted mean loss over the rows (margins row-major, n_margins per row).
  double Loss(std::span<const float> y, std::span<const float> weights,
              std::span<const float> margins) const;
  /// Turns one row's margins into its outputs (in place when they alias).
  void Transform(const float* margins, float* out) const;

 private:
  ObjectiveType type_;
  int n_classes_;
};

}  // namespace kolosal::models::tree
