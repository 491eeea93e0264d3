#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kolosal/core/task.hpp"
#include "kolosal/models/tree/split_criterion.hpp"

namespace kolosal::models::tree {

/// The values are saved in model files: append only.
enum class ObjectiveType {
  kSquaredError = 0,
  kAbsoluteError = 1,
  kLogistic = 2,
  kSoftmax = 3,
  kQuantile = 4,
  kHuber = 5,
  kPoisson = 6,
  kGamma = 7,
  kTweedie = 8,
};
constexpr ObjectiveType kLastObjectiveType = ObjectiveType::kTweedie;

/// Whether `type` models classes (logistic, softmax) rather than a value.
bool IsClassObjective(ObjectiveType type);

/// Settings of the objectives that have one (training only; prediction needs none of them).
struct ObjectiveParams {
  double quantile_alpha = 0.5;          // the quantile `quantile` predicts
  double huber_delta = 1.0;             // where `huber` turns from squared to absolute error
  double tweedie_variance_power = 1.5;  // 1 is Poisson, 2 is gamma
  // Poisson's hessian is exp(margin + this), as LightGBM's poisson_max_delta_step and XGBoost's
  // max_delta_step for count:poisson: it keeps Newton steps on small counts from overshooting.
  double poisson_max_delta_step = 0.7;
};

/// The `fraction` quantile of the values: interpolated linearly between neighbouring values when
/// every weight is the same (numpy's default, as LightGBM and scikit-learn take it), else the
/// smallest value whose cumulative weight in sorted order reaches `fraction` of the total. Sorts
/// `value_weights` (value, weight) in place; 0 when empty.
double WeightedQuantile(std::vector<std::pair<float, float>>& value_weights, double fraction);

/// A gradient boosting loss: the starting margin, per-row gradients and hessians, the
/// validation loss, and the margin-to-output transform.
class GbdtObjective {
 public:
  GbdtObjective(ObjectiveType type, int n_classes, ObjectiveParams params = {})
      : type_(type), n_classes_(n_classes), params_(params) {}

  /// "auto" picks logistic / softmax / squared_error from the task. Throws
  /// Error(kInvalidArgument) for an objective that does not fit the task.
  static GbdtObjective FromName(std::string_view name, Task task, int n_classes,
                                ObjectiveParams params = {});

  ObjectiveType type() const { return type_; }
  std::string_view name() const;
  /// Poisson, gamma and Tweedie model log(mean): the output is exp(margin).
  bool log_link() const;
  /// The quantile each leaf is refitted to (of its rows' residuals), or nothing when leaves keep
  /// their Newton step: 0.5 for absolute error, `quantile_alpha` for quantile.
  std::optional<double> leaf_quantile() const;
  /// Throws Error(kInvalidArgument), naming the row, for a target the loss is not defined on:
  /// negative for Poisson and Tweedie, not positive for gamma.
  void CheckTargets(std::span<const float> y) const;
  /// Margins per row: n_classes for softmax, else 1.
  int n_margins() const { return type_ == ObjectiveType::kSoftmax ? n_classes_ : 1; }
  /// Model outputs per row (probabilities per class, or one value).
  int n_outputs() const;

  /// The best constant margins for the weighted targets.
  std::vector<float> BaseMargins(std::span<const float> y, std::span<const float> weights) const;
  /// The margins that start at a given prediction, as XGBoost's base_score: a probability for
  /// logistic (its log-odds), a value for regression (its log for a log link), every class's
  /// margin for softmax. Throws Error(kInvalidArgument) for a probability outside (0, 1) or a
  /// mean that is not positive under a log link.
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
  ObjectiveParams params_;
};

}  // namespace kolosal::models::tree
