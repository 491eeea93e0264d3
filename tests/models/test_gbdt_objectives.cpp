// Gradient boosting's regression objectives beyond squared and absolute error: quantile (leaves
// refitted to a quantile of their residuals), Huber, and Poisson, gamma and Tweedie through a log
// link. Known answers, the loss domains, their params, round trips and thread counts.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "common/expect_error.hpp"
#include "kolosal/models/tree/gradient_boosting_model.hpp"
#include "tree_test_helpers.hpp"

namespace kolosal::tree_testing {
namespace {

using kolosal::testing::ExpectError;

const models::tree::GradientBoostingModel& AsBoosting(const models::Model& model) {
  return dynamic_cast<const models::tree::GradientBoostingModel&>(model);
}

nlohmann::json Stump(const nlohmann::json& extra) {
  nlohmann::json params = {{"n_estimators", 1}, {"learning_rate", 1.0},  {"growth", "depth_wise"},
                           {"max_depth", 1},    {"min_samples_leaf", 1}, {"reg_lambda", 0.0}};
  params.update(extra);
  return params;
}

// One feature x = 0 or 1; group 0 has targets 0..49 and group 1 has 100..149.
TreeData TwoGroups() {
  TreeData data;
  data.cols = 1;
  for (int row = 0; row < 100; ++row) {
    const bool group_b = row >= 50;
    data.x.push_back(group_b ? 1.0f : 0.0f);
    data.y.push_back(static_cast<float>(group_b ? 100 + row - 50 : row));
  }
  return data;
}

// The 0.9 quantile (numpy's, interpolated between neighbouring values) is 139.1 over all 100
// targets, 44.1 in group 0 and 144.1 in group 1: quantile starts at the first and refits the
// stump's leaves to the others.
TEST(GbdtObjectives, QuantileRefitsLeavesToTheQuantileOfTheirRows) {
  const TreeData data = TwoGroups();
  const std::vector<float> probe = {0.0f, 1.0f};
  const auto model = FitTree("gradient_boosting",
                             Stump({{"objective", "quantile"}, {"quantile_alpha", 0.9}}), data);
  EXPECT_FLOAT_EQ(AsBoosting(*model).base_margins()[0], 139.1f);
  const std::vector<float> stump = PredictRows(*model, {probe.data(), 2, 1});
  EXPECT_NEAR(stump[0], 44.1f, 1e-4f);
  EXPECT_NEAR(stump[1], 144.1f, 1e-4f);
  // Many smaller rounds get within one target of the same quantiles. (Once each group's
  // gradients, 0.1 per row below the margin and -0.9 above, cancel, a stump has no split left
  // with a gain, and the pooled leaves move both groups alike.)
  const auto rounds = FitTree("gradient_boosting",
                              Stump({{"objective", "quantile"},
                                     {"quantile_alpha", 0.9},
                                     {"n_estimators", 40},
                                     {"learning_rate", 0.5}}),
                              data);
  const std::vector<float> out = PredictRows(*rounds, {probe.data(), 2, 1});
  EXPECT_NEAR(out[0], 44.1f, 1.0f);
  EXPECT_NEAR(out[1], 144.1f, 1.0f);
}

// With weights the quantile is the smallest value whose cumulative weight reaches the fraction.
TEST(GbdtObjectives, WeightedQuantileInterpolatesOnlyBetweenEqualWeights) {
  using models::tree::WeightedQuantile;
  std::vector<std::pair<float, float>> equal = {
      {3.0f, 1.0f}, {1.0f, 1.0f}, {2.0f, 1.0f}, {4.0f, 1.0f}};
  EXPECT_DOUBLE_EQ(WeightedQuantile(equal, 0.5), 2.5);
  EXPECT_DOUBLE_EQ(WeightedQuantile(equal, 0.9), 3.7);
  EXPECT_DOUBLE_EQ(WeightedQuantile(equal, 0.0), 1.0);
  EXPECT_DOUBLE_EQ(WeightedQuantile(equal, 1.0), 4.0);
  std::vector<std::pair<float, float>> weighted = {{1.0f, 1.0f}, {2.0f, 3.0f}, {3.0f, 1.0f}};
  EXPECT_DOUBLE_EQ(WeightedQuantile(weighted, 0.5), 2.0);
  EXPECT_DOUBLE_EQ(WeightedQuantile(weighted, 0.1), 1.0);
  EXPECT_DOUBLE_EQ(WeightedQuantile(weighted, 0.9), 3.0);
  std::vector<std::pair<float, float>> none;
  EXPECT_DOUBLE_EQ(WeightedQuantile(none, 0.5), 0.0);
}

// SmoothRegression with uniform noise on [0, 3) added to every target.
TreeData NoisyRegression(int rows, uint64_t seed) {
  TreeData data = SmoothRegression(rows, seed);
  Rng rng(seed + 1000);
  for (float& value : data.y) value += static_cast<float>(3.0 * UniformUnit(rng));
  return data;
}

double ShareAtOrBelow(const std::vector<float>& predicted, const TreeData& data) {
  double below = 0.0;
  for (int64_t row = 0; row < data.rows(); ++row) below += data.y[row] <= predicted[row] ? 1 : 0;
  return below / static_cast<double>(data.rows());
}

// The share of targets at or below the prediction is near the quantile: on the training rows,
// whose loss boosting minimises, and (less closely, as the trees fit some of the noise) on new
// rows.
TEST(GbdtObjectives, QuantilePredictionsCoverTheirShareOfTargets) {
  const TreeData train = NoisyRegression(4000, 40);
  const TreeData test = NoisyRegression(4000, 41);
  for (const double alpha : {0.1, 0.5, 0.9}) {
    const auto model = FitTree("gradient_boosting",
                               {{"objective", "quantile"},
                                {"quantile_alpha", alpha},
                                {"n_estimators", 100},
                                {"num_leaves", 8},
                                {"min_samples_leaf", 50}},
                               train);
    EXPECT_NEAR(ShareAtOrBelow(PredictRows(*model, train.view()), train), alpha, 0.01) << alpha;
    EXPECT_NEAR(ShareAtOrBelow(PredictRows(*model, test.view()), test), alpha, 0.04) << alpha;
  }
}

// Nine targets at 0 and one at 1000, on a constant feature (so every tree is one leaf). Squared
// error stays at the mean 100. Huber with delta 1 starts there and walks to the point where the
// clipped residuals balance: 9 * m = 1, m = 1/9.
TEST(GbdtObjectives, HuberSettlesWhereClippedResidualsBalance) {
  TreeData data;
  data.cols = 1;
  for (int row = 0; row < 10; ++row) {
    data.x.push_back(1.0f);
    data.y.push_back(row == 9 ? 1000.0f : 0.0f);
  }
  const std::vector<float> probe = {1.0f};
  const auto huber =
      FitTree("gradient_boosting",
              Stump({{"objective", "huber"}, {"huber_delta", 1.0}, {"n_estimators", 300}}), data);
  EXPECT_NEAR(PredictRows(*huber, {probe.data(), 1, 1})[0], 1.0f / 9.0f, 1e-5f);
  const auto squared = FitTree(
      "gradient_boosting", Stump({{"objective", "squared_error"}, {"n_estimators", 300}}), data);
  EXPECT_NEAR(PredictRows(*squared, {probe.data(), 1, 1})[0], 100.0f, 1e-3f);
}

// Three groups with means 1.5, 5 and 20. Each log-link loss is minimised at the group means, so
// boosting from log(overall mean) converges there, and predictions are exp(margin).
TEST(GbdtObjectives, LogLinkObjectivesFitGroupMeans) {
  TreeData data;
  data.cols = 1;
  const float groups[3][2] = {{1.0f, 2.0f}, {4.0f, 6.0f}, {10.0f, 30.0f}};
  for (int copy = 0; copy < 20; ++copy) {
    for (int group = 0; group < 3; ++group) {
      for (const float value : groups[group]) {
        data.x.push_back(static_cast<float>(group));
        data.y.push_back(value);
      }
    }
  }
  const std::vector<float> probe = {0.0f, 1.0f, 2.0f};
  for (const char* objective : {"poisson", "gamma", "tweedie"}) {
    SCOPED_TRACE(objective);
    const auto model = FitTree("gradient_boosting",
                               {{"objective", objective},
                                {"n_estimators", 300},
                                {"learning_rate", 0.3},
                                {"num_leaves", 3},
                                {"min_samples_leaf", 1}},
                               data);
    EXPECT_FLOAT_EQ(AsBoosting(*model).base_margins()[0],
                    static_cast<float>(std::log((1.5 + 5.0 + 20.0) / 3.0)));
    const std::vector<float> out = PredictRows(*model, {probe.data(), 3, 1});
    EXPECT_NEAR(out[0], 1.5f, 1.5e-3f);
    EXPECT_NEAR(out[1], 5.0f, 5e-3f);
    EXPECT_NEAR(out[2], 20.0f, 2e-2f);
  }
}

// Positive targets from SmoothRegression, for the log-link losses.
TreeData PositiveRegression(int rows, uint64_t seed) {
  TreeData data = SmoothRegression(rows, seed);
  for (float& value : data.y) value = std::abs(value) + 0.1f;
  return data;
}

TEST(GbdtObjectives, SaveLoadIsBitExactAndContributionsAddUpToTheMargin) {
  const TreeData data = PositiveRegression(1000, 42);
  for (const char* objective : {"quantile", "huber", "poisson", "gamma", "tweedie"}) {
    SCOPED_TRACE(objective);
    const auto model =
        FitTree("gradient_boosting", {{"objective", objective}, {"n_estimators", 20}}, data);
    const std::vector<char> bytes = SaveModel(*model);
    const auto loaded = LoadModel("gradient_boosting", bytes);
    const std::vector<float> predicted = PredictRows(*model, data.view());
    EXPECT_TRUE(BitEqual(predicted, PredictRows(*loaded, data.view())));
    EXPECT_EQ(SaveModel(*loaded), bytes);
    const int64_t width = data.cols + 1;
    std::vector<float> contributions(static_cast<size_t>(data.rows() * width));
    ASSERT_TRUE(model->Contributions(data.view(), contributions));
    const bool log_link = AsBoosting(*model).objective().log_link();
    for (int64_t row = 0; row < 50; ++row) {
      double margin = 0.0;
      for (int64_t col = 0; col < width; ++col) margin += contributions[row * width + col];
      const double expected = log_link ? std::log(predicted[row]) : predicted[row];
      EXPECT_NEAR(margin, expected, 1e-4 * (1.0 + std::abs(expected))) << row;
    }
  }
}

TEST(GbdtObjectives, SameModelWithOneOrTwoThreads) {
  const TreeData data = PositiveRegression(280000, 43);  // above the parallel threshold
  for (const char* objective : {"quantile", "poisson"}) {
    const nlohmann::json params = {{"objective", objective}, {"n_estimators", 3}};
    EXPECT_EQ(SaveModel(*FitTree("gradient_boosting", params, data, Control(1, 5))),
              SaveModel(*FitTree("gradient_boosting", params, data, Control(2, 5))))
        << objective;
  }
}

// Each objective's gradient is the derivative of its loss in the margin, and its hessian the
// second derivative, checked by central differences of Loss at margins away from the kinks of
// quantile and Huber.
TEST(GbdtObjectives, GradientsAreDerivativesOfTheLoss) {
  using models::tree::GbdtObjective;
  using models::tree::ObjectiveParams;
  using models::tree::RowStat;
  ObjectiveParams params;
  params.quantile_alpha = 0.8;
  params.huber_delta = 1.5;
  params.tweedie_variance_power = 1.3;
  params.poisson_max_delta_step = 0.4;
  const std::vector<float> y = {0.5f, 2.0f, 7.0f, 1.0f};
  const std::vector<float> margins = {0.3f, 1.2f, -0.4f, 0.0f};
  const std::vector<float> weights = {1.0f, 2.0f, 0.5f, 1.5f};
  for (const char* name : {"squared_error", "quantile", "huber", "poisson", "gamma", "tweedie"}) {
    SCOPED_TRACE(name);
    const GbdtObjective objective = GbdtObjective::FromName(name, Task::kRegression, 0, params);
    std::vector<RowStat> stats(y.size());
    objective.Gradients(y, weights, margins, 0, static_cast<int64_t>(y.size()), stats);
    for (size_t row = 0; row < y.size(); ++row) {
      // Loss is a weighted mean, so one row of weight 1 gives that row's loss.
      const auto loss = [&](double margin) {
        const std::vector<float> one_margin = {static_cast<float>(margin)};
        return objective.Loss({&y[row], 1}, std::vector<float>{1.0f}, one_margin);
      };
      const double step = 1e-2;
      const double margin = margins[row];
      const double first = (loss(margin + step) - loss(margin - step)) / (2 * step);
      const double second =
          (loss(margin + step) - 2 * loss(margin) + loss(margin - step)) / (step * step);
      using models::tree::ObjectiveType;
      // Squared error's Loss is (m - y)^2 while its gradient is m - y, as XGBoost's: half.
      const double scale = objective.type() == ObjectiveType::kSquaredError ? 0.5 : 1.0;
      EXPECT_NEAR(stats[row].a, weights[row] * scale * first, 2e-3 * (1 + std::abs(first))) << row;
      // Quantile and Huber take the row weight as hessian everywhere, as LightGBM does; Poisson's
      // is exp(poisson_max_delta_step) times the second derivative.
      const bool constant_hessian =
          objective.type() == ObjectiveType::kQuantile || objective.type() == ObjectiveType::kHuber;
      const double curvature =
          constant_hessian
              ? 1.0
              : scale * second *
                    (objective.type() == ObjectiveType::kPoisson ? std::exp(0.4) : 1.0);
      EXPECT_NEAR(stats[row].b, weights[row] * curvature, 2e-2 * (1 + std::abs(curvature))) << row;
    }
  }
}

TEST(GbdtObjectives, RejectsTargetsOutsideTheLossDomain) {
  TreeData data = PositiveRegression(50, 44);
  data.y[3] = -1.0f;
  for (const char* objective : {"poisson", "tweedie"}) {
    ExpectError(
        [&] {
          FitTree("gradient_boosting", {{"objective", objective}}, data);
        },
        StatusCode::kInvalidArgument, objective, ">= 0", "row 3");
  }
  data.y[3] = 0.0f;
  (void)FitTree("gradient_boosting", {{"objective", "poisson"}, {"n_estimators", 2}}, data);
  ExpectError(
      [&] {
        FitTree("gradient_boosting", {{"objective", "gamma"}}, data);
      },
      StatusCode::kInvalidArgument, "gamma", "> 0", "row 3");
  std::fill(data.y.begin(), data.y.end(), 0.0f);
  ExpectError(
      [&] {
        FitTree("gradient_boosting", {{"objective", "poisson"}}, data);
      },
      StatusCode::kInvalidArgument, "positive weighted mean");
  // base_score is the starting mean under a log link.
  ExpectError(
      [&] {
        FitTree("gradient_boosting", {{"objective", "poisson"}, {"base_score", 0.0}},
                PositiveRegression(50, 44));
      },
      StatusCode::kInvalidArgument, "base_score", "> 0");
  const auto started = FitTree("gradient_boosting",
                               {{"objective", "poisson"}, {"base_score", 2.0}, {"n_estimators", 1}},
                               PositiveRegression(50, 44));
  EXPECT_EQ(AsBoosting(*started).base_margins()[0], static_cast<float>(std::log(2.0)));
}

TEST(GbdtObjectives, RejectsBadObjectiveParams) {
  auto create = [](const nlohmann::json& params, Task task = Task::kRegression) {
    return CreateTree("gradient_boosting", params, task);
  };
  ExpectError(
      [&] {
        create({{"quantile_alpha", 0.9}});
      },
      StatusCode::kInvalidArgument, "'quantile_alpha' belongs to objective 'quantile'");
  ExpectError(
      [&] {
        create({{"objective", "poisson"}, {"huber_delta", 2.0}});
      },
      StatusCode::kInvalidArgument, "'huber_delta' belongs to objective 'huber'");
  ExpectError(
      [&] {
        create({{"objective", "gamma"}, {"tweedie_variance_power", 1.5}});
      },
      StatusCode::kInvalidArgument, "tweedie");
  for (const double alpha : {0.0, 1.0, -0.5}) {
    ExpectError(
        [&] {
          create({{"objective", "quantile"}, {"quantile_alpha", alpha}});
        },
        StatusCode::kInvalidArgument, "quantile_alpha");
  }
  for (const double power : {1.0, 2.0}) {
    ExpectError(
        [&] {
          create({{"objective", "tweedie"}, {"tweedie_variance_power", power}});
        },
        StatusCode::kInvalidArgument, "tweedie_variance_power");
  }
  ExpectError(
      [&] {
        create({{"objective", "huber"}, {"huber_delta", 0.0}});
      },
      StatusCode::kInvalidArgument, "huber_delta");
  ExpectError(
      [&] {
        create({{"objective", "poisson"}, {"poisson_max_delta_step", -0.1}});
      },
      StatusCode::kInvalidArgument, "poisson_max_delta_step");
  ExpectError(
      [&] {
        create({{"objective", "gamma"}, {"poisson_max_delta_step", 0.0}});
      },
      StatusCode::kInvalidArgument, "belongs to objective 'poisson'");
  for (const char* objective : {"quantile", "huber", "poisson", "gamma", "tweedie"}) {
    ExpectError(
        [&] {
          create({{"objective", objective}}, Task::kClassification);
        },
        StatusCode::kInvalidArgument, objective, "classification");
  }
}

}  // namespace
}  // namespace kolosal::tree_testing
