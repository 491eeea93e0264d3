#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "kolosal/metrics/regression.hpp"
#include "metrics/metrics_test_util.hpp"

namespace kolosal::metrics {
namespace {

using testing::ExpectInvalidArgument;
using testing::ExpectRelativelyNear;
using testing::kTolerance;

// Inputs and scikit-learn 1.2.1 results. Produced by /usr/bin/python3 with t and p the float32
// inputs widened to float64: mean_squared_error(t, p), mean_squared_error(t, p, squared=False),
// mean_absolute_error(t, p), r2_score(t, p), mean_absolute_percentage_error(t, p).
struct RegressionCase {
  std::string name;
  std::vector<float> y_true;
  std::vector<float> y_pred;
  double mse;
  double rmse;
  double mae;
  double r2;
  double mape;
};

std::vector<RegressionCase> RegressionCases() {
  return {
      {"NegativesAndZeros",
       {-3.5f, 0.0f, 2.25f, 7.0f, -1.0f, 0.0f, 4.5f, 10.0f},
       {-2.75f, 0.5f, 2.0f, 6.0f, 0.25f, 0.0f, 5.0f, 8.5f},
       0.7421875,
       0.8615030470056388,
       0.71875,
       0.9579622766745949,
       281474976710656.25},
      {"NoZeros",
       {1.5f, -2.0f, 3.25f, 8.0f, -0.5f, 12.0f},
       {1.0f, -1.5f, 3.0f, 9.5f, -0.75f, 11.0f},
       0.6458333333333334,
       0.8036375634160796,
       0.6666666666666666,
       0.9728169528681038,
       0.23851495726495722},
      {"TinyTruthBelowEpsilon",
       {1e-20f, 2.0f},
       {1.0f, 2.0f},
       0.5,
       0.7071067811865476,
       0.5,
       0.5,
       2251799813685248.0},
      {"ConstantTruthPerfectFit", {0.1f, 0.1f, 0.1f}, {0.1f, 0.1f, 0.1f}, 0.0, 0.0, 0.0, 1.0, 0.0},
      {"ConstantTruthImperfectFit",
       {0.1f, 0.1f, 0.1f},
       {0.1f, 0.2f, 0.1f},
       0.003333333432674409,
       0.05773502777928152,
       0.033333333830038704,
       0.0,
       0.3333333333333333},
  };
}

class RegressionMetricsTest : public ::testing::TestWithParam<RegressionCase> {};

TEST_P(RegressionMetricsTest, ErrorsMatchScikitLearn) {
  const RegressionCase& c = GetParam();
  EXPECT_NEAR(MeanSquaredError(c.y_true, c.y_pred), c.mse, kTolerance);
  EXPECT_NEAR(RootMeanSquaredError(c.y_true, c.y_pred), c.rmse, kTolerance);
  EXPECT_NEAR(MeanAbsoluteError(c.y_true, c.y_pred), c.mae, kTolerance);
}

TEST_P(RegressionMetricsTest, R2MatchesScikitLearn) {
  const RegressionCase& c = GetParam();
  EXPECT_NEAR(R2Score(c.y_true, c.y_pred), c.r2, kTolerance);
}

TEST_P(RegressionMetricsTest, MapeMatchesScikitLearn) {
  const RegressionCase& c = GetParam();
  ExpectRelativelyNear(MeanAbsolutePercentageError(c.y_true, c.y_pred), c.mape);
}

INSTANTIATE_TEST_SUITE_P(KnownAnswers, RegressionMetricsTest,
                         ::testing::ValuesIn(RegressionCases()),
                         [](const auto& info) { return info.param.name; });

TEST(R2ScoreTest, OneRowIsUndefined) {
  // r2_score([3.0], [2.0]) returns nan (with UndefinedMetricWarning).
  EXPECT_TRUE(std::isnan(R2Score(std::vector<float>{3.0f}, std::vector<float>{2.0f})));
}

TEST(RegressionOneRowTest, ErrorsAreDefined) {
  // mean_squared_error / mean_absolute_error / mean_absolute_percentage_error([3.0], [2.0]).
  const std::vector<float> y_true = {3.0f};
  const std::vector<float> y_pred = {2.0f};
  EXPECT_EQ(MeanSquaredError(y_true, y_pred), 1.0);
  EXPECT_EQ(RootMeanSquaredError(y_true, y_pred), 1.0);
  EXPECT_EQ(MeanAbsoluteError(y_true, y_pred), 1.0);
  EXPECT_NEAR(MeanAbsolutePercentageError(y_true, y_pred), 1.0 / 3.0, kTolerance);
}

// Error paths: every function validates the same way.
using RegressionFunction = double (*)(std::span<const float>, std::span<const float>);

class RegressionErrorsTest : public ::testing::TestWithParam<RegressionFunction> {};

TEST_P(RegressionErrorsTest, RejectsEmptyInputs) {
  const std::vector<float> empty;
  ExpectInvalidArgument([&] { GetParam()(empty, empty); }, "y_true is empty");
}

TEST_P(RegressionErrorsTest, RejectsMismatchedSizes) {
  const std::vector<float> two = {1.0f, 2.0f};
  const std::vector<float> three = {1.0f, 2.0f, 3.0f};
  ExpectInvalidArgument([&] { GetParam()(two, three); }, "y_true has 2 values but y_pred has 3");
}

TEST_P(RegressionErrorsTest, RejectsNanAndInfinity) {
  const std::vector<float> valid = {1.0f, 2.0f};
  const std::vector<float> with_nan = {std::numeric_limits<float>::quiet_NaN(), 2.0f};
  const std::vector<float> with_inf = {1.0f, -std::numeric_limits<float>::infinity()};
  ExpectInvalidArgument([&] { GetParam()(with_nan, valid); }, "y_true[0] is nan");
  ExpectInvalidArgument([&] { GetParam()(valid, with_inf); }, "y_pred[1] is -inf");
}

INSTANTIATE_TEST_SUITE_P(AllFunctions, RegressionErrorsTest,
                         ::testing::Values(&MeanSquaredError, &RootMeanSquaredError,
                                           &MeanAbsoluteError, &R2Score,
                                           &MeanAbsolutePercentageError));

}  // namespace
}  // namespace kolosal::metrics
