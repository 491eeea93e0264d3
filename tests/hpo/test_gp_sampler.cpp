#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "kolosal/hpo/detail/gaussian_process.hpp"
#include "kolosal/hpo/gp_sampler.hpp"
#include "kolosal/hpo/study.hpp"

namespace kolosal::hpo {
namespace {

// `rows` points uniform in [0, 1]^cols, drawn row by row.
Eigen::MatrixXd UniformPoints(Eigen::Index rows, Eigen::Index cols, Rng& rng) {
  Eigen::MatrixXd points(rows, cols);
  for (Eigen::Index row = 0; row < rows; ++row) {
    for (Eigen::Index col = 0; col < cols; ++col) points(row, col) = UniformUnit(rng);
  }
  return points;
}

TEST(GpSampler, FindsTheMinimumOfAQuadraticWithin15Trials) {
  auto study = Study::Create(R"({"params":[{"name":"x","type":"float","low":-5,"high":5}]})",
                             R"({"optimization_strategy":"BAYESIAN_OPTIMIZATION","max_trials":15,
                                 "random_state":7})");
  EXPECT_EQ(study->sampler().Name(), "gp");
  study->Optimize([](const Trial& trial) {
    const double x = trial.GetFloat("x");
    return (x - 1.3) * (x - 1.3);
  });
  EXPECT_EQ(study->Trials().size(), 15u);
  EXPECT_LT(study->BestTrial()->value, 1e-3);
}

TEST(GpSampler, FitsAFunctionItHasSeen) {
  Rng rng(1);
  Eigen::MatrixXd x(12, 1);
  Eigen::VectorXd y(12);
  for (int row = 0; row < 12; ++row) {
    x(row, 0) = row / 11.0;
    y[row] = std::sin(6.0 * x(row, 0));
  }
  detail::GaussianProcess process;
  process.Fit(x, y, rng);
  Eigen::MatrixXd points(1, 1);
  points(0, 0) = 0.5 / 11.0 + 5.0 / 11.0;
  const auto prediction = process.Predict(points);
  EXPECT_NEAR(prediction.mean[0], std::sin(6.0 * points(0, 0)), 0.05);
  EXPECT_LT(prediction.variance[0], 0.05);
  EXPECT_TRUE(std::isfinite(process.log_posterior()));
}

// The likelihood's gradient (from the lower triangles of K^-1) against central differences.
TEST(GpSampler, LikelihoodGradientMatchesFiniteDifferences) {
  Rng rng(5);
  const Eigen::MatrixXd x = UniformPoints(37, 3, rng);
  const Eigen::VectorXd y = (3.0 * x.col(0).array()).sin() + x.col(1).array().square();
  detail::GaussianProcess process;
  process.Fit(x, y, rng);
  for (int point = 0; point < 3; ++point) {
    Eigen::VectorXd theta(5);
    for (Eigen::Index idx = 0; idx < 5; ++idx) theta[idx] = -1.5 + 1.5 * UniformUnit(rng);
    Eigen::VectorXd gradient;
    process.NegativeLogPosterior(theta, gradient);
    for (Eigen::Index idx = 0; idx < 5; ++idx) {
      constexpr double kStep = 1e-5;
      Eigen::VectorXd unused;
      Eigen::VectorXd up = theta;
      Eigen::VectorXd down = theta;
      up[idx] += kStep;
      down[idx] -= kStep;
      const double numeric =
          (process.NegativeLogPosterior(up, unused) - process.NegativeLogPosterior(down, unused)) /
          (2.0 * kStep);
      EXPECT_NEAR(gradient[idx], numeric, 1e-5 * (1.0 + std::abs(numeric)))
          << "theta " << idx << " at point " << point;
    }
  }
}

// The refinement's gradients of the posterior mean and variance against central differences,
// and the same posterior as Predict().
TEST(GpSampler, PosteriorGradientsMatchFiniteDifferences) {
  Rng rng(9);
  const Eigen::MatrixXd x = UniformPoints(30, 3, rng);
  const Eigen::VectorXd y = (5.0 * x.col(0).array()).cos() + x.col(2).array();
  detail::GaussianProcess process;
  process.Fit(x, y, rng);
  const Eigen::MatrixXd points = UniformPoints(4, 3, rng);
  const auto result = process.PredictWithGradients(points);
  const auto plain = process.Predict(points);
  for (Eigen::Index row = 0; row < points.rows(); ++row) {
    EXPECT_DOUBLE_EQ(result.prediction.mean[row], plain.mean[row]);
    EXPECT_DOUBLE_EQ(result.prediction.variance[row], plain.variance[row]);
    for (Eigen::Index col = 0; col < points.cols(); ++col) {
      constexpr double kStep = 1e-6;
      Eigen::MatrixXd up = points.row(row);
      Eigen::MatrixXd down = points.row(row);
      up(0, col) += kStep;
      down(0, col) -= kStep;
      const auto high = process.Predict(up);
      const auto low = process.Predict(down);
      const double mean_slope = (high.mean[0] - low.mean[0]) / (2.0 * kStep);
      const double variance_slope = (high.variance[0] - low.variance[0]) / (2.0 * kStep);
      EXPECT_NEAR(result.mean_gradient(row, col), mean_slope, 1e-5 * (1.0 + std::abs(mean_slope)));
      EXPECT_NEAR(result.variance_gradient(row, col), variance_slope,
                  1e-5 * (1.0 + std::abs(variance_slope)));
    }
  }
}

// The screening bound of the acquisition search: the same mean, and a variance never below the
// exact one, so ranking rows by it skips only rows that cannot win.
TEST(GpSampler, VarianceBoundIsAnUpperBound) {
  Rng rng(3);
  const Eigen::MatrixXd x = UniformPoints(40, 3, rng);
  const Eigen::VectorXd y = (4.0 * x.col(0).array()).sin() + x.col(1).array() * x.col(2).array();
  detail::GaussianProcess process;
  process.Fit(x, y, rng);
  const Eigen::MatrixXd points = UniformPoints(300, 3, rng);
  const auto exact = process.Predict(points);
  const auto bound = process.PredictWithVarianceBound(points);
  for (Eigen::Index row = 0; row < points.rows(); ++row) {
    EXPECT_NEAR(bound.mean[row], exact.mean[row], 1e-9);
    EXPECT_GE(bound.variance[row], exact.variance[row] - 1e-12);
  }
}

// The acquisition search scores candidates exactly from the cross-covariances the bound pass
// stored: the same mean and variance, to the last bit, as predicting them afresh.
TEST(GpSampler, ExactVarianceFromTheBoundPassMatchesPredict) {
  Rng rng(5);
  const Eigen::MatrixXd x = UniformPoints(70, 4, rng);
  const Eigen::VectorXd y =
      (3.0 * x.col(0).array()).cos() + x.col(1).array() - x.col(2).array() * x.col(3).array();
  detail::GaussianProcess process;
  process.Fit(x, y, rng);
  const Eigen::MatrixXd points = UniformPoints(100, 4, rng);
  Eigen::MatrixXd cross(process.rows(), points.rows());
  const auto bound = process.PredictWithVarianceBound(points, cross);
  const std::vector<Eigen::Index> rows = {97, 3, 64, 31, 32, 0};  // gathered, out of order
  Eigen::MatrixXd columns(process.rows(), static_cast<Eigen::Index>(rows.size()));
  Eigen::MatrixXd picked(static_cast<Eigen::Index>(rows.size()), points.cols());
  for (size_t idx = 0; idx < rows.size(); ++idx) {
    columns.col(static_cast<Eigen::Index>(idx)) = cross.col(rows[idx]);
    picked.row(static_cast<Eigen::Index>(idx)) = points.row(rows[idx]);
  }
  const Eigen::VectorXd variance = process.ExactVariance(columns);
  const auto fresh = process.Predict(picked);
  for (size_t idx = 0; idx < rows.size(); ++idx) {
    const auto index = static_cast<Eigen::Index>(idx);
    EXPECT_EQ(bound.mean[rows[idx]], fresh.mean[index]) << rows[idx];
    EXPECT_EQ(variance[index], fresh.variance[index]) << rows[idx];
    EXPECT_LE(variance[index], bound.variance[rows[idx]]) << rows[idx];
  }
}

// The target warp: the best loss maps to 0, the 90th-percentile gap to log 2, the order is
// kept, gaps far below that scale stay about linear, and a tail is compressed to its log.
TEST(GpSampler, WarpKeepsTheOrderAndCompressesTheTail) {
  Eigen::VectorXd losses(11);
  losses << 5.0, 5.001, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 15.0, 1e6;
  const Eigen::VectorXd warped = GpSampler::WarpLosses(losses);
  // Gaps 0, 0.001, 1..7, 10, ~1e6; nearest rank 9 of 0..10 is the gap 10.
  EXPECT_EQ(warped[0], 0.0);
  EXPECT_NEAR(warped[9], std::log(2.0), 1e-15);
  EXPECT_NEAR(warped[1], 0.001 / 10.0, 1e-8);
  EXPECT_NEAR(warped[10], std::log1p((1e6 - 5.0) / 10.0), 1e-12);
  for (Eigen::Index row = 1; row < losses.size(); ++row) EXPECT_GT(warped[row], warped[row - 1]);
  // Ties at the best leave the percentile at 0: the largest gap is the scale instead.
  Eigen::VectorXd ties = Eigen::VectorXd::Constant(20, 3.0);
  ties[7] = 4.0;
  EXPECT_NEAR(GpSampler::WarpLosses(ties)[7], std::log(2.0), 1e-15);
  EXPECT_TRUE(GpSampler::WarpLosses(Eigen::VectorXd::Constant(5, 2.0)).isZero());
}

// The kernel's own exp: with one training point the posterior mean is k(p, x0) / (s2 + noise)
// times its target, checked against the Matérn formula with std::exp from r = 0 to s = 224.
TEST(GpSampler, KernelMatchesTheMaternFormula) {
  Eigen::MatrixXd x = Eigen::MatrixXd::Zero(1, 1);
  Eigen::VectorXd y = Eigen::VectorXd::Ones(1);
  Eigen::VectorXd theta(3);
  theta << std::log(0.01), 0.0, std::log(1e-3);  // lengthscale 0.01, s2 = 1
  detail::GaussianProcess process;
  process.Condition(x, y, theta);
  Eigen::MatrixXd points(200, 1);
  for (Eigen::Index row = 0; row < points.rows(); ++row) points(row, 0) = row / 199.0;
  const auto prediction = process.Predict(points);
  const double diagonal = 1.0 + process.noise_variance();
  for (Eigen::Index row = 0; row < points.rows(); ++row) {
    const double scaled = std::sqrt(5.0) * points(row, 0) / 0.01;
    const double matern = (1.0 + scaled + scaled * scaled / 3.0) * std::exp(-scaled);
    // Rounding the distance (relative 1e-16) moves exp(-s) by s times that.
    const double tolerance = 1e-15 * (1.0 + scaled) * matern + 1e-300;
    EXPECT_NEAR(prediction.mean[row] * diagonal, matern, tolerance) << row;
  }
}

// A warm-started fit reuses hyperparameters across asks; the trials must still depend only on
// the seed.
TEST(GpSampler, SameSeedGivesTheSameTrials) {
  const auto run = [] {
    auto study = Study::Create(
        R"({"params":[{"name":"x","type":"float","low":-5,"high":5},
                      {"name":"y","type":"float","low":-5,"high":5}]})",
        R"({"sampler":"gp","max_trials":40,"random_state":11,"gp_candidates":300})");
    study->Optimize([](const Trial& trial) {
      const double x = trial.GetFloat("x");
      const double y = trial.GetFloat("y");
      return (x - 1.0) * (x - 1.0) + std::sin(3.0 * y) + 0.1 * y * y;
    });
    std::vector<ParamVector> params;
    for (const FrozenTrial& trial : study->Trials()) params.push_back(trial.params);
    return params;
  };
  EXPECT_EQ(run(), run());
}

