// GOSS (data_sample_strategy "goss"), LightGBM's gradient-based one-side sampling: every row in
// the first 1 / learning_rate rounds, then the largest gradients and a reweighted draw of the
// rest, so that a round's hessian sum stays the full one; learning as before, the same model on
// one and two threads, and every bad setting refused.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "common/expect_error.hpp"
#include "tree_test_helpers.hpp"

namespace kolosal::tree_testing {
namespace {

using kolosal::testing::ExpectError;

TEST(GbdtGoss, SamplesTheLargestGradientsAndReweighsTheRest) {
  const TreeData data = SmoothRegression(2000, 80);
  const nlohmann::json plain = {{"n_estimators", 2}, {"learning_rate", 0.5}};
  nlohmann::json goss = plain;
  goss["data_sample_strategy"] = "goss";
  // The first 1 / 0.5 = 2 rounds use every row.
  EXPECT_EQ(SaveModel(*FitTree("gradient_boosting", goss, data)),
            SaveModel(*FitTree("gradient_boosting", plain, data)));
  // Round 3 keeps the top 400 rows and draws 200 of the other 1600, which then weigh 8: squared
  // error's hessians (1 per row) still sum to 2000 at the root, over 600 rows.
  goss["n_estimators"] = 3;
  const SavedTrees trees = ReadSavedTrees(*FitTree("gradient_boosting", goss, data));
  ASSERT_EQ(trees.roots.size(), 3u);
  EXPECT_DOUBLE_EQ(trees.cover[trees.roots[0]], 2000.0);
  EXPECT_NEAR(trees.cover[trees.roots[2]], 2000.0, 1e-6);
  // A different share: top 10%, other 30% (weight 900 / 300 = 3).
  goss.update({{"top_rate", 0.1}, {"other_rate", 0.3}});
  const SavedTrees other = ReadSavedTrees(*FitTree("gradient_boosting", goss, data));
  EXPECT_NEAR(other.cover[other.roots[2]], 2000.0, 1e-6);
}

TEST(GbdtGoss, LearnsOnEveryTask) {
  const TreeData train = SmoothRegression(4000, 81);
  const TreeData test = SmoothRegression(1000, 82);
  const auto model = FitTree("gradient_boosting",
                             {{"n_estimators", 100}, {"data_sample_strategy", "goss"}}, train);
  EXPECT_GT(RSquared(PredictRows(*model, test.view()), test.y), 0.8);
  for (const int n_classes : {2, 3}) {
    const TreeData classes = MixedClassification(3000, n_classes, 83);
    const TreeData classes_test = MixedClassification(1000, n_classes, 84);
    const auto classifier = FitTree(
        "gradient_boosting",
        {{"n_estimators", 60}, {"learning_rate", 0.3}, {"data_sample_strategy", "goss"}}, classes);
    EXPECT_GT(Accuracy(PredictRows(*classifier, classes_test.view()), classes_test), 0.8)
        << n_classes;
  }
}

TEST(GbdtGoss, SameModelWithOneOrTwoThreads) {
  const TreeData data = SmoothRegression(280000, 85);  // above the parallel threshold
  const nlohmann::json params = {
      {"n_estimators", 4}, {"learning_rate", 0.5}, {"data_sample_strategy", "goss"}};
  EXPECT_EQ(SaveModel(*FitTree("gradient_boosting", params, data, Control(1, 5))),
            SaveModel(*FitTree("gradient_boosting", params, data, Control(2, 5))));
}

TEST(GbdtGoss, RejectsBadSettings) {
  auto create = [](const nlohmann::json& params) {
    return CreateTree("gradient_boosting", params, Task::kRegression);
  };
  ExpectError(
      [&] {
        create({{"top_rate", 0.3}});
      },
      StatusCode::kInvalidArgument, "top_rate", "'goss'");
  ExpectError(
      [&] {
        create({{"data_sample_strategy", "goss"}, {"subsample", 0.8}});
      },
      StatusCode::kInvalidArgument, "subsample");
  ExpectError(
      [&] {
        create({{"data_sample_strategy", "goss"}, {"top_rate", 0.6}, {"other_rate", 0.5}});
      },
      StatusCode::kInvalidArgument, "at most 1");
  ExpectError(
      [&] {
        create({{"data_sample_strategy", "goss"}, {"other_rate", 0.0}});
      },
      StatusCode::kInvalidArgument, "other_rate");
  ExpectError(
      [&] {
        create({{"data_sample_strategy", "random"}});
      },
      StatusCode::kInvalidArgument, "data_sample_strategy");
}

}  // namespace
}  // namespace kolosal::tree_testing
