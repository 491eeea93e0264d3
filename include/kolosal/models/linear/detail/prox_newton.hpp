#pragma once

#include <Eigen/Core>

#include "kolosal/models/linear/detail/lbfgs.hpp"
#include "kolosal/models/linear/detail/logistic_loss.hpp"

namespace kolosal::models::detail {

struct ProxNewtonOptions {
  double l1 = 0.0;  // weight of ||coef||_1
  double l2 = 0.0;  // weight of ||coef||^2 / 2
  bool fit_intercept = true;
  int max_iter = 100;  // outer (Newton) iterations
  /// Converged when every coordinate's minimum-norm subgradient is at most tol.
  double tol = 1e-4;
};

struct ProxNewtonResult {
  int n_iter = 0;
  bool converged = false;
};

/// Minimises a binary logistic loss + l1 ||coef||_1 + l2/2 ||coef||^2 (intercept unpenalised)
/// by proximal Newton, as glmnet and liblinear's newGLMNET do: each step minimises a quadratic
/// model of the loss plus the penalty by cyclic coordinate descent, then backtracks along that
/// direction (Armijo). `coef` (1 x n_features) and `intercept` (size 1) are the starting point
/// and the result. Multi-class problems go to OWL-QN instead (see lbfgs.hpp): cycling Newton
/// steps over the classes converges slowly there.
ProxNewtonResult MinimizeProxNewton(const LogisticLoss& loss, const ProxNewtonOptions& options,
                                    Eigen::MatrixXd& coef, Eigen::VectorXd& intercept,
                                    const IterationHook& hook);

}  // namespace kolosal::models::detail
