#pragma once

#include <Eigen/Dense>
#include <functional>

namespace kolosal::hpo::detail {

/// f(x) with its gradient written into `gradient`.
using DifferentiableFunction =
    std::function<double(const Eigen::VectorXd& x, Eigen::VectorXd& gradient)>;

struct LbfgsResult {
  Eigen::VectorXd x;
  double value = 0.0;
  int iterations = 0;
};

/// Minimises f from x0 with limited-memory BFGS (history 10) and a backtracking Armijo line
/// search; every coordinate is kept inside [lower, upper] by projection. Stops at
/// max_iterations, a gradient norm below 1e-6 or a step that no longer helps.
LbfgsResult MinimizeLbfgs(const DifferentiableFunction& f, Eigen::VectorXd x0,
                          const Eigen::VectorXd& lower, const Eigen::VectorXd& upper,
                          int max_iterations);

}  // namespace kolosal::hpo::detail
