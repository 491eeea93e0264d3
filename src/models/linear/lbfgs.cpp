#include "kolosal/models/linear/detail/lbfgs.hpp"

#include <algorithm>
#include <cmath>
#include <deque>
#include <vector>

namespace kolosal::models::detail {
namespace {

// The curvature pairs (s, y) of the last few steps.
class LbfgsHistory {
 public:
  explicit LbfgsHistory(int capacity) : capacity_(static_cast<size_t>(std::max(1, capacity))) {}
  LbfgsHistory(const LbfgsHistory&) = delete;
  LbfgsHistory& operator=(const LbfgsHistory&) = delete;

  // Keeps the pair only when it has positive curvature, which keeps the inverse Hessian
  // approximation positive definite.
  void Add(Eigen::VectorXd step, Eigen::VectorXd gradient_change) {
    const double curvature = step.dot(gradient_change);
    if (!(curvature > 1e-10 * gradient_change.squaredNorm())) return;
    if (steps_.size() == capacity_) {
      steps_.pop_front();
      changes_.pop_front();
      rho_.pop_front();
    }
    steps_.push_back(std::move(step));
    changes_.push_back(std::move(gradient_change));
    rho_.push_back(1.0 / curvature);
  }

  void Clear() {
    steps_.clear();
    changes_.clear();
    rho_.clear();
  }

  bool empty() const { return steps_.empty(); }

  // The two-loop recursion: -H * gradient, with H the L-BFGS inverse Hessian approximation.
  Eigen::VectorXd Direction(const Eigen::VectorXd& gradient) const {
    Eigen::VectorXd direction = -gradient;
    std::vector<double> alpha(steps_.size());
    for (size_t idx = steps_.size(); idx-- > 0;) {
      alpha[idx] = rho_[idx] * steps_[idx].dot(direction);
      direction -= alpha[idx] * changes_[idx];
    }
    if (!steps_.empty()) {
      direction *= steps_.back().dot(changes_.back()) / changes_.back().squaredNorm();
    }
    for (size_t idx = 0; idx < steps_.size(); ++idx) {
      const double beta = rho_[idx] * changes_[idx].dot(direction);
      direction += (alpha[idx] - beta) * steps_[idx];
    }
    return direction;
  }

 private:
  size_t capacity_;
  std::deque<Eigen::VectorXd> steps_;
  std::deque<Eigen::VectorXd> changes_;
  std::deque<double> rho_;
};

struct Point {
  Eigen::VectorXd theta;
  Eigen::VectorXd gradient;         // of the smooth part
  Eigen::VectorXd pseudo_gradient;  // of the whole objective (= gradient without l1)
  double value = 0.0;               // smooth part plus l1 term
};

// The l1 term sum_i weight_i |theta_i| of OWL-QN (Andrew & Gao, 2007); empty weights make every
// operation the identity of plain L-BFGS.
class L1Term {
 public:
  explicit L1Term(const Eigen::VectorXd& weights) : weights_(weights) {}

  bool empty() const { return weights_.size() == 0; }

  double Value(const Eigen::VectorXd& theta) const {
    return empty() ? 0.0 : weights_.dot(theta.cwiseAbs());
  }

  // The minimum-norm subgradient: the steepest-descent direction, negated.
  Eigen::VectorXd PseudoGradient(const Eigen::VectorXd& theta,
                                 const Eigen::VectorXd& gradient) const {
    if (empty()) return gradient;
    Eigen::VectorXd pseudo(theta.size());
    for (Eigen::Index idx = 0; idx < theta.size(); ++idx) {
      pseudo(idx) = CoordinatePseudoGradient(theta(idx), gradient(idx), weights_(idx));
    }
    return pseudo;
  }

  // Zeroes the coordinates where the quasi-Newton direction disagrees with steepest descent.
  void Constrain(Eigen::VectorXd& direction, const Eigen::VectorXd& pseudo_gradient) const {
    if (empty()) return;
    direction.array() *= (direction.array() * pseudo_gradient.array() < 0).cast<double>();
  }

