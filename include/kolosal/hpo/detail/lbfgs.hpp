#pragma once

#include <Eigen/Dense>
#include <deque>
#include <functional>

#include "kolosal/hpo/detail/gp_isa.hpp"

namespace kolosal::hpo::detail {
inline namespace KOLOSAL_GP_ISA {

/// f(x) with its gradient written into `gradient`.
using DifferentiableFunction =
    std::function<double(const Eigen::VectorXd& x, Eigen::VectorXd& gradient)>;

/// The curvature pairs (steps s and gradient changes y, oldest first) of a search, to start a
/// later search of a similar function with.
struct LbfgsHistory {
  std::deque<Eigen::VectorXd> s;
  std::deque<Eigen::VectorXd> y;
};

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
/// start is close. Later iterations halve from 1. With `history`, the search starts from its
/// curvature pairs (its first step is then a quasi-Newton step from 1, and `first_step` is not
/// used) and leaves its own last pairs there.
LbfgsResult MinimizeLbfgs(const DifferentiableFunction& f, Eigen::VectorXd x0,
                          const Eigen::VectorXd& lower, const Eigen::VectorXd& upper,
                          int max_iterations, double first_step = 1.0,
                          LbfgsHistory* history = nullptr);

}  // namespace KOLOSAL_GP_ISA
}  // namespace kolosal::hpo::detail