TEST(GpSampler, ExpectedImprovementIsStableInTheTail) {
  EXPECT_NEAR(std::exp(LogExpectedImprovement(0.0, 1.0, 0.0)), 0.3989422804, 1e-6);
  const double far = LogExpectedImprovement(40.0, 1.0, 0.0);
  EXPECT_TRUE(std::isfinite(far));
  EXPECT_LT(far, LogExpectedImprovement(10.0, 1.0, 0.0));
}

TEST(GpSampler, HandlesMixedSpaces) {
  auto study = Study::Create(
      R"({"params":[{"name":"x","type":"float","low":-2,"high":2},
                    {"name":"n","type":"int","low":1,"high":100,"log":true},
                    {"name":"c","type":"categorical","choices":["a","b","c"]}]})",
      R"({"sampler":"gp","max_trials":20,"random_state":2})");
  study->Optimize([](const Trial& trial) {
    return trial.GetFloat("x") * trial.GetFloat("x") + std::log(trial.GetInt("n")) +
           (trial.GetCategorical("c") == "b" ? 0.0 : 1.0);
  });
  EXPECT_EQ(study->Trials().size(), 20u);
  EXPECT_LT(study->BestTrial()->value, 2.0);
}

// Features are the unit cube of the space, log parameters in log space, one column per choice;
// values outside the space (ADAPTIVE's nearby trials) lie outside the cube instead of on its
// faces.
TEST(GpSampler, EncodesValuesOutsideTheSpaceOutsideTheUnitCube) {
  const SearchSpace space = SearchSpace::Parse(
      R"({"params":[{"name":"x","type":"float","low":0,"high":10},
                    {"name":"r","type":"float","low":1,"high":100,"log":true},
                    {"name":"c","type":"categorical","choices":["a","b"]}]})");
  const Eigen::VectorXd inside = GpSampler::Encode(space, {2.5, 10.0, 1.0});
  ASSERT_EQ(inside.size(), 4);
  EXPECT_DOUBLE_EQ(inside[0], 0.25);
  EXPECT_NEAR(inside[1], 0.5, 1e-12);
  EXPECT_EQ(inside[2], 0.0);
  EXPECT_EQ(inside[3], 1.0);
  const Eigen::VectorXd outside = GpSampler::Encode(space, {15.0, 1000.0, 0.0});
  EXPECT_DOUBLE_EQ(outside[0], 1.5);
  EXPECT_NEAR(outside[1], 1.5, 1e-12);
}

