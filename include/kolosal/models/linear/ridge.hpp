#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string_view>

#include "kolosal/models/model.hpp"

namespace kolosal::models {

/// Hyperparameters of ridge.
struct RidgeParams {
  double alpha = 1.0;
  bool fit_intercept = true;

  /// Parses {"alpha", "fit_intercept"} (plus the accepted and unused "random_state" and
  /// "n_jobs"). Throws Error(kInvalidArgument) for a bad value or an unknown key.
  static RidgeParams FromJson(const nlohmann::json& params);
};

/// Least squares with an l2 penalty, scaled as scikit-learn's Ridge:
/// `sum_i w_i (y_i - x_i coef - b)^2 + alpha ||coef||^2`. Solved by LDLT on the (centred)
/// normal equations, or on the kernel form when there are more features than rows; alpha = 0
/// falls back to the minimum-norm least-squares solution.
class Ridge final : public Estimator {
 public:
  static constexpr std::string_view kName = "ridge";

  explicit Ridge(RidgeParams params) : params_(params) {}

  std::unique_ptr<Model> Fit(const TrainData& data, const FitControl& control) const override;

 private:
  RidgeParams params_;
};

}  // namespace kolosal::models
