#include "kolosal/models/linear/linear_regression.hpp"

#include <string>

#include "kolosal/core/config.hpp"
#include "kolosal/models/linear/detail/linear_input.hpp"

namespace kolosal::models {

LinearRegressionParams LinearRegressionParams::FromJson(const nlohmann::json& params) {
  ConfigReader reader(params, std::string(LinearRegression::kName) + " params");
  LinearRegressionParams parsed;
  parsed.fit_intercept = reader.GetBool("fit_intercept", parsed.fit_intercept);
  detail::AllowSharedKeys(reader);
  reader.Finish();
  return parsed;
}

std::unique_ptr<Model> LinearRegression::Fit(const TrainData& data,
                                             const FitControl& control) const {
  detail::ValidateTrainData(data, Task::kRegression, kName);
  control.ReportProgress(0.0, kName);
  const detail::WeightedLeastSquares problem =
      detail::PrepareLeastSquares(data, detail::SampleWeights(data), params_.fit_intercept);
  const Eigen::VectorXd coef = detail::SolveMinimumNorm(problem.x, problem.y);
  control.ReportProgress(1.0, kName);
  return detail::MakeRegressionModel(kName, problem, coef);
}

}  // namespace kolosal::models