// A conditional space: a trial has gamma exactly when its kernel is rbf, always within its
// range, and the GP finds the better branch.
TEST(GpSampler, KeepsConditionalParametersConsistent) {
  auto study = Study::Create(
      R"({"params":[{"name":"kernel","type":"categorical","choices":["linear","rbf"]},
                    {"name":"gamma","type":"float","low":0.001,"high":10,"log":true,
                     "condition":{"kernel":["rbf"]}},
                    {"name":"x","type":"float","low":0,"high":1}]})",
      R"({"sampler":"gp","max_trials":40,"random_state":4})");
  study->Optimize([](const Trial& trial) {
    const double penalty = trial.GetCategorical("kernel") == "rbf"
                               ? std::pow(std::log10(trial.GetFloat("gamma")), 2)
                               : 1.0;
    return penalty + std::pow(trial.GetFloat("x") - 0.3, 2);
  });
  std::vector<double> gammas;
  for (const FrozenTrial& frozen : study->Trials()) {
    ASSERT_EQ(frozen.params.size(), 3u);
    if (frozen.params[0] == 1.0) {
      ASSERT_FALSE(std::isnan(frozen.params[1])) << frozen.number;
      EXPECT_GE(frozen.params[1], 0.001);
      EXPECT_LE(frozen.params[1], 10.0);
      gammas.push_back(frozen.params[1]);
    } else {
      EXPECT_TRUE(std::isnan(frozen.params[1])) << frozen.number;
    }
  }
  std::sort(gammas.begin(), gammas.end());
  EXPECT_GT(std::unique(gammas.begin(), gammas.end()) - gammas.begin(), 10);
  EXPECT_LT(study->BestTrial()->value, 0.1);
  EXPECT_EQ(study->BestTrial()->params[0], 1.0);
}

