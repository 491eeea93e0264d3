#include "kolosal/models/linear/detail/prox_newton.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "kolosal/core/error.hpp"

namespace kolosal::models::detail {
namespace {

constexpr int kMaxInnerPasses = 100;
// An inner solve stops once a sweep moves no coordinate by more than this fraction of the
// largest step coordinate: an inexact Newton step, which keeps the outer convergence fast.
constexpr double kInnerRelativeTol = 1e-3;
constexpr int kMaxBacktracks = 40;
constexpr double kArmijo = 1e-4;
// Floor on p (1 - p) so that saturated rows still give a positive-definite quadratic model.
constexpr double kMinCurvature = 1e-10;
constexpr double kStallTol = 64 * std::numeric_limits<double>::epsilon();

double SoftThreshold(double value, double threshold) {
  if (value > threshold) return value - threshold;
  if (value < -threshold) return value + threshold;
  return 0.0;
}

double Penalty(const Eigen::RowVectorXd& coef, const ProxNewtonOptions& options) {
  return options.l1 * coef.lpNorm<1>() + 0.5 * options.l2 * coef.squaredNorm();
}

// The quadratic model of the loss in the scores, q(u) = g.u + u.diag(h).u / 2 for a score step
// u = x d + d0, plus the penalty at coef + d.
struct QuadraticModel {
  Eigen::VectorXd gradient;   // g: d loss / d score, per row
  Eigen::VectorXd curvature;  // h: d^2 loss / d score^2, per row
};

struct NewtonStep {
  Eigen::RowVectorXd coef_step;
  double intercept_step = 0.0;
  Eigen::VectorXd score_step;  // x * coef_step + intercept_step
};

QuadraticModel MakeQuadraticModel(const LogisticLoss& loss, const Eigen::MatrixXd& scores) {
  const Eigen::MatrixXd probabilities = loss.Probabilities(scores);
  const Eigen::ArrayXd probability = probabilities.col(0).array();
  const Eigen::ArrayXd spread = (probability * (1.0 - probability)).max(kMinCurvature);
  return QuadraticModel{loss.ScoreGradient(probabilities).col(0),
                        (spread * loss.weights().array()).matrix()};
}

// `residual` is the model's gradient with respect to the scores at the current step.
double InterceptUpdate(const QuadraticModel& model, const Eigen::VectorXd& residual) {
  const double total_curvature = model.curvature.sum();
  return total_curvature > 0 ? -residual.sum() / total_curvature : 0.0;
}

// Coordinate descent on the quadratic model; returns the largest coordinate change.
double CoordinateSweep(const Eigen::MatrixXd& x, const QuadraticModel& model,
                       const Eigen::VectorXd& diagonal, const Eigen::RowVectorXd& coef,
                       const ProxNewtonOptions& options, NewtonStep& step,
                       Eigen::VectorXd& residual) {
  double max_change = 0.0;
  if (options.fit_intercept) {
    const double delta = InterceptUpdate(model, residual);
    step.intercept_step += delta;
    residual += delta * model.curvature;
  }
  for (Eigen::Index feature_idx = 0; feature_idx < x.cols(); ++feature_idx) {
    const double denominator = diagonal(feature_idx) + options.l2;
    if (!(denominator > 0)) continue;
    const double current = coef(feature_idx) + step.coef_step(feature_idx);
    const double gradient = x.col(feature_idx).dot(residual);
    const double updated =
        SoftThreshold(diagonal(feature_idx) * current - gradient, options.l1) / denominator;
    const double delta = updated - current;
    if (delta == 0.0) continue;
    step.coef_step(feature_idx) += delta;
    residual += delta * model.curvature.cwiseProduct(x.col(feature_idx));
    max_change = std::max(max_change, std::abs(delta));
  }
  return max_change;
}

NewtonStep SolveQuadraticModel(const Eigen::MatrixXd& x, const QuadraticModel& model,
                               const Eigen::RowVectorXd& coef, const ProxNewtonOptions& options) {
  const Eigen::VectorXd diagonal = x.array().square().matrix().transpose() * model.curvature;
  NewtonStep step{Eigen::RowVectorXd::Zero(x.cols()), 0.0, Eigen::VectorXd()};
  Eigen::VectorXd residual = model.gradient;
  for (int pass = 0; pass < kMaxInnerPasses; ++pass) {
    const double max_change = CoordinateSweep(x, model, diagonal, coef, options, step, residual);
    if (max_change <= kInnerRelativeTol * step.coef_step.lpNorm<Eigen::Infinity>()) break;
  }
  step.score_step = x * step.coef_step.transpose();
  step.score_step.array() += step.intercept_step;
  return step;
}

// Backtracks along the step until the objective decreases enough (Armijo) and applies the
// accepted fraction of it to coef, intercept and scores; leaves them if no fraction does.
void ApplyWithLineSearch(const LogisticLoss& loss, const ProxNewtonOptions& options,
                         const QuadraticModel& model, const NewtonStep& step, Eigen::MatrixXd& coef,
                         Eigen::VectorXd& intercept, Eigen::MatrixXd& scores) {
  const Eigen::RowVectorXd start = coef.row(0);
  const double start_penalty = Penalty(start, options);
  const double predicted_decrease = model.gradient.dot(step.score_step) +
                                    Penalty(start + step.coef_step, options) - start_penalty;
  if (!(predicted_decrease < 0)) return;
  const double start_value = loss.Value(scores) + start_penalty;
  const Eigen::MatrixXd start_scores = scores;
  double fraction = 1.0;
  for (int attempt = 0; attempt < kMaxBacktracks; ++attempt, fraction *= 0.5) {
    const Eigen::RowVectorXd candidate = start + fraction * step.coef_step;
    scores.col(0) = start_scores.col(0) + fraction * step.score_step;
    const double value = loss.Value(scores) + Penalty(candidate, options);
    if (value <= start_value + kArmijo * fraction * predicted_decrease) {
      coef.row(0) = candidate;
      intercept(0) += fraction * step.intercept_step;
      return;
    }
  }
  scores = start_scores;
}

double Objective(const LogisticLoss& loss, const ProxNewtonOptions& options,
                 const Eigen::MatrixXd& coef, const Eigen::MatrixXd& scores) {
  return loss.Value(scores) + Penalty(coef.row(0), options);
}

double MinNormSubgradient(double gradient, double coef, double l1) {
  if (coef > 0) return std::abs(gradient + l1);
  if (coef < 0) return std::abs(gradient - l1);
  return std::max(std::abs(gradient) - l1, 0.0);
}

// The largest optimality violation over every coefficient and the intercept.
double MaxViolation(const LogisticLoss& loss, const ProxNewtonOptions& options,
                    const Eigen::MatrixXd& coef, const Eigen::MatrixXd& scores) {
  const Eigen::VectorXd score_gradient = loss.ScoreGradient(loss.Probabilities(scores)).col(0);
  const Eigen::RowVectorXd coef_gradient =
      score_gradient.transpose() * loss.x() + options.l2 * coef.row(0);
  double violation = 0.0;
  for (Eigen::Index feature_idx = 0; feature_idx < coef.cols(); ++feature_idx) {
    violation = std::max(violation, MinNormSubgradient(coef_gradient(feature_idx),
                                                       coef(0, feature_idx), options.l1));
  }
  if (!options.fit_intercept) return violation;
  return std::max(violation, std::abs(score_gradient.sum()));
}

}  // namespace

ProxNewtonResult MinimizeProxNewton(const LogisticLoss& loss, const ProxNewtonOptions& options,
                                    Eigen::MatrixXd& coef, Eigen::VectorXd& intercept,
                                    const IterationHook& hook) {
  if (loss.n_outputs() != 1) {
    throw Error(StatusCode::kInternal, "MinimizeProxNewton handles binary problems only");
  }
  Eigen::MatrixXd scores = loss.Scores(coef, intercept);
  double objective = Objective(loss, options, coef, scores);
  ProxNewtonResult result;
  while (result.n_iter < options.max_iter) {
    if (hook) hook(result.n_iter);
    if (MaxViolation(loss, options, coef, scores) <= options.tol) {
      result.converged = true;
      break;
    }
    const QuadraticModel model = MakeQuadraticModel(loss, scores);
    const NewtonStep step = SolveQuadraticModel(loss.x(), model, coef.row(0), options);
    ApplyWithLineSearch(loss, options, model, step, coef, intercept, scores);
    ++result.n_iter;
    // Once a step gains nothing that double precision can resolve, no further step will either
    // (scipy's L-BFGS-B stops on the same rule).
    const double next_objective = Objective(loss, options, coef, scores);
    if (objective - next_objective <= kStallTol * std::max(std::abs(objective), 1.0)) {
      result.converged = true;
      break;
    }
    objective = next_objective;
  }
  if (!result.converged) {
    result.converged = MaxViolation(loss, options, coef, scores) <= options.tol;
  }
  return result;
}

}  // namespace kolosal::models::detail
