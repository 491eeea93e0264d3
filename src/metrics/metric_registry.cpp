// This file implements metric.hpp; it is included first to prove that the header stands alone.
// (clang-format cannot tell, because the file names differ.)
#include "kolosal/metrics/metric.hpp"
// Everything else.
#include <algorithm>
#include <functional>
#include <string>
#include <utility>

#include "kolosal/core/error.hpp"
#include "kolosal/core/names.hpp"
#include "kolosal/metrics/classification.hpp"
#include "kolosal/metrics/regression.hpp"

namespace kolosal::metrics {
namespace {

using LabelScore =
    std::function<double(std::span<const float> y_true, std::span<const float> y_pred, int)>;
using ValueScore = double (*)(std::span<const float> y_true, std::span<const float> y_pred);

// A classification metric over the arg-max labels of the model's probabilities.
Metric OnPredictedLabels(std::string name, std::string description, LabelScore score) {
  Metric metric;
  metric.name = std::move(name);
  metric.description = std::move(description);
  metric.task = Task::kClassification;
  metric.compute = [score = std::move(score)](std::span<const float> y_true,
                                              std::span<const float> output, int n_classes) {
    return score(y_true, ArgMaxRows(output, n_classes), n_classes);
  };
  return metric;
}

LabelScore Averaged(double (*score)(std::span<const float>, std::span<const float>, int, Average),
                    Average average) {
  return [score, average](std::span<const float> y_true, std::span<const float> y_pred,
                          int n_classes) { return score(y_true, y_pred, n_classes, average); };
}

// A classification metric over the probabilities themselves.
Metric OnProbabilities(std::string name, std::string description, LabelScore score,
                       bool greater_is_better) {
  Metric metric;
  metric.name = std::move(name);
  metric.description = std::move(description);
  metric.task = Task::kClassification;
  metric.greater_is_better = greater_is_better;
  metric.compute = std::move(score);
  metric.min_classes = 2;
  return metric;
}

Metric OnValues(std::string name, std::string description, ValueScore score,
                bool greater_is_better) {
  Metric metric;
  metric.name = std::move(name);
  metric.description = std::move(description);
  metric.task = Task::kRegression;
  metric.greater_is_better = greater_is_better;
  metric.compute = [score](std::span<const float> y_true, std::span<const float> output, int) {
    return score(y_true, output);
  };
  return metric;
}

void RegisterLabelMetrics(MetricRegistry& registry) {
  registry.Register(
      OnPredictedLabels("accuracy", "fraction of correctly classified rows",
                        [](std::span<const float> y_true, std::span<const float> y_pred, int) {
                          return Accuracy(y_true, y_pred);
                        }));
  registry.Register(OnPredictedLabels(
      "balanced_accuracy", "mean recall over the classes present in y_true", BalancedAccuracy));
  registry.Register(OnPredictedLabels("precision_macro", "unweighted mean per-class precision",
                                      Averaged(Precision, Average::kMacro)));
  registry.Register(OnPredictedLabels("recall_macro", "unweighted mean per-class recall",
                                      Averaged(Recall, Average::kMacro)));
  registry.Register(
      OnPredictedLabels("f1_macro", "unweighted mean per-class F1", Averaged(F1, Average::kMacro)));
  registry.Register(OnPredictedLabels("precision_weighted", "support-weighted mean precision",
                                      Averaged(Precision, Average::kWeighted)));
  registry.Register(OnPredictedLabels("recall_weighted", "support-weighted mean recall",
                                      Averaged(Recall, Average::kWeighted)));
  registry.Register(OnPredictedLabels("f1_weighted", "support-weighted mean F1",
                                      Averaged(F1, Average::kWeighted)));
  Metric binary_f1 =
      OnPredictedLabels("f1", "F1 of the positive class (class 1)", Averaged(F1, Average::kBinary));
  binary_f1.min_classes = 2;
  binary_f1.max_classes = 2;
  registry.Register(std::move(binary_f1));
}

void RegisterProbabilityMetrics(MetricRegistry& registry) {
  registry.Register(OnProbabilities("log_loss", "mean negative log-likelihood of the true class",
                                    LogLoss, false));
  registry.Register(OnProbabilities(
      "roc_auc", "area under the ROC curve (one-vs-rest macro for multi-class)", RocAuc, true));
}

void RegisterRegressionMetrics(MetricRegistry& registry) {
  registry.Register(OnValues("mse", "mean squared error", MeanSquaredError, false));
  registry.Register(OnValues("rmse", "root mean squared error", RootMeanSquaredError, false));
  registry.Register(OnValues("mae", "mean absolute error", MeanAbsoluteError, false));
  registry.Register(OnValues("r2", "coefficient of determination", R2Score, true));
  registry.Register(OnValues("mape", "mean absolute percentage error (a fraction)",
                             MeanAbsolutePercentageError, false));
}

// Throws for inputs that no metric of `task` could accept, so that ComputeAll only skips the
// metrics that are undefined for otherwise valid data.
void ValidateInputs(Task task, std::span<const float> y_true, std::span<const float> output,
                    int n_classes) {
  if (task == Task::kRegression) {
    MeanSquaredError(y_true, output);
    return;
  }
  ConfusionMatrix(y_true, ArgMaxRows(output, n_classes), n_classes);
}

}  // namespace

bool AppliesTo(const Metric& metric, Task task, int n_classes) {
  if (metric.task != task) return false;
  if (task == Task::kRegression) return true;
  return n_classes >= metric.min_classes && n_classes <= metric.max_classes;
}

void MetricRegistry::Register(Metric metric) {
  if (metric.name.empty()) ThrowInvalidArgument("a metric needs a name");
  if (!metric.compute) ThrowInvalidArgument("metric '" + metric.name + "' has no compute function");
  const bool taken = std::ranges::any_of(
      metrics_, [&metric](const Metric& known) { return known.name == metric.name; });
  if (taken) ThrowInvalidArgument("metric '" + metric.name + "' is already registered");
  metrics_.push_back(std::move(metric));
}

const Metric& MetricRegistry::Find(std::string_view name) const {
  const auto found = std::ranges::find(metrics_, name, &Metric::name);
  if (found != metrics_.end()) return *found;
  throw Error(StatusCode::kInvalidArgument, UnknownNameMessage("metric", name, Names()));
}

const Metric& MetricRegistry::FindFor(std::string_view name, Task task) const {
  const Metric& metric = Find(name.empty() ? DefaultMetric(task) : name);
  if (metric.task != task) {
    ThrowInvalidArgument("metric '" + metric.name + "' is for " +
                         std::string(TaskName(metric.task)) + ", the task is " +
                         std::string(TaskName(task)));
  }
  return metric;
}

std::vector<std::string> MetricRegistry::Names() const {
  std::vector<std::string> names(metrics_.size());
  std::ranges::transform(metrics_, names.begin(), &Metric::name);
  return names;
}

std::vector<std::string> MetricRegistry::NamesFor(Task task, int n_classes) const {
  std::vector<std::string> names;
  for (const Metric& metric : metrics_) {
    if (AppliesTo(metric, task, n_classes)) names.push_back(metric.name);
  }
  return names;
}

const MetricRegistry& MetricRegistry::Builtin() {
  static const MetricRegistry registry = [] {
    MetricRegistry builtin;
    RegisterBuiltinMetrics(builtin);
    return builtin;
  }();
  return registry;
}

void RegisterBuiltinMetrics(MetricRegistry& registry) {
  RegisterLabelMetrics(registry);
  RegisterProbabilityMetrics(registry);
  RegisterRegressionMetrics(registry);
}

std::string_view DefaultMetric(Task task) {
  return task == Task::kClassification ? "accuracy" : "r2";
}

std::vector<std::pair<std::string, double>> ComputeAll(Task task, std::span<const float> y_true,
                                                       std::span<const float> output,
                                                       int n_classes) {
  ValidateInputs(task, y_true, output, n_classes);
  const MetricRegistry& registry = MetricRegistry::Builtin();
  std::vector<std::pair<std::string, double>> values;
  for (const std::string& name : registry.NamesFor(task, n_classes)) {
    try {
      values.emplace_back(name, registry.Find(name).compute(y_true, output, n_classes));
    } catch (const Error&) {
      // Undefined for this data (e.g. roc_auc with a class absent from y_true): leave it out.
    }
  }
  return values;
}

}  // namespace kolosal::metrics
