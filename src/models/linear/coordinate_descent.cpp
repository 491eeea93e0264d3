#include "kolosal/models/linear/detail/coordinate_descent.hpp"

#include <algorithm>
#include <cmath>

namespace kolosal::models::detail {
namespace {

double SoftThreshold(double value, double threshold) {
  if (value > threshold) return value - threshold;
  if (value < -threshold) return value + threshold;
  return 0.0;
}

struct SweepChange {
  double max_coef = 0.0;
  double max_change = 0.0;
};

// One cyclic pass over the coordinates; `residual` (y - x coef) is kept up to date.
SweepChange Sweep(const Eigen::MatrixXd& x, const Eigen::VectorXd& column_norms, double l1,
                  double l2, Eigen::VectorXd& coef, Eigen::VectorXd& residual) {
  SweepChange change;
  for (Eigen::Index feature_idx = 0; feature_idx < x.cols(); ++feature_idx) {
    if (column_norms(feature_idx) == 0.0) continue;
    const double previous = coef(feature_idx);
    const double correlation =
        x.col(feature_idx).dot(residual) + previous * column_norms(feature_idx);
    const double updated = SoftThreshold(correlation, l1) / (column_norms(feature_idx) + l2);
    if (updated != previous) residual -= (updated - previous) * x.col(feature_idx);
    coef(feature_idx) = updated;
    change.max_change = std::max(change.max_change, std::abs(updated - previous));
    change.max_coef = std::max(change.max_coef, std::abs(updated));
  }
  return change;
}

// The duality gap of the elastic-net problem at coef, exactly as scikit-learn's cd_fast.pyx
// computes it.
double DualityGap(const Eigen::MatrixXd& x, const Eigen::VectorXd& y, double l1, double l2,
                  const Eigen::VectorXd& coef, const Eigen::VectorXd& residual) {
  const Eigen::VectorXd correlations = x.transpose() * residual - l2 * coef;
  const double dual_norm = correlations.lpNorm<Eigen::Infinity>();
  const double residual_norm2 = residual.squaredNorm();
  double scale = 1.0;
  double gap = residual_norm2;
  if (dual_norm > l1) {
    scale = l1 / dual_norm;
    gap = 0.5 * (residual_norm2 + residual_norm2 * scale * scale);
  }
  return gap + l1 * coef.lpNorm<1>() - scale * residual.dot(y) +
         0.5 * l2 * (1.0 + scale * scale) * coef.squaredNorm();
}

}  // namespace

CoordinateDescentResult ElasticNetCoordinateDescent(const Eigen::MatrixXd& x,
                                                    const Eigen::VectorXd& y, double l1, double l2,
                                                    int max_iter, double tol, Eigen::VectorXd& coef,
                                                    const IterationHook& hook) {
  const Eigen::VectorXd column_norms = x.colwise().squaredNorm().transpose();
  Eigen::VectorXd residual = y - x * coef;
  const double gap_tol = tol * y.squaredNorm();
  CoordinateDescentResult result;
  while (result.n_iter < max_iter) {
    if (hook) hook(result.n_iter);
    const SweepChange change = Sweep(x, column_norms, l1, l2, coef, residual);
    ++result.n_iter;
    const bool small_change = change.max_coef == 0.0 || change.max_change / change.max_coef < tol;
    if (!small_change && result.n_iter < max_iter) continue;
    result.dual_gap = DualityGap(x, y, l1, l2, coef, residual);
    if (result.dual_gap <= gap_tol) {
      result.converged = true;
      break;
    }
  }
  return result;
}

}  // namespace kolosal::models::detail
