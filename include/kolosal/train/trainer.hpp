#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "kolosal/core/fit_control.hpp"
#include "kolosal/data/dataset.hpp"
#include "kolosal/models/trained_pipeline.hpp"
#include "kolosal/prep/pipeline.hpp"

namespace kolosal::train {

/// What to fit: a registered model type, its params and (optionally) the preprocessing.
struct TrainSpec {
  std::string model = "logistic_regression";
  nlohmann::json params = nlohmann::json::object();
  /// Empty = the model's default preprocessing (models::DefaultPreprocessing).
  std::optional<prep::PreprocessingConfig> preprocessing;
};

/// Fits preprocessing and model on a labelled dataset and records metadata (features, task,
/// classes, params, training metrics, version). Throws Error(kInvalidArgument) for unknown
/// model names or params and for datasets without labels.
models::TrainedPipeline FitPipeline(const data::Dataset& dataset, const TrainSpec& spec,
                                    const FitControl& control);

struct CrossValidationResult {
  std::string metric;
  bool greater_is_better = true;
  std::vector<double> fold_scores;
  double mean = 0.0;
  double std_dev = 0.0;
};

/// The mean and the (population) standard deviation of `values`, summed in order.
std::pair<double, double> MeanAndStdDev(std::span<const double> values);

/// Called after each fold of CrossValidate with the fold's index and score; it may throw to stop
/// the cross-validation (the tuner reports the running mean to a pruner this way).
using FoldCallback = std::function<void(int fold_idx, double fold_score)>;

/// K-fold (stratified for classification) cross-validated score of `spec` on `dataset`.
/// The preprocessing is refitted inside every fold, so nothing leaks from the test part.
/// `metric` empty = accuracy or r2. `on_fold` runs on the calling thread.
CrossValidationResult CrossValidate(const data::Dataset& dataset, const TrainSpec& spec,
                                    int n_folds, const std::string& metric,
                                    const FitControl& control, const FoldCallback& on_fold = {});

}  // namespace kolosal::train
