#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "kolosal/models/model.hpp"
#include "kolosal/models/tree/gbdt_objective.hpp"
#include "kolosal/models/tree/tree_builder.hpp"

namespace kolosal::models::tree {

/// DART (dropouts meet additive regression trees, Rashmi and Gilad-Bachrach 2015), with
/// XGBoost's settings: each round drops earlier rounds, fits the new trees to what the rest
/// leave, and rescales the dropped and the new trees.
struct DartParams {
  double rate_drop = 0.1;  // the chance of each earlier round being dropped
  double skip_drop = 0.0;  // the chance of a round dropping nothing
  bool one_drop = false;   // drop at least one round (unless skipped)
  bool weighted = false;   // sample_type "weighted": rounds dropped in proportion to their weight
  bool forest = false;     // normalize_type "forest" instead of "tree"
};

struct GradientBoostingParams {
  int64_t n_estimators = 100;
  /// "gbdt", or "dart" with `dart`.
  bool dart_boosting = false;
  DartParams dart;
  double learning_rate = 0.1;
  /// auto | logistic | softmax | squared_error | absolute_error | quantile | huber | poisson |
  /// gamma | tweedie
  std::string objective = "auto";
  ObjectiveParams objective_params;
  double reg_lambda = 1.0;
  double reg_alpha = 0.0;
  double min_child_weight = 1e-3;
  int64_t min_samples_leaf = 20;
  double subsample = 1.0;
  /// data_sample_strategy "goss" (LightGBM's gradient-based one-side sampling): each round keeps
  /// the top_rate share of rows with the largest |gradient x hessian| and a random other_rate
  /// share of the rest, whose gradients weigh (1 - top_rate) / other_rate.
  bool goss = false;
  double top_rate = 0.2;
  double other_rate = 0.1;
  double colsample_bytree = 1.0;  // colsample_bynode is growth.node_colsample
  int max_bins = 255;
  int64_t early_stopping_rounds = 0;  // 0 = off
  /// The metric early stopping watches on the validation rows (a metrics registry name, e.g.
  /// roc_auc); empty: the objective's weighted loss.
  std::string eval_metric;
  double validation_fraction = 0.1;
  bool balanced = false;
  double scale_pos_weight = 1.0;  // binary classification: weight of the positive class's rows
  /// The starting prediction (XGBoost's base_score); empty: the weighted prior, mean or median
  /// of the training targets (LightGBM's boost_from_average).
  std::optional<double> base_score;
  /// Per input feature +1 (increasing), -1 (decreasing) or 0: an array by position, or an object
  /// by feature name (unnamed features free). Null when nothing is constrained.
  nlohmann::json monotone_constraints;
  /// Sets of features that may interact, each an array of positions or names (XGBoost's
  /// interaction_constraints). Null when interactions are free.
  nlohmann::json interaction_constraints;
  TreeGrowthParams growth;
};

/// The per-feature directions of `constraints` (see GradientBoostingParams) for `features`;
/// empty when none is constrained. Throws Error(kInvalidArgument) for a direction other than
/// -1, 0 and 1, an array of another length than the features, an unknown name, or a
/// constrained categorical feature.
std::vector<int8_t> ResolveMonotoneConstraints(const nlohmann::json& constraints,
                                               std::span<const data::FeatureInfo> features,
                                               int64_t n_features);

/// The feature sets of `constraints` (see GradientBoostingParams) as sorted positions, with every
/// feature in no set added as a set of its own; empty when none is given. Throws
/// Error(kInvalidArgument) for a value that is not an array of arrays, a position out of range,
/// an unknown name, or names without feature names. With `n_features` 0 it checks the shape.
std::vector<std::vector<int32_t>> ResolveInteractionConstraints(
    const nlohmann::json& constraints, std::span<const data::FeatureInfo> features,
    int64_t n_features);

/// Histogram gradient boosting (LightGBM / XGBoost hist style): quantile bins, leaf-wise or
/// depth-wise growth, histogram subtraction, L1/L2 leaf regularisation, row and column
/// subsampling, and early stopping on a held-out validation split. Multi-class softmax grows one
/// tree per class and round, in parallel; a single tree per round is parallel inside.
class GradientBoosting : public Estimator {
 public:
  explicit GradientBoosting(GradientBoostingParams params) : params_(std::move(params)) {}

  /// Throws Error(kInvalidArgument) for unknown keys or bad values.
  static GradientBoostingParams ParseParams(const nlohmann::json& params, Task task);

  std::unique_ptr<Model> Fit(const TrainData& data, const FitControl& control) const override;

  const GradientBoostingParams& params() const { return params_; }

 private:
  GradientBoostingParams params_;
};

/// Registry factory.
std::unique_ptr<Estimator> MakeGradientBoosting(const nlohmann::json& params, Task task);

}  // namespace kolosal::models::tree
