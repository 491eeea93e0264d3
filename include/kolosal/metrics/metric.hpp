#pragma once

#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "kolosal/core/task.hpp"

namespace kolosal::metrics {

/// A named score over a model's raw output: class probabilities (row-major, n_rows x
/// n_classes) for classification, predicted values for regression.
struct Metric {
  std::string name;
  std::string description;
  Task task = Task::kClassification;
  bool greater_is_better = true;
  std::function<double(std::span<const float> y_true, std::span<const float> output, int n_classes)>
      compute;
};

/// The named metrics: accuracy, balanced_accuracy, precision_macro, recall_macro, f1_macro,
/// precision_weighted, recall_weighted, f1_weighted, f1 (binary), log_loss, roc_auc,
/// mse, rmse, mae, r2, mape.
class MetricRegistry {
 public:
  void Register(Metric metric);
  /// Throws Error(kInvalidArgument) listing the valid names and the nearest one.
  const Metric& Find(std::string_view name) const;
  std::vector<std::string> Names() const;
  /// Names of the metrics for `task` that make sense with `n_classes` classes.
  std::vector<std::string> NamesFor(Task task, int n_classes) const;

  static const MetricRegistry& Builtin();

 private:
  std::vector<Metric> metrics_;
};

void RegisterBuiltinMetrics(MetricRegistry& registry);

/// The metric used when the user names none: accuracy for classification, r2 for regression.
std::string_view DefaultMetric(Task task);

/// Computes every applicable builtin metric, as a name -> value list (for reports and metadata).
std::vector<std::pair<std::string, double>> ComputeAll(Task task, std::span<const float> y_true,
                                                       std::span<const float> output,
                                                       int n_classes);

}  // namespace kolosal::metrics
