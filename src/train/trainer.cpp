#include "kolosal/train/trainer.hpp"

#include <tbb/task_arena.h>

#include <cmath>
#include <numeric>
#include <tuple>

#include "kolosal/core/error.hpp"
#include "kolosal/core/version.hpp"
#include "kolosal/data/split.hpp"
#include "kolosal/metrics/metric.hpp"
#include "kolosal/models/registry.hpp"

namespace kolosal::train {
namespace {

nlohmann::json DescribeFeatures(const data::Schema& schema) {
  nlohmann::json features = nlohmann::json::array();
  for (const data::ColumnSchema& column : schema.columns) {
    nlohmann::json feature = {
        {"name", column.name},
        {"type", column.type == data::ColumnType::kNumeric ? "numeric" : "categorical"}};
    if (column.type == data::ColumnType::kCategorical) {
      feature["n_categories"] = column.categories.size();
    }
    features.push_back(std::move(feature));
  }
  return features;
}

const models::ModelEntry& FindEntryFor(const TrainSpec& spec, Task task) {
  const models::ModelEntry& entry = models::ModelRegistry::Builtin().Find(spec.model);
  const bool supported = task == Task::kClassification ? entry.traits.supports_classification
                                                       : entry.traits.supports_regression;
  if (!supported) {
    ThrowInvalidArgument("model '" + spec.model + "' does not support " +
                         std::string(TaskName(task)));
  }
  return entry;
}

struct FittedParts {
  prep::Pipeline pipeline;
  std::unique_ptr<models::Model> model;
  data::FeatureMatrix train_matrix;
};

FittedParts FitParts(const data::Dataset& dataset, const TrainSpec& spec,
                     const FitControl& control) {
  if (!dataset.has_labels()) {
    ThrowInvalidArgument("the training dataset has no target column (set \"target\")");
  }
  const data::Labels& labels = dataset.labels();
  if (dataset.n_rows() == 0) ThrowInvalidArgument("the training dataset has no rows");
  if (dataset.n_features() == 0) ThrowInvalidArgument("the training dataset has no features");
  const models::ModelEntry& entry = FindEntryFor(spec, labels.task);
  control.ReportProgress(0.0, "preprocessing");
  std::unique_ptr<models::Estimator> estimator = entry.create(spec.params, labels.task);
  FittedParts parts{
      prep::Pipeline(spec.preprocessing.value_or(models::DefaultPreprocessing(entry.traits))),
      nullptr,
      {}};
  parts.train_matrix = parts.pipeline.FitTransform(dataset);
  const models::TrainData train_data{
      parts.train_matrix.view(),   labels.values, labels.weights,
      parts.train_matrix.features, labels.task,   labels.n_classes()};
  tbb::task_arena arena(std::max(1, control.n_jobs));
  arena.execute([&] { parts.model = estimator->Fit(train_data, control); });
  return parts;
}

nlohmann::json TrainingMetrics(const models::Model& model, const data::FeatureMatrix& matrix,
                               const data::Labels& labels) {
  std::vector<float> raw(static_cast<size_t>(matrix.rows * model.n_outputs()));
  model.Predict(matrix.view(), raw);
  nlohmann::json metrics = nlohmann::json::object();
  for (const auto& [name, value] :
       metrics::ComputeAll(labels.task, labels.values, raw, labels.n_classes())) {
    metrics[name] = value;
  }
  return metrics;
}

}  // namespace

models::TrainedPipeline FitPipeline(const data::Dataset& dataset, const TrainSpec& spec,
                                    const FitControl& control) {
  FittedParts parts = FitParts(dataset, spec, control);
  const data::Labels& labels = dataset.labels();
  nlohmann::json metadata = {
      {"model_type", spec.model},
      {"params", spec.params},
      {"preprocessing", parts.pipeline.config().ToJson()},
      {"task", TaskName(labels.task)},
      {"target", labels.name},
      {"classes", labels.classes},
      {"features", DescribeFeatures(parts.pipeline.input_schema())},
      {"n_training_rows", dataset.n_rows()},
      {"weight_column",
       labels.weights.empty() ? nlohmann::json() : nlohmann::json(labels.weight_name)},
      {"random_state", control.random_state},
      {"library_version", kVersionString},
      {"training_metrics", TrainingMetrics(*parts.model, parts.train_matrix, labels)},
      {"model_summary", parts.model->Summary()},
  };
  return models::TrainedPipeline(std::move(parts.pipeline), std::move(parts.model), labels.classes,
                                 labels.name, std::move(metadata));
}

std::pair<double, double> MeanAndStdDev(std::span<const double> values) {
  const auto n = static_cast<double>(values.size());
  const double mean = std::accumulate(values.begin(), values.end(), 0.0) / n;
  double sum_sq = 0.0;
  for (double value : values) sum_sq += (value - mean) * (value - mean);
  return {mean, std::sqrt(sum_sq / n)};
}

CrossValidationResult CrossValidate(const data::Dataset& dataset, const TrainSpec& spec,
                                    int n_folds, const std::string& metric_name,
                                    const FitControl& control, const FoldCallback& on_fold) {
  const data::Labels& labels = dataset.labels();
  const metrics::Metric& metric =
      metrics::MetricRegistry::Builtin().FindFor(metric_name, labels.task);
  CrossValidationResult result{metric.name, metric.greater_is_better, {}, 0.0, 0.0};
  const auto folds = data::KFold(dataset.n_rows(), n_folds, control.random_state, &labels);
  for (size_t fold_idx = 0; fold_idx < folds.size(); ++fold_idx) {
    control.ReportProgress(static_cast<double>(fold_idx) / static_cast<double>(folds.size()),
                           "cross-validation");
    const data::Dataset train_part = dataset.Take(folds[fold_idx].train);
    const data::Dataset test_part = dataset.Take(folds[fold_idx].test);
    FittedParts parts = FitParts(train_part, spec, control);
    const data::FeatureMatrix test_matrix = parts.pipeline.Transform(test_part);
    std::vector<float> raw(static_cast<size_t>(test_matrix.rows * parts.model->n_outputs()));
    parts.model->Predict(test_matrix.view(), raw);
    result.fold_scores.push_back(
        metric.compute(test_part.labels().values, raw, labels.n_classes()));
    if (on_fold) on_fold(static_cast<int>(fold_idx), result.fold_scores.back());
  }
  std::tie(result.mean, result.std_dev) = MeanAndStdDev(result.fold_scores);
  control.ReportProgress(1.0, "cross-validation");
  return result;
}

}  // namespace kolosal::train
