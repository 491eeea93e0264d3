#include "kolosal/models/linear/ridge.hpp"

#include <Eigen/Dense>
#include <optional>
#include <string>

#include "kolosal/core/config.hpp"
#include "kolosal/models/linear/detail/linear_input.hpp"

namespace kolosal::models {
namespace {

// Solves the symmetric positive-definite `system` * solution = rhs by LDLT; nullopt when the
// factorisation fails numerically.
std::optional<Eigen::MatrixXd> SolveSpd(const Eigen::MatrixXd& system, const Eigen::MatrixXd& rhs) {
  const Eigen::LDLT<Eigen::MatrixXd> factorization(system);
  if (factorization.info() != Eigen::Success || !factorization.isPositive()) return std::nullopt;
  return factorization.solve(rhs);
}

// alpha I plus the Gram matrix of the rows of `factor` (x^T x for factor = x^T).
Eigen::MatrixXd RegularisedGram(const Eigen::MatrixXd& factor, double alpha) {
  Eigen::MatrixXd gram = Eigen::MatrixXd::Zero(factor.rows(), factor.rows());
  gram.selfadjointView<Eigen::Lower>().rankUpdate(factor);
  gram.diagonal().array() += alpha;
  return gram;
}

// The primal form (x^T x + alpha I) coef = x^T y, or for wide data the kernel form
// coef = x^T (x x^T + alpha I)^-1 y, whichever system is smaller (as scikit-learn's cholesky
// solver does). alpha = 0 or a numerically singular system falls back to the minimum-norm
// least-squares solution.
Eigen::VectorXd SolveRidge(const Eigen::MatrixXd& x, const Eigen::VectorXd& y, double alpha) {
  if (alpha == 0.0) return detail::SolveMinimumNorm(x, y);
  if (x.cols() > x.rows()) {
    if (auto dual = SolveSpd(RegularisedGram(x, alpha), y)) return x.transpose() * *dual;
  } else if (auto primal = SolveSpd(RegularisedGram(x.transpose(), alpha), x.transpose() * y)) {
    return *primal;
  }
  return detail::SolveMinimumNorm(x, y);
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
