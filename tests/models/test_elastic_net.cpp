#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "kolosal/core/error.hpp"
#include "linear_reference.hpp"
#include "linear_test_helpers.hpp"

namespace kolosal::testing {
namespace {

namespace ref = linear_reference;

constexpr double kTol = 1e-4;
// Converge well past scikit-learn's default so both sides sit on the exact optimum.
const nlohmann::json kTight = {{"tol", 1e-12}, {"max_iter", 100000}};

SmallData RegressionData() {
  return SmallData{ref::kRegX, 3, ref::kRegY, {}, Task::kRegression, 0};
}

nlohmann::json With(nlohmann::json params, const nlohmann::json& extra) {
  params.update(extra);
  return params;
}

TEST(LassoTest, MatchesScikitLearn) {
  const auto model = FitByName("lasso", With(kTight, {{"alpha", 0.5}}), RegressionData());
  ExpectAllNear(CoefRowMajor(*model), ref::kLassoCoef, kTol, "coef");
  ExpectAllNear(Intercepts(*model), ref::kLassoIntercept, kTol, "intercept");
  EXPECT_EQ(CoefRowMajor(*model)[2], 0.0) << "the l1 penalty zeroes the weakest feature exactly";
  EXPECT_EQ(model->TypeName(), "lasso");
}

TEST(LassoTest, MatchesScikitLearnWithSampleWeights) {
  SmallData data = RegressionData();
  data.weights = ref::kRegWeights;
  const auto model = FitByName("lasso", With(kTight, {{"alpha", 0.2}}), data);
  ExpectAllNear(CoefRowMajor(*model), ref::kLassoWeightedCoef, kTol, "coef");
  ExpectAllNear(Intercepts(*model), ref::kLassoWeightedIntercept, kTol, "intercept");
}

TEST(LassoTest, HasNoL1RatioParam) {
  ExpectError(
      [] {
        FitByName("lasso", {{"l1_ratio", 0.5}}, RegressionData());
      },
      StatusCode::kInvalidArgument, "unknown key 'l1_ratio'");
}

TEST(LassoTest, ZeroAlphaIsLeastSquares) {
  const auto model = FitByName("lasso", With(kTight, {{"alpha", 0.0}}), RegressionData());
  ExpectAllNear(CoefRowMajor(*model), ref::kOlsCoef, kTol, "coef");
}

TEST(ElasticNetTest, MatchesScikitLearn) {
  const auto model =
      FitByName("elastic_net", With(kTight, {{"alpha", 0.3}, {"l1_ratio", 0.7}}), RegressionData());
  ExpectAllNear(CoefRowMajor(*model), ref::kElasticNetCoef, kTol, "coef");
  ExpectAllNear(Intercepts(*model), ref::kElasticNetIntercept, kTol, "intercept");
  EXPECT_EQ(model->TypeName(), "elastic_net");
}

// scikit-learn rescales the weights to sum to n_samples, which makes integer weights the same as
// repeated rows.
TEST(ElasticNetTest, IntegerSampleWeightsEqualRepeatedRows) {
  const auto [weighted, repeated] = WeightedAndRepeated(RegressionData());
  const nlohmann::json params = With(kTight, {{"alpha", 0.3}, {"l1_ratio", 0.7}});
  ExpectAllNear(CoefRowMajor(*FitByName("elastic_net", params, weighted)),
                CoefRowMajor(*FitByName("elastic_net", params, repeated)), 1e-6, "coef");
  ExpectAllNear(Intercepts(*FitByName("elastic_net", params, weighted)),
                Intercepts(*FitByName("elastic_net", params, repeated)), 1e-6, "intercept");
}

TEST(ElasticNetTest, DefaultToleranceIsCloseToTheOptimum) {
  const auto model =
      FitByName("elastic_net", {{"alpha", 0.3}, {"l1_ratio", 0.7}}, RegressionData());
  ExpectAllNear(CoefRowMajor(*model), ref::kElasticNetCoef, 1e-2, "coef");
}

TEST(ElasticNetTest, WarnsWhenNotConverged) {
  std::vector<std::string> warnings;
  FitControl control;
  control.log = [&](LogLevel level, std::string_view message) {
    if (level == LogLevel::kWarning) warnings.emplace_back(message);
  };
  FitByName("elastic_net", {{"alpha", 0.01}, {"max_iter", 1}, {"tol", 1e-12}}, RegressionData(),
            control);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("did not converge"), std::string::npos) << warnings[0];
}

TEST(ElasticNetTest, RejectsBadParams) {
  ExpectError(
      [] {
        FitByName("elastic_net", {{"l1_ratio", 1.5}}, RegressionData());
      },
      StatusCode::kInvalidArgument, "'l1_ratio' = 1.5 is out of range");
  ExpectError(
      [] {
        FitByName("elastic_net", {{"max_iter", 0}}, RegressionData());
      },
      StatusCode::kInvalidArgument, "'max_iter' = 0 is out of range");
  ExpectError(
      [] {
        FitByName("elastic_net", {{"max_iter", 2.5}}, RegressionData());
      },
      StatusCode::kInvalidArgument, "must be an integer");
  ExpectError(
      [] {
        FitByName("elastic_net", {{"tol", 0}}, RegressionData());
      },
      StatusCode::kInvalidArgument, "'tol' = 0");
  ExpectError(
      [] {
        FitByName("elastic_net", {{"l1ratio", 0.5}}, RegressionData());
      },
      StatusCode::kInvalidArgument, "did you mean 'l1_ratio'?");
}

TEST(ElasticNetTest, CancelsThroughTheProgressCallback) {
  FitControl control;
  control.progress = [](double, std::string_view stage) { return stage != "elastic_net"; };
  ExpectError([&] { FitByName("elastic_net", kTight, RegressionData(), control); },
              StatusCode::kCancelled, "cancelled");
}

}  // namespace
}  // namespace kolosal::testing
