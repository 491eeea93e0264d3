#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "kolosal/data/dataset.hpp"
#include "kolosal/models/trained_pipeline.hpp"

namespace kolosal::train {

struct PermutationImportanceOptions {
  std::string metric;  // empty = accuracy or r2
  int n_repeats = 5;
  uint64_t random_state = 0;
  int n_jobs = 1;

  /// Parses {"metric", "n_repeats", "random_state", "n_jobs"}; unknown keys are errors.
  static PermutationImportanceOptions FromJson(const nlohmann::json& config);
};

/// Per input column: how much the score drops when that column's values are shuffled across
/// the rows (scikit-learn's permutation_importance). Positive means the model relies on it;
/// for metrics where lower is better the drop is permuted minus baseline.
struct PermutationImportanceResult {
  std::string metric;
  bool greater_is_better = true;
  double baseline = 0.0;
  std::vector<std::string> features;  // the model's input columns, in training order
  std::vector<double> mean;           // over the repeats
  std::vector<double> std_dev;

  nlohmann::json ToJson() const;
};

/// Scores `model` on a labelled `dataset` (columns matched by name), then once per feature and
/// repeat with that feature shuffled. Each shuffle has its own seed, so the result is the same
/// for any n_jobs. Throws Error(kInvalidArgument) for a dataset without labels, a missing
/// column, a metric of the other task or n_repeats < 1.
PermutationImportanceResult PermutationImportance(const models::TrainedPipeline& model,
                                                  const data::Dataset& dataset,
                                                  const PermutationImportanceOptions& options);

}  // namespace kolosal::train
