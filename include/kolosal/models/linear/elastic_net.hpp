#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "kolosal/models/model.hpp"

namespace kolosal::models {

/// Hyperparameters of elastic_net (and of lasso, which is elastic_net with l1_ratio = 1).
struct ElasticNetParams {
  double alpha = 1.0;
  double l1_ratio = 0.5;
  bool fit_intercept = true;
  int max_iter = 1000;
  double tol = 1e-4;

  /// Parses {"alpha", "l1_ratio", "fit_intercept", "max_iter", "tol"} (plus the accepted and
  /// unused "random_state" and "n_jobs"). Throws Error(kInvalidArgument) for a bad value or an
  /// unknown key.
  static ElasticNetParams FromJson(const nlohmann::json& params);
  /// The same without "l1_ratio", which is fixed at 1.
  static ElasticNetParams LassoFromJson(const nlohmann::json& params);
};

/// Least squares with a mixed l1/l2 penalty, scaled as scikit-learn's ElasticNet and Lasso:
/// `1/(2 n) sum_i w_i (y_i - x_i coef - b)^2 + alpha l1_ratio ||coef||_1
///  + alpha (1 - l1_ratio) / 2 ||coef||^2` (weights rescaled to sum to n). Solved by cyclic
/// coordinate descent with scikit-learn's stopping rule (duality gap below tol * ||y||^2).
class ElasticNet final : public Estimator {
 public:
  static constexpr std::string_view kName = "elastic_net";
  static constexpr std::string_view kLassoName = "lasso";

  /// `type_name` is the registry name the fitted model reports ("elastic_net" or "lasso").
  ElasticNet(ElasticNetParams params, std::string_view type_name)
      : params_(params), type_name_(type_name) {}

  std::unique_ptr<Model> Fit(const TrainData& data, const FitControl& control) const override;

 private:
  ElasticNetParams params_;
  std::string type_name_;
};

}  // namespace kolosal::models
