#pragma once

#include <Eigen/Core>

#include "kolosal/models/linear/detail/lbfgs.hpp"

namespace kolosal::models::detail {

struct CoordinateDescentResult {
  int n_iter = 0;
  bool converged = false;
  double dual_gap = 0.0;
};

/// Minimises 0.5 ||y - x coef||^2 + l1 ||coef||_1 + l2/2 ||coef||^2 by cyclic coordinate
/// descent, as scikit-learn's `enet_coordinate_descent`: after a sweep whose largest update is
/// below tol relative to the largest coefficient, it computes the duality gap and stops once
/// the gap is below tol * ||y||^2. `coef` is the starting point and the result.
CoordinateDescentResult ElasticNetCoordinateDescent(const Eigen::MatrixXd& x,
                                                    const Eigen::VectorXd& y, double l1, double l2,
                                                    int max_iter, double tol, Eigen::VectorXd& coef,
                                                    const IterationHook& hook);

}  // namespace kolosal::models::detail
