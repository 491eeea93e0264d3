#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string_view>

#include "kolosal/models/model.hpp"

namespace kolosal::models {

/// Hyperparameters of linear_regression.
struct LinearRegressionParams {
  bool fit_intercept = true;

  /// Parses {"fit_intercept"} (plus the accepted and unused "random_state" and "n_jobs").
  /// Throws Error(kInvalidArgument) for an unknown key.
  static LinearRegressionParams FromJson(const nlohmann::json& params);
};

/// Ordinary least squares. Like scikit-learn's LinearRegression (which calls LAPACK's gelsd),
/// a rank-deficient design gets the minimum-norm solution, here from Eigen's
/// CompleteOrthogonalDecomposition.
class LinearRegression final : public Estimator {
 public:
  static constexpr std::string_view kName = "linear_regression";

  explicit LinearRegression(LinearRegressionParams params) : params_(params) {}

  std::unique_ptr<Model> Fit(const TrainData& data, const FitControl& control) const override;

 private:
  LinearRegressionParams params_;
};

}  // namespace kolosal::models