// A perturbation whose new kernel switches gamma on draws gamma over its range (not its low
// bound); numeric parameters take small steps.
TEST(GpSampler, PerturbDrawsTheParametersANewChoiceSwitchesOn) {
  const SearchSpace space = SearchSpace::Parse(
      R"({"params":[{"name":"kernel","type":"categorical","choices":["linear","rbf"]},
                    {"name":"gamma","type":"float","low":1,"high":10,"condition":{"kernel":["rbf"]}},
                    {"name":"x","type":"float","low":0,"high":100}]})");
  const ParamVector origin = {0.0, std::numeric_limits<double>::quiet_NaN(), 50.0};
  Rng rng(8);
  std::vector<double> gammas;
  for (int draw = 0; draw < 400; ++draw) {
    const ParamVector moved = GpSampler::Perturb(space, origin, 0.05, rng);
    ASSERT_EQ(moved.size(), 3u);
    EXPECT_LT(std::abs(moved[2] - 50.0), 30.0);
    if (moved[0] == 0.0) {
      EXPECT_TRUE(std::isnan(moved[1]));
      continue;
    }
    ASSERT_FALSE(std::isnan(moved[1]));
    EXPECT_GE(moved[1], 1.0);
    EXPECT_LE(moved[1], 10.0);
    gammas.push_back(moved[1]);
  }
  ASSERT_GT(gammas.size(), 5u);  // about 400 * 0.1 / 2
  EXPECT_GT(*std::max_element(gammas.begin(), gammas.end()), 5.0);
  EXPECT_GT(*std::min_element(gammas.begin(), gammas.end()), 1.0);
}

