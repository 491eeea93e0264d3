#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "kolosal/models/model.hpp"
#include "kolosal/models/tree/split_criterion.hpp"
#include "kolosal/models/tree/tree_builder.hpp"

namespace kolosal::models::tree {

/// Everything that configures a decision tree, random forest or extra-trees estimator.
struct ForestParams {
  std::string type_name = "random_forest";
  int64_t n_estimators = 100;
  bool bootstrap = true;
  /// Rows drawn per bootstrap sample (scikit-learn's max_samples): a count when whole, else a
  /// share of the training rows; 0 = as many as there are rows.
  int64_t max_samples_count = 0;
  double max_samples_fraction = 0.0;
  bool oob_score = false;
  bool balanced = false;
  bool balanced_subsample = false;  // class weights from each tree's bootstrap sample
  int max_bins = 255;
  Criterion criterion = Criterion::kGini;
  int64_t min_samples_leaf = 1;
  double max_features = -1.0;  // see ReadMaxFeatures
  TreeGrowthParams growth;
};

/// Averages trees grown on bootstrap samples (or the full data) with a random feature subset
/// at every node; with growth.random_splits it is extra trees, with one tree and no bootstrap a
/// decision tree. Trees grow in parallel (one per task), each from its own seed
/// MixSeed(random_state, tree index), so the model does not depend on the thread count.
class RandomForest : public Estimator {
 public:
  explicit RandomForest(ForestParams params) : params_(std::move(params)) {}

  /// Parses the JSON params of `type_name` ("decision_tree", "random_forest" or
  /// "extra_trees"). Throws Error(kInvalidArgument) for unknown keys or bad values.
  static ForestParams ParseParams(const nlohmann::json& params, Task task,
                                  std::string_view type_name);

  std::unique_ptr<Model> Fit(const TrainData& data, const FitControl& control) const override;

  const ForestParams& params() const { return params_; }

 private:
  /// Rows per bootstrap sample for `n_rows` training rows; throws Error(kInvalidArgument) when
  /// max_samples asks for more rows than there are.
  int64_t BootstrapDraws(int64_t n_rows) const;

  ForestParams params_;
};

/// Registry factories.
std::unique_ptr<Estimator> MakeRandomForest(const nlohmann::json& params, Task task);
std::unique_ptr<Estimator> MakeExtraTrees(const nlohmann::json& params, Task task);

}  // namespace kolosal::models::tree
