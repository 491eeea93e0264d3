#include "kolosal/hpo/detail/lbfgs.hpp"

#include <cmath>
#include <deque>

namespace kolosal::hpo::detail {
inline namespace KOLOSAL_GP_ISA {
namespace {

constexpr int kHistory = 10;

Eigen::VectorXd Project(Eigen::VectorXd x, const Eigen::VectorXd& lower,
                        const Eigen::VectorXd& upper) {
  return x.cwiseMax(lower).cwiseMin(upper);
}

// The two-loop recursion: an approximation of -H^{-1} g.
Eigen::VectorXd Direction(const Eigen::VectorXd& gradient, const std::deque<Eigen::VectorXd>& s,
                          const std::deque<Eigen::VectorXd>& y) {
  Eigen::VectorXd q = gradient;
  std::vector<double> alpha(s.size());
  for (int idx = static_cast<int>(s.size()) - 1; idx >= 0; --idx) {
    const double rho = 1.0 / y[idx].dot(s[idx]);
    alpha[idx] = rho * s[idx].dot(q);
    q -= alpha[idx] * y[idx];
  }
  if (!s.empty()) q *= s.back().dot(y.back()) / y.back().squaredNorm();
  for (size_t idx = 0; idx < s.size(); ++idx) {
    const double rho = 1.0 / y[idx].dot(s[idx]);
    const double beta = rho * y[idx].dot(q);
    q += s[idx] * (alpha[idx] - beta);
  }
  return -q;
}

}  // namespace

LbfgsResult MinimizeLbfgs(const DifferentiableFunction& f, Eigen::VectorXd x0,
                          const Eigen::VectorXd& lower, const Eigen::VectorXd& upper,
                          int max_iterations, double first_step, LbfgsHistory* history) {
  LbfgsResult result;
  result.x = Project(std::move(x0), lower, upper);
  Eigen::VectorXd gradient(result.x.size());
  result.value = f(result.x, gradient);
  std::deque<Eigen::VectorXd> s_history;
  std::deque<Eigen::VectorXd> y_history;
  if (history != nullptr && history->s.size() == history->y.size() && !history->s.empty() &&
      history->s.front().size() == result.x.size()) {
    s_history = history->s;
    y_history = history->y;
  }
  const bool curved = !s_history.empty();
  for (; result.iterations < max_iterations; ++result.iterations) {
    if (!std::isfinite(result.value) || gradient.norm() < 1e-6) break;
    Eigen::VectorXd direction = Direction(gradient, s_history, y_history);
    if (direction.dot(gradient) >= 0.0) direction = -gradient;  // not a descent direction
    const double start = result.iterations == 0 && !curved ? first_step : 1.0;
    double step = start;
    Eigen::VectorXd candidate;
    Eigen::VectorXd candidate_gradient(result.x.size());
    double candidate_value = 0.0;
    const auto sufficient = [&](double length, Eigen::VectorXd& point, double& value,
                                Eigen::VectorXd& point_gradient) {
      point = Project(result.x + length * direction, lower, upper);
      value = f(point, point_gradient);
      const double expected = gradient.dot(point - result.x);
      return std::isfinite(value) && value <= result.value + 1e-4 * expected;
    };
    bool accepted = false;
    for (int tries = 0; tries < 30; ++tries, step *= 0.5) {
      if (sufficient(step, candidate, candidate_value, candidate_gradient)) {
        accepted = true;
        break;
      }
    }
    // A start below 1 that is accepted at once may be shorter than the step a search from 1
    // would accept: double it while the longer step is accepted too. The steps stay powers of
    // two, so this finds the same step as halving from 1 whenever acceptance is monotone.
    if (accepted && step == start) {
      Eigen::VectorXd longer;
      Eigen::VectorXd longer_gradient(result.x.size());
      double longer_value = 0.0;
      while (step < 1.0 && sufficient(2.0 * step, longer, longer_value, longer_gradient)) {
        step *= 2.0;
        candidate.swap(longer);
        candidate_gradient.swap(longer_gradient);
        candidate_value = longer_value;
      }
    }
    if (!accepted || (candidate - result.x).norm() < 1e-10) break;
    if (result.iterations == 0 && !curved) result.first_step = step;
    const Eigen::VectorXd s = candidate - result.x;
    const Eigen::VectorXd y = candidate_gradient - gradient;
    if (s.dot(y) > 1e-12) {
      s_history.push_back(s);
      y_history.push_back(y);
      if (s_history.size() > kHistory) {
        s_history.pop_front();
        y_history.pop_front();
      }
    }
    const bool stalled = result.value - candidate_value < 1e-10 * (1.0 + std::abs(result.value));
    result.x = candidate;
    result.value = candidate_value;
    gradient = candidate_gradient;
    if (stalled) break;
  }
  if (history != nullptr) {
    history->s = std::move(s_history);
    history->y = std::move(y_history);
  }
  return result;
}

}  // namespace KOLOSAL_GP_ISA
}  // namespace kolosal::hpo::detail