// A one-exchange move changes exactly one active parameter over its whole range; a parameter
// that the move switches on is drawn over its range too, not left at its low bound.
TEST(GpSampler, MoveOneRedrawsOneParameterAndTheOnesItSwitchesOn) {
  const SearchSpace space = SearchSpace::Parse(
      R"({"params":[{"name":"kernel","type":"categorical","choices":["linear","rbf"]},
                    {"name":"gamma","type":"float","low":1,"high":10,"condition":{"kernel":["rbf"]}},
                    {"name":"x","type":"float","low":0,"high":100}]})");
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const ParamVector origin = {0.0, nan, 50.0};
  Rng rng(3);
  int x_moves = 0;
  int switched_on = 0;
  double x_low = 100.0;
  double x_high = 0.0;
  for (int draw = 0; draw < 400; ++draw) {
    const ParamVector moved = GpSampler::MoveOne(space, origin, rng);
    ASSERT_EQ(moved.size(), 3u);
    if (moved[2] != origin[2]) {
      ++x_moves;
      EXPECT_EQ(moved[0], 0.0);
      EXPECT_TRUE(std::isnan(moved[1]));
      x_low = std::min(x_low, moved[2]);
      x_high = std::max(x_high, moved[2]);
    } else if (moved[0] == 1.0) {
      ++switched_on;
      ASSERT_FALSE(std::isnan(moved[1]));
      EXPECT_GT(moved[1], 1.0);
      EXPECT_LE(moved[1], 10.0);
    } else {
      EXPECT_TRUE(std::isnan(moved[1]));  // kernel drawn again as linear
    }
  }
  // x and kernel are each moved about half the time (gamma is inactive, so never picked).
  EXPECT_GT(x_moves, 150);
  EXPECT_GT(switched_on, 60);
  EXPECT_LT(x_low, 10.0);
  EXPECT_GT(x_high, 90.0);
}

}  // namespace
}  // namespace kolosal::hpo
