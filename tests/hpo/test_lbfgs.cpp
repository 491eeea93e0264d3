#include <gtest/gtest.h>

#include "kolosal/hpo/detail/lbfgs.hpp"

namespace kolosal::hpo::detail {
namespace {

// An ill-conditioned quadratic: the first (steepest-descent) step must be short.
double Quadratic(const Eigen::VectorXd& x, Eigen::VectorXd& gradient) {
  const Eigen::Vector2d curvature(50.0, 1.0);
  gradient = curvature.cwiseProduct(x);
  return 0.5 * x.dot(gradient);
}

// Where the first line search starts changes only its cost: with acceptance monotone along the
// direction (as on a convex quadratic) it finds the step that halving from 1 finds.
TEST(Lbfgs, FirstStepChangesOnlyTheCost) {
  const Eigen::VectorXd lower = Eigen::VectorXd::Constant(2, -10.0);
  const Eigen::VectorXd upper = Eigen::VectorXd::Constant(2, 10.0);
  const Eigen::VectorXd x0 = Eigen::VectorXd::Ones(2);
  const LbfgsResult reference = MinimizeLbfgs(Quadratic, x0, lower, upper, 3);
  ASSERT_GT(reference.first_step, 0.0);
  ASSERT_LT(reference.first_step, 1.0);
  for (const double first_step : {1.0, 0.5, reference.first_step, 1.0 / 1024.0}) {
    const LbfgsResult result = MinimizeLbfgs(Quadratic, x0, lower, upper, 3, first_step);
    EXPECT_EQ(result.first_step, reference.first_step) << first_step;
    EXPECT_EQ(result.x, reference.x) << first_step;
    EXPECT_EQ(result.value, reference.value) << first_step;
  }
}

// Curvature pairs from an earlier search make the next search's first step a quasi-Newton step:
// on the ill-conditioned quadratic one iteration from a new start gets far closer to the
// minimum than a steepest-descent iteration does.
TEST(Lbfgs, HistoryFromAnEarlierSearchSpeedsUpTheNext) {
  const Eigen::VectorXd lower = Eigen::VectorXd::Constant(2, -10.0);
  const Eigen::VectorXd upper = Eigen::VectorXd::Constant(2, 10.0);
  LbfgsHistory history;
  MinimizeLbfgs(Quadratic, Eigen::VectorXd::Ones(2), lower, upper, 5, 1.0, &history);
  ASSERT_FALSE(history.s.empty());
  ASSERT_EQ(history.s.size(), history.y.size());
  const Eigen::Vector2d start(-2.0, 3.0);
  const LbfgsResult cold = MinimizeLbfgs(Quadratic, start, lower, upper, 1);
  LbfgsHistory carried = history;
  const LbfgsResult warm = MinimizeLbfgs(Quadratic, start, lower, upper, 1, 1.0, &carried);
  EXPECT_LT(warm.value, 1e-3 * cold.value);
  EXPECT_EQ(warm.first_step, 0.0);  // not a steepest-descent first step
  EXPECT_FALSE(carried.s.empty());
}

}  // namespace
}  // namespace kolosal::hpo::detail
