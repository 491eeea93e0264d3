#include "kolosal/models/linear/elastic_net.hpp"

#include <limits>
#include <string>

#include "kolosal/core/config.hpp"
#include "kolosal/models/linear/detail/coordinate_descent.hpp"
#include "kolosal/models/linear/detail/linear_input.hpp"

namespace kolosal::models {
namespace {

constexpr int kProgressEvery = 10;

ElasticNetParams ParseParams(const nlohmann::json& params, std::string_view model_name,
                             bool has_l1_ratio) {
  ConfigReader reader(params, std::string(model_name) + " params");
  ElasticNetParams parsed;
  parsed.alpha = reader.GetDouble("alpha", parsed.alpha, 0.0, 1e12);
  parsed.l1_ratio = has_l1_ratio ? reader.GetDouble("l1_ratio", parsed.l1_ratio, 0.0, 1.0) : 1.0;
  parsed.fit_intercept = reader.GetBool("fit_intercept", parsed.fit_intercept);
  parsed.max_iter = static_cast<int>(reader.GetInt("max_iter", parsed.max_iter, 1, 1'000'000));
  parsed.tol = reader.GetDouble("tol", parsed.tol, std::numeric_limits<double>::min(), 1.0);
  detail::AllowSharedKeys(reader);
  reader.Finish();
  return parsed;
}

// scikit-learn rescales sample weights to sum to n_samples before its 1/(2 n) scaling.
Eigen::VectorXd RescaledWeights(const TrainData& data) {
  const Eigen::VectorXd weights = detail::SampleWeights(data);
  return weights * (static_cast<double>(weights.size()) / weights.sum());
}

}  // namespace

ElasticNetParams ElasticNetParams::FromJson(const nlohmann::json& params) {
  return ParseParams(params, ElasticNet::kName, /*has_l1_ratio=*/true);
}

ElasticNetParams ElasticNetParams::LassoFromJson(const nlohmann::json& params) {
  return ParseParams(params, ElasticNet::kLassoName, /*has_l1_ratio=*/false);
}

std::unique_ptr<Model> ElasticNet::Fit(const TrainData& data, const FitControl& control) const {
  detail::ValidateTrainData(data, Task::kRegression, type_name_);
  control.ReportProgress(0.0, type_name_);
  const detail::WeightedLeastSquares problem =
      detail::PrepareLeastSquares(data, RescaledWeights(data), params_.fit_intercept);
  // The objective's 1/(2 n) factor moves onto the penalties.
  const double n_rows = static_cast<double>(data.x.rows);
  const double l1 = params_.alpha * params_.l1_ratio * n_rows;
  const double l2 = params_.alpha * (1.0 - params_.l1_ratio) * n_rows;
  Eigen::VectorXd coef = Eigen::VectorXd::Zero(data.x.cols);
  const int max_iter = params_.max_iter;
  const detail::CoordinateDescentResult result = detail::ElasticNetCoordinateDescent(
      problem.x, problem.y, l1, l2, max_iter, params_.tol, coef,
      [&control, this, max_iter](int iteration) {
        if (iteration % kProgressEvery != 0) return;
        control.ReportProgress(static_cast<double>(iteration) / max_iter, type_name_);
      });
  if (!result.converged) {
    control.Log(LogLevel::kWarning, type_name_ + ": did not converge in " +
                                        std::to_string(max_iter) + " iterations (duality gap " +
                                        std::to_string(result.dual_gap) +
                                        "); increase max_iter or tol");
  }
  control.ReportProgress(1.0, type_name_);
  return detail::MakeRegressionModel(type_name_, problem, coef);
}

}  // namespace kolosal::models
