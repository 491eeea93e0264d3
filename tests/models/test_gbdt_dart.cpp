// DART boosting (boosting "dart"): XGBoost's normalisation to the digit when every round is
// dropped, plain boosting when none is, learning with the usual drops, the same model on one and
// two threads, and every bad setting refused.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "common/expect_error.hpp"
#include "tree_test_helpers.hpp"

namespace kolosal::tree_testing {
namespace {

using kolosal::testing::ExpectError;

// x = 0..9, y = 0 below 5 and 10 from 5 on: every round's stump, fitted from the start (5), has
// leaves -5 and +5 times the learning rate.
TreeData Step() {
  TreeData data;
  data.cols = 1;
  for (int row = 0; row < 10; ++row) {
    data.x.push_back(static_cast<float>(row));
    data.y.push_back(row < 5 ? 0.0f : 10.0f);
  }
  return data;
}

nlohmann::json StumpParams(int rounds, double rate) {
  return {{"n_estimators", rounds}, {"learning_rate", rate}, {"growth", "depth_wise"},
          {"max_depth", 1},         {"reg_lambda", 0.0},     {"min_samples_leaf", 1},
          {"boosting", "dart"},     {"rate_drop", 1.0}};
}

// With rate_drop 1 every round drops all earlier ones, so each fits the same stump f from the
// start. XGBoost's "tree" normalisation then gives the model sum_n x rate x f, where
// sum_1 = 1 and sum_{n+1} = sum_n x n / (n + rate) + 1 / (n + rate); "forest" gives
// sum_{n+1} = (sum_n + 1) / (1 + rate).
TEST(GbdtDart, EveryRoundDroppedFollowsXgboostsNormalisation) {
  const TreeData data = Step();
  const double rate = 0.3;
  for (const char* normalize : {"tree", "forest"}) {
    SCOPED_TRACE(normalize);
    const bool forest = std::string(normalize) == "forest";
    double sum = 1.0;
    for (int rounds = 1; rounds <= 6; ++rounds) {
      if (rounds > 1) {
        const double n = rounds - 1;
        sum = forest ? (sum + 1.0) / (1.0 + rate) : sum * n / (n + rate) + 1.0 / (n + rate);
      }
      nlohmann::json params = StumpParams(rounds, rate);
      params["normalize_type"] = normalize;
      const std::vector<float> out =
          PredictRows(*FitTree("gradient_boosting", params, data), data.view());
      EXPECT_NEAR(out[0], 5.0 - 5.0 * rate * sum, 1e-5) << rounds;
      EXPECT_NEAR(out[9], 5.0 + 5.0 * rate * sum, 1e-5) << rounds;
    }
  }
}

// No drops (rate_drop 0, or every round skipping) is plain boosting, to the byte.
TEST(GbdtDart, WithoutDropsItIsPlainBoosting) {
  const TreeData data = SmoothRegression(1500, 70);
  const nlohmann::json plain = {{"n_estimators", 20}, {"subsample", 0.8}};
  const std::vector<char> expected = SaveModel(*FitTree("gradient_boosting", plain, data));
  for (const nlohmann::json& dart : {nlohmann::json{{"rate_drop", 0.0}},
                                     nlohmann::json{{"rate_drop", 0.5}, {"skip_drop", 1.0}}}) {
    SCOPED_TRACE(dart.dump());
    nlohmann::json params = plain;
    params["boosting"] = "dart";
    params.update(dart);
    EXPECT_EQ(SaveModel(*FitTree("gradient_boosting", params, data)), expected);
  }
  // one_drop drops a round even at rate 0.
  nlohmann::json one_drop = plain;
  one_drop.update({{"boosting", "dart"}, {"rate_drop", 0.0}, {"one_drop", true}});
  EXPECT_NE(SaveModel(*FitTree("gradient_boosting", one_drop, data)), expected);
}

// With the usual drops the model still learns, on every task and both sample types, and a save
// and load predicts the same bits.
TEST(GbdtDart, LearnsWithDrops) {
  const TreeData train = SmoothRegression(3000, 71);
  const TreeData test = SmoothRegression(1000, 72);
  for (const char* sample_type : {"uniform", "weighted"}) {
    SCOPED_TRACE(sample_type);
    const auto model = FitTree("gradient_boosting",
                               {{"n_estimators", 60},
                                {"learning_rate", 0.3},
                                {"boosting", "dart"},
                                {"rate_drop", 0.2},
                                {"one_drop", true},
                                {"sample_type", sample_type}},
                               train);
    const std::vector<float> out = PredictRows(*model, test.view());
    EXPECT_GT(RSquared(out, test.y), 0.8);
    const auto loaded = LoadModel("gradient_boosting", SaveModel(*model));
    EXPECT_TRUE(BitEqual(PredictRows(*loaded, test.view()), out));
  }
  const TreeData classes = MixedClassification(3000, 3, 73);
  const TreeData classes_test = MixedClassification(1000, 3, 74);
  const auto classifier = FitTree(
      "gradient_boosting",
      {{"n_estimators", 40}, {"learning_rate", 0.3}, {"boosting", "dart"}, {"rate_drop", 0.2}},
      classes);
  EXPECT_GT(Accuracy(PredictRows(*classifier, classes_test.view()), classes_test), 0.8);
}

TEST(GbdtDart, SameModelWithOneOrTwoThreads) {
  const TreeData data = SmoothRegression(280000, 75);  // above the parallel threshold
  const nlohmann::json params = {
      {"n_estimators", 5}, {"boosting", "dart"}, {"rate_drop", 0.5}, {"one_drop", true}};
  EXPECT_EQ(SaveModel(*FitTree("gradient_boosting", params, data, Control(1, 5))),
            SaveModel(*FitTree("gradient_boosting", params, data, Control(2, 5))));
}

TEST(GbdtDart, RejectsBadSettings) {
  auto create = [](const nlohmann::json& params) {
    return CreateTree("gradient_boosting", params, Task::kRegression);
  };
  ExpectError(
      [&] {
        create({{"boosting", "dart"}, {"early_stopping_rounds", 5}});
      },
      StatusCode::kInvalidArgument, "early_stopping_rounds", "dart");
  ExpectError(
      [&] {
        create({{"rate_drop", 0.1}});
      },
      StatusCode::kInvalidArgument, "'rate_drop' belongs to boosting 'dart'");
  ExpectError(
      [&] {
        create({{"boosting", "goss"}});
      },
      StatusCode::kInvalidArgument, "boosting", "goss");
  for (const nlohmann::json& bad :
       {nlohmann::json{{"rate_drop", 1.5}}, nlohmann::json{{"skip_drop", -0.1}},
        nlohmann::json{{"sample_type", "random"}}, nlohmann::json{{"normalize_type", "none"}},
        nlohmann::json{{"one_drop", "yes"}}}) {
    nlohmann::json params = bad;
    params["boosting"] = "dart";
    ExpectError([&] { create(params); }, StatusCode::kInvalidArgument, bad.begin().key());
  }
}

}  // namespace
}  // namespace kolosal::tree_testing
