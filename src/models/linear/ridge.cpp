#include "kolosal/models/linear/ridge.hpp"

#include <Eigen/Dense>
#include <string>

#include "kolosal/core/config.hpp"
#include "kolosal/models/linear/detail/linear_input.hpp"

namespace kolosal::models {
namespace {

// (x^T x + alpha I) coef = x^T y by LDLT; falls back to the minimum-norm least-squares solution
// when alpha is zero or the system is numerically singular.
Eigen::VectorXd SolveRidge(const Eigen::MatrixXd& x, const Eigen::VectorXd& y, double alpha) {
  if (alpha == 0.0) return detail::SolveMinimumNorm(x, y);
  Eigen::MatrixXd gram = Eigen::MatrixXd::Zero(x.cols(), x.cols());
  gram.selfadjointView<Eigen::Lower>().rankUpdate(x.transpose());
  gram.diagonal().array() += alpha;
  const Eigen::LDLT<Eigen::MatrixXd> factorization(gram);
  if (factorization.info() != Eigen::Success || !factorization.isPositive()) {
    return detail::SolveMinimumNorm(x, y);
  }
  return factorization.solve(x.transpose() * y);
}

}  // namespace

RidgeParams RidgeParams::FromJson(const nlohmann::json& params) {
  ConfigReader reader(params, std::string(Ridge::kName) + " params");
  RidgeParams parsed;
  parsed.alpha = reader.GetDouble("alpha", parsed.alpha, 0.0, 1e12);
  parsed.fit_intercept = reader.GetBool("fit_intercept", parsed.fit_intercept);
  detail::AllowSharedKeys(reader);
  reader.Finish();
  return parsed;
}

std::unique_ptr<Model> Ridge::Fit(const TrainData& data, const FitControl& control) const {
  detail::ValidateTrainData(data, Task::kRegression, kName);
  control.ReportProgress(0.0, kName);
  const detail::WeightedLeastSquares problem =
      detail::PrepareLeastSquares(data, detail::SampleWeights(data), params_.fit_intercept);
  const Eigen::VectorXd coef = SolveRidge(problem.x, problem.y, params_.alpha);
  control.ReportProgress(1.0, kName);
  return detail::MakeRegressionModel(kName, problem, coef);
}

}  // namespace kolosal::models
