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
  /// The step length the line search accepted in the first iteration (0 if none was).
  double first_step = 0.0;
};

/// Minimises f from x0 with limited-memory BFGS (history 10) and a backtracking Armijo line
/// search; every coordinate is kept inside [lower, upper] by projection. Stops at
/// max_iterations, a gradient norm below 1e-6 or a step that no longer helps.
/// `first_step` (a power of two in (0, 1]) is where the line search of the first iteration (a
/// steepest-descent step, with no curvature history yet) starts: it halves from there, or
/// doubles while the longer step is accepted too, so it finds the step that halving from 1
/// finds whenever acceptance is monotone along the direction, in fewer evaluations when the
/// start is close. Later iterations halve from 1.
LbfgsResult MinimizeLbfgs(const DifferentiableFunction& f, Eigen::VectorXd x0,
                          const Eigen::VectorXd& lower, const Eigen::VectorXd& upper,
                          int max_iterations, double first_step = 1.0);

}  // namespace kolosal::hpo::detail
