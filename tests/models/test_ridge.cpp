#include <gtest/gtest.h>

#include "kolosal/core/error.hpp"
#include "linear_reference.hpp"
#include "linear_test_helpers.hpp"

namespace kolosal::testing {
namespace {

namespace ref = linear_reference;

constexpr double kTol = 1e-4;

SmallData RegressionData() {
  return SmallData{ref::kRegX, 3, ref::kRegY, {}, Task::kRegression, 0};
}

TEST(RidgeTest, MatchesScikitLearn) {
  const auto model = FitByName("ridge", {{"alpha", 1.0}}, RegressionData());
  ExpectAllNear(CoefRowMajor(*model), ref::kRidgeCoef, kTol, "coef");
  ExpectAllNear(Intercepts(*model), ref::kRidgeIntercept, kTol, "intercept");
  EXPECT_EQ(model->TypeName(), "ridge");
}

TEST(RidgeTest, MatchesScikitLearnWithSampleWeights) {
  SmallData data = RegressionData();
  data.weights = ref::kRegWeights;
  const auto model = FitByName("ridge", {{"alpha", 0.5}}, data);
  ExpectAllNear(CoefRowMajor(*model), ref::kRidgeWeightedCoef, kTol, "coef");
  ExpectAllNear(Intercepts(*model), ref::kRidgeWeightedIntercept, kTol, "intercept");
}

TEST(RidgeTest, WideDataMatchesScikitLearn) {
  const SmallData wide{ref::kWideX, 12, ref::kWideY, {}, Task::kRegression, 0};
  const auto model = FitByName("ridge", {{"alpha", 0.7}}, wide);
  ExpectAllNear(CoefRowMajor(*model), ref::kRidgeWideCoef, kTol, "coef");
  ExpectAllNear(Intercepts(*model), ref::kRidgeWideIntercept, kTol, "intercept");
}

TEST(RidgeTest, ZeroAlphaIsOrdinaryLeastSquares) {
  const auto model = FitByName("ridge", {{"alpha", 0.0}}, RegressionData());
  ExpectAllNear(CoefRowMajor(*model), ref::kOlsCoef, kTol, "coef");
}

TEST(RidgeTest, DefaultAlphaIsOne) {
  const auto model = FitByName("ridge", {}, RegressionData());
  ExpectAllNear(CoefRowMajor(*model), ref::kRidgeCoef, kTol, "coef");
}

TEST(RidgeTest, RejectsBadParams) {
  ExpectError(
      [] {
        FitByName("ridge", {{"alpha", -1.0}}, RegressionData());
      },
      StatusCode::kInvalidArgument, "'alpha' = -1");
  ExpectError(
      [] {
        FitByName("ridge", {{"alpha", "big"}}, RegressionData());
      },
      StatusCode::kInvalidArgument, "must be a number");
  ExpectError(
      [] {
        FitByName("ridge", {{"alpah", 1.0}}, RegressionData());
      },
      StatusCode::kInvalidArgument, "unknown key 'alpah'; did you mean 'alpha'?");
  ExpectError([] { FitByName("ridge", nlohmann::json::array(), RegressionData()); },
              StatusCode::kInvalidArgument, "expected a JSON object");
}

TEST(RidgeTest, RefusesClassification) {
  ExpectError(
      [] { models::ModelRegistry::Builtin().Find("ridge").create({}, Task::kClassification); },
      StatusCode::kInvalidArgument, "supports regression only");
}

}  // namespace
}  // namespace kolosal::testing
