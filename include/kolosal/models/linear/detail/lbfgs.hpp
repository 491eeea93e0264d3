#pragma once

#include <Eigen/Core>
#include <functional>
#include <limits>

namespace kolosal::models::detail {

/// Returns f(theta) and writes its gradient into `gradient` (already sized like theta).
using SmoothFunction =
    std::function<double(const Eigen::VectorXd& theta, Eigen::VectorXd& gradient)>;
/// Called before every iteration with the iteration index; may throw to stop (cancellation).
using IterationHook = std::function<void(int iteration)>;

struct LbfgsOptions {
  int max_iter = 100;
  /// Converged when max |gradient| <= gtol (scipy's L-BFGS-B `gtol`, as scikit-learn uses it).
  double gtol = 1e-4;
  /// ... or when the relative decrease of f is at most ftol (scikit-learn's 64 * eps).
  double ftol = 64 * std::numeric_limits<double>::epsilon();
  int history = 10;
  int max_line_search = 50;
  /// Per-coordinate l1 weights (empty = none). With weights, the objective is
  /// function(theta) + sum_i l1_i |theta_i|, minimised by OWL-QN, and gtol applies to its
  /// minimum-norm subgradient.
  Eigen::VectorXd l1;
};

struct LbfgsResult {
  int n_iter = 0;
  bool converged = false;
  double value = 0.0;
};

/// Minimises a smooth convex function, plus an optional weighted l1 term, from `theta` (updated
/// in place) with limited-memory BFGS (OWL-QN when there is an l1 term) and a backtracking
/// Armijo line search.
LbfgsResult MinimizeLbfgs(const SmoothFunction& function, Eigen::VectorXd& theta,
                          const LbfgsOptions& options, const IterationHook& hook);

}  // namespace kolosal::models::detail