  // The orthant a step may explore: the sign of theta, or of the descent direction at zero.
  Eigen::VectorXd Orthant(const Eigen::VectorXd& theta,
                          const Eigen::VectorXd& pseudo_gradient) const {
    if (empty()) return {};
    return (theta.array() != 0)
        .select(theta.array().sign(), -pseudo_gradient.array().sign())
        .matrix();
  }

  // Zeroes the coordinates that left the orthant.
  void Project(Eigen::VectorXd& theta, const Eigen::VectorXd& orthant) const {
    if (empty()) return;
    theta.array() *= (theta.array() * orthant.array() > 0).cast<double>();
  }

 private:
  static double CoordinatePseudoGradient(double theta, double gradient, double weight) {
    if (theta > 0) return gradient + weight;
    if (theta < 0) return gradient - weight;
    if (gradient + weight < 0) return gradient + weight;
    if (gradient - weight > 0) return gradient - weight;
    return 0.0;
  }

  const Eigen::VectorXd& weights_;
};

void Evaluate(const SmoothFunction& function, const L1Term& l1, Point& point) {
  point.value = function(point.theta, point.gradient) + l1.Value(point.theta);
  point.pseudo_gradient = l1.PseudoGradient(point.theta, point.gradient);
}

// Backtracking until the Armijo condition holds, staying in the orthant of the current point.
// Returns false when no step decreases the objective.
bool LineSearch(const SmoothFunction& function, const L1Term& l1, const Point& current,
                const Eigen::VectorXd& direction, double initial_step, int max_steps, Point& next) {
  constexpr double kArmijo = 1e-4;
  const Eigen::VectorXd orthant = l1.Orthant(current.theta, current.pseudo_gradient);
  double step = initial_step;
  for (int attempt = 0; attempt < max_steps; ++attempt, step *= 0.5) {
    next.theta = current.theta + step * direction;
    l1.Project(next.theta, orthant);
    Evaluate(function, l1, next);
    const double predicted = current.pseudo_gradient.dot(next.theta - current.theta);
    if (std::isfinite(next.value) && next.value <= current.value + kArmijo * predicted) {
      return true;
    }
  }
  return false;
}

bool RelativeDecreaseBelow(double before, double after, double ftol) {
  return (before - after) <= ftol * std::max({std::abs(before), std::abs(after), 1.0});
}

Eigen::VectorXd SearchDirection(const LbfgsHistory& history, const L1Term& l1,
                                const Point& current) {
  Eigen::VectorXd direction = history.Direction(current.pseudo_gradient);
  l1.Constrain(direction, current.pseudo_gradient);
  return direction;
}

}  // namespace

LbfgsResult MinimizeLbfgs(const SmoothFunction& function, Eigen::VectorXd& theta,
                          const LbfgsOptions& options, const IterationHook& hook) {
  const L1Term l1(options.l1);
  Point current{theta, Eigen::VectorXd::Zero(theta.size()), {}, 0.0};
  Evaluate(function, l1, current);
  Point next = current;
  LbfgsHistory history(options.history);
  LbfgsResult result{0, current.pseudo_gradient.lpNorm<Eigen::Infinity>() <= options.gtol,
                     current.value};
  while (!result.converged && result.n_iter < options.max_iter) {
    if (hook) hook(result.n_iter);
    Eigen::VectorXd direction = SearchDirection(history, l1, current);
    if (current.pseudo_gradient.dot(direction) >= 0) {
      history.Clear();
      direction = -current.pseudo_gradient;
    }
    // The first step has no curvature information; scale it like scipy does.
    const double initial_step =
        history.empty() ? std::min(1.0, 1.0 / current.pseudo_gradient.norm()) : 1.0;
    ++result.n_iter;
    if (!LineSearch(function, l1, current, direction, initial_step, options.max_line_search,
                    next)) {
      // A stale curvature history can give a poor direction: retry once from steepest descent.
      if (history.empty()) break;
      history.Clear();
      continue;
    }
    history.Add(next.theta - current.theta, next.gradient - current.gradient);
    const bool small_decrease = RelativeDecreaseBelow(current.value, next.value, options.ftol);
    std::swap(current, next);
    result.converged =
        small_decrease || current.pseudo_gradient.lpNorm<Eigen::Infinity>() <= options.gtol;
  }
  theta = current.theta;
  result.value = current.value;
  return result;
}

}  // namespace kolosal::models::detail
