#include "kolosal/models/linear/logistic_regression.hpp"

#include <Eigen/Core>
#include <limits>
#include <string>

#include "kolosal/core/config.hpp"
#include "kolosal/models/linear/detail/lbfgs.hpp"
#include "kolosal/models/linear/detail/linear_input.hpp"
#include "kolosal/models/linear/detail/logistic_loss.hpp"
#include "kolosal/models/linear/detail/prox_newton.hpp"
#include "kolosal/models/linear/linear_model.hpp"

namespace kolosal::models {
namespace {

constexpr int kLbfgsProgressEvery = 5;

struct Coefficients {
  Eigen::MatrixXd coef;  // n_outputs x n_features
  Eigen::VectorXd intercept;
  bool converged = false;
};

LogisticPenalty ParsePenalty(const std::string& name) {
  if (name == "l1") return LogisticPenalty::kL1;
  if (name == "elasticnet") return LogisticPenalty::kElasticNet;
  return LogisticPenalty::kL2;
}

// Sample weights times scikit-learn's "balanced" class weights, n / (n_present * count_c),
// where counts ignore sample weights and only classes present in y take part.
Eigen::VectorXd RowWeights(const TrainData& data, const Eigen::VectorXd& labels, bool balanced) {
  Eigen::VectorXd weights = detail::SampleWeights(data);
  if (!balanced) return weights;
  Eigen::VectorXd counts = Eigen::VectorXd::Zero(data.n_classes);
  for (const double label : labels) counts(static_cast<Eigen::Index>(label)) += 1.0;
  const double n_present = static_cast<double>((counts.array() > 0).count());
  for (Eigen::Index row_idx = 0; row_idx < labels.size(); ++row_idx) {
    const double count = counts(static_cast<Eigen::Index>(labels(row_idx)));
    weights(row_idx) *= static_cast<double>(labels.size()) / (n_present * count);
  }
  return weights;
}

detail::IterationHook ProgressHook(const FitControl& control, int max_iter, int every) {
  return [&control, max_iter, every](int iteration) {
    if (iteration % every != 0) return;
    control.ReportProgress(static_cast<double>(iteration) / max_iter, LogisticRegression::kName);
  };
}

// The smooth part of the problem over theta = [coef (column-major), intercept]: the loss plus
// l2/2 ||coef||^2.
detail::SmoothFunction SmoothObjective(const detail::LogisticLoss& loss, double l2,
                                       bool fit_intercept) {
  return [&loss, l2, fit_intercept](const Eigen::VectorXd& theta, Eigen::VectorXd& gradient) {
    const Eigen::Index n_outputs = loss.n_outputs();
    const Eigen::Index n_features = loss.x().cols();
    const Eigen::Map<const Eigen::MatrixXd> coef(theta.data(), n_outputs, n_features);
    const Eigen::VectorXd intercept =
        fit_intercept ? Eigen::VectorXd(theta.tail(n_outputs)) : Eigen::VectorXd::Zero(n_outputs);
    const Eigen::MatrixXd scores = loss.Scores(coef, intercept);
    const Eigen::MatrixXd score_gradient = loss.ScoreGradient(loss.Probabilities(scores));
    Eigen::Map<Eigen::MatrixXd> coef_gradient(gradient.data(), n_outputs, n_features);
    coef_gradient.noalias() = score_gradient.transpose() * loss.x();
    coef_gradient += l2 * coef;
    if (fit_intercept) gradient.tail(n_outputs) = score_gradient.colwise().sum().transpose();
    return loss.Value(scores) + 0.5 * l2 * coef.squaredNorm();
  };
}

// L-BFGS for the smooth l2 problem, OWL-QN when there is an l1 part (intercepts unpenalised).
Coefficients FitQuasiNewton(const detail::LogisticLoss& loss, double l1, double l2,
                            const LogisticRegressionParams& params, const FitControl& control) {
  const Eigen::Index n_outputs = loss.n_outputs();
  const Eigen::Index n_coef = n_outputs * loss.x().cols();
  const Eigen::Index n_params = n_coef + (params.fit_intercept ? n_outputs : 0);
  Eigen::VectorXd theta = Eigen::VectorXd::Zero(n_params);
  detail::LbfgsOptions options;
  options.max_iter = params.max_iter;
  options.gtol = params.tol;
  if (l1 > 0) {
    options.l1 = Eigen::VectorXd::Zero(n_params);
    options.l1.head(n_coef).setConstant(l1);
  }
  const detail::LbfgsResult result =
      detail::MinimizeLbfgs(SmoothObjective(loss, l2, params.fit_intercept), theta, options,
                            ProgressHook(control, params.max_iter, kLbfgsProgressEvery));
  Coefficients fitted{Eigen::Map<const Eigen::MatrixXd>(theta.data(), n_outputs, loss.x().cols()),
                      Eigen::VectorXd::Zero(n_outputs), result.converged};
  if (params.fit_intercept) fitted.intercept = theta.tail(n_outputs);
  return fitted;
}

Coefficients FitProxNewton(const detail::LogisticLoss& loss, double l1, double l2,
                           const LogisticRegressionParams& params, const FitControl& control) {
  const detail::ProxNewtonOptions options{l1, l2, params.fit_intercept, params.max_iter,
                                          params.tol};
  Coefficients fitted{Eigen::MatrixXd::Zero(loss.n_outputs(), loss.x().cols()),
                      Eigen::VectorXd::Zero(loss.n_outputs()), false};
  fitted.converged = detail::MinimizeProxNewton(loss, options, fitted.coef, fitted.intercept,
                                                ProgressHook(control, params.max_iter, 1))
                         .converged;
  return fitted;
}

double L1Ratio(const LogisticRegressionParams& params) {
  switch (params.penalty) {
    case LogisticPenalty::kL2:
      return 0.0;
    case LogisticPenalty::kL1:
      return 1.0;
    case LogisticPenalty::kElasticNet:
      return params.l1_ratio;
  }
  return 0.0;
}

// Proximal Newton is the fastest for binary problems with an l1 part; L-BFGS (OWL-QN when there
// is an l1 part) handles the smooth and the multi-class ones.
Coefficients Solve(const detail::LogisticLoss& loss, double strength,
                   const LogisticRegressionParams& params, const FitControl& control) {
  const double l1 = strength * L1Ratio(params);
  const double l2 = strength * (1.0 - L1Ratio(params));
  if (l1 > 0 && loss.n_outputs() == 1) return FitProxNewton(loss, l1, l2, params, control);
  return FitQuasiNewton(loss, l1, l2, params, control);
}

}  // namespace

LogisticRegressionParams LogisticRegressionParams::FromJson(const nlohmann::json& params) {
  ConfigReader reader(params, std::string(LogisticRegression::kName) + " params");
  LogisticRegressionParams parsed;
  parsed.c = reader.GetDouble("C", parsed.c, std::numeric_limits<double>::min(), 1e12);
  parsed.penalty = ParsePenalty(reader.GetChoice("penalty", "l2", {"l2", "l1", "elasticnet"}));
  parsed.l1_ratio = reader.GetDouble("l1_ratio", parsed.l1_ratio, 0.0, 1.0);
  parsed.fit_intercept = reader.GetBool("fit_intercept", parsed.fit_intercept);
  parsed.balanced_class_weight =
      reader.GetChoice("class_weight", "none", {"none", "balanced"}) == "balanced";
  parsed.max_iter = static_cast<int>(reader.GetInt("max_iter", parsed.max_iter, 1, 1'000'000));
  parsed.tol = reader.GetDouble("tol", parsed.tol, std::numeric_limits<double>::min(), 1.0);
  detail::AllowSharedKeys(reader);
  reader.Finish();
  return parsed;
}

std::unique_ptr<Model> LogisticRegression::Fit(const TrainData& data,
                                               const FitControl& control) const {
  detail::ValidateTrainData(data, Task::kClassification, kName);
  control.ReportProgress(0.0, kName);
  const Eigen::VectorXd labels =
      Eigen::Map<const Eigen::VectorXf>(data.y.data(), data.x.rows).cast<double>();
  const Eigen::VectorXd weights = RowWeights(data, labels, params_.balanced_class_weight);
  const detail::LogisticLoss loss(detail::ToDoubleMatrix(data.x), labels, weights, data.n_classes);
  // The loss is a weighted mean, so C's penalty is divided by the total weight.
  Coefficients fitted = Solve(loss, 1.0 / (params_.c * weights.sum()), params_, control);
  // Softmax ignores a shift shared by every class; fix it as scikit-learn's solvers do.
  if (loss.n_outputs() > 1) fitted.intercept.array() -= fitted.intercept.mean();
  if (!fitted.converged) {
    control.Log(LogLevel::kWarning, std::string(kName) + ": did not converge in " +
                                        std::to_string(params_.max_iter) +
                                        " iterations; increase max_iter or scale the features");
  }
  control.ReportProgress(1.0, kName);
  return std::make_unique<LinearModel>(std::string(kName), Task::kClassification, data.n_classes,
                                       std::move(fitted.coef), std::move(fitted.intercept));
}

}  // namespace kolosal::models
