#pragma once

#include <functional>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <utility>
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
  /// Classification only: the class counts the metric is defined for (f1 needs exactly 2).
  int min_classes = 1;
  int max_classes = std::numeric_limits<int>::max();
};

/// The named metrics: accuracy, balanced_accuracy, precision_macro, recall_macro, f1_macro,
/// precision_weighted, recall_weighted, f1_weighted, f1 (binary), log_loss, roc_auc,
/// mse, rmse, mae, r2, mape.
class MetricRegistry {
 public:
  /// Throws Error(kInvalidArgument) for an empty or duplicate name or a missing compute.
  void Register(Metric metric);
  /// Throws Error(kInvalidArgument) listing the valid names and the nearest one.
  const Metric& Find(std::string_view name) const;
  /// The metric to score a `task` model with: `name`, or DefaultMetric(task) when it is empty.
  /// Throws Error(kInvalidArgument) for an unknown name or a metric of the other task.
  const Metric& FindFor(std::string_view name, Task task) const;
  /// All names, in registration order.
  std::vector<std::string> Names() const;
  /// Names of the metrics for `task` that make sense with `n_classes` classes (ignored for
  /// regression), in registration order.
  std::vector<std::string> NamesFor(Task task, int n_classes) const;

  /// The registry of the builtin metrics, built on first use; safe to read from any thread.
  static const MetricRegistry& Builtin();

 private:
  std::vector<Metric> metrics_;
};

void RegisterBuiltinMetrics(MetricRegistry& registry);

/// Whether `metric` scores a `task` model with `n_classes` classes (ignored for regression).
bool AppliesTo(const Metric& metric, Task task, int n_classes);

/// The metric used when the user names none: accuracy for classification, r2 for regression.
std::string_view DefaultMetric(Task task);

/// Computes every applicable builtin metric, as a name -> value list (for reports and metadata).
/// Invalid inputs throw Error(kInvalidArgument); a metric that is undefined for valid data (such
/// as roc_auc when a class is absent from y_true) is left out of the list.
std::vector<std::pair<std::string, double>> ComputeAll(Task task, std::span<const float> y_true,
                                                       std::span<const float> output,
                                                       int n_classes);

}  // namespace kolosal::metrics
