#include <gtest/gtest.h>

#include "common/expect_error.hpp"
#include "kolosal/data/synthetic.hpp"
#include "kolosal/train/permutation_importance.hpp"
#include "kolosal/train/trainer.hpp"

namespace kolosal::train {
namespace {

using ::kolosal::testing::ExpectError;

FitControl Control() {
  FitControl control;
  control.random_state = 5;
  return control;
}

// "signal" decides the class, "noise" is never looked at by a stump.
data::Dataset SignalAndNoise() {
  std::vector<float> signal, noise;
  data::Labels labels{"y", Task::kClassification, {}, {"no", "yes"}};
  for (int row = 0; row < 200; ++row) {
    signal.push_back(static_cast<float>(row % 20));
    noise.push_back(static_cast<float>((row * 37) % 17));
    labels.values.push_back(row % 20 >= 10 ? 1.0f : 0.0f);
  }
  return data::Dataset(
      {data::Column::Numeric("noise", noise), data::Column::Numeric("signal", signal)}, labels);
}

TEST(PermutationImportance, AFeatureTheModelIgnoresScoresZero) {
  const data::Dataset dataset = SignalAndNoise();
  const auto stump =
      FitPipeline(dataset, TrainSpec{"decision_tree", {{"max_depth", 1}}, {}}, Control());
  const PermutationImportanceResult result =
      PermutationImportance(stump, dataset, PermutationImportanceOptions{});
  EXPECT_EQ(result.metric, "accuracy");
  EXPECT_EQ(result.baseline, 1.0);
  EXPECT_EQ(result.features, (std::vector<std::string>{"noise", "signal"}));
  EXPECT_EQ(result.mean[0], 0.0);
  EXPECT_EQ(result.std_dev[0], 0.0);
  // Shuffling the signal leaves about half the rows right.
  EXPECT_GT(result.mean[1], 0.35);
  EXPECT_LT(result.mean[1], 0.65);
  EXPECT_GT(result.std_dev[1], 0.0);
}

TEST(PermutationImportance, LossMetricsCountTheIncreaseAsImportance) {
  const data::Dataset dataset = SignalAndNoise();
  const auto model =
      FitPipeline(dataset, TrainSpec{"random_forest", {{"n_estimators", 10}}, {}}, Control());
  PermutationImportanceOptions options;
  options.metric = "log_loss";
  const PermutationImportanceResult result = PermutationImportance(model, dataset, options);
  EXPECT_FALSE(result.greater_is_better);
  EXPECT_GT(result.mean[1], 0.1);
  EXPECT_GT(result.mean[1], result.mean[0]);
}

TEST(PermutationImportance, SameResultForAnyThreadCountAndSeedDependent) {
  const data::Dataset dataset =
      data::MakeRegression(4000, 4, 0.5, 9);  // enough rows for parallel predictions
  const auto model = FitPipeline(dataset, TrainSpec{"gradient_boosting", {}, {}}, Control());
  PermutationImportanceOptions options;
  options.n_repeats = 3;
  options.random_state = 11;
  const auto one = PermutationImportance(model, dataset, options);
  options.n_jobs = 2;
  const auto two = PermutationImportance(model, dataset, options);
  EXPECT_EQ(one.mean, two.mean);
  EXPECT_EQ(one.std_dev, two.std_dev);
  EXPECT_EQ(one.metric, "r2");
  options.random_state = 12;
  EXPECT_NE(PermutationImportance(model, dataset, options).mean, one.mean);
}

TEST(PermutationImportance, CategoricalColumnsAreShuffledByCode) {
  std::vector<int32_t> grade;
  std::vector<float> noise;
  data::Labels labels{"y", Task::kClassification, {}, {"no", "yes"}};
  for (int row = 0; row < 120; ++row) {
    grade.push_back(row % 4);
    noise.push_back(static_cast<float>((row * 37) % 101));
    labels.values.push_back(row % 4 == 1 || row % 4 == 2 ? 1.0f : 0.0f);
  }
  const data::Dataset dataset({data::Column::Numeric("noise", noise),
                               data::Column::Categorical("grade", grade, {"a", "b", "c", "d"})},
                              labels);
  const auto model = FitPipeline(dataset, TrainSpec{}, Control());  // one-hot, logistic
  const auto result = PermutationImportance(model, dataset, PermutationImportanceOptions{});
  EXPECT_GT(result.mean[1], 0.3);
  EXPECT_LT(std::abs(result.mean[0]), 0.05);
}

TEST(PermutationImportance, BadInputsAreErrors) {
  const data::Dataset dataset = SignalAndNoise();
  const auto model = FitPipeline(dataset, TrainSpec{}, Control());
  PermutationImportanceOptions options;
  options.metric = "r2";
  ExpectError([&] { PermutationImportance(model, dataset, options); }, StatusCode::kInvalidArgument,
              "metric 'r2' is for regression");
  options.metric = "acuracy";
  ExpectError([&] { PermutationImportance(model, dataset, options); }, StatusCode::kInvalidArgument,
              "did you mean 'accuracy'");
  options = {};
  options.n_repeats = 0;
  ExpectError([&] { PermutationImportance(model, dataset, options); }, StatusCode::kInvalidArgument,
              "n_repeats must be in [1, 1000]");
  data::Dataset unlabelled = dataset;
  unlabelled.clear_labels();
  ExpectError([&] { PermutationImportance(model, unlabelled, {}); }, StatusCode::kInvalidArgument,
              "needs a dataset with the target column");
  const data::Dataset missing({data::Column::Numeric("signal", dataset.column(1).values)},
                              dataset.labels());
  ExpectError([&] { PermutationImportance(model, missing, {}); }, StatusCode::kInvalidArgument,
              "'noise'");
  ExpectError(
      [] {
        PermutationImportanceOptions::FromJson({{"n_repeat", 3}});
      },
      StatusCode::kInvalidArgument, "did you mean 'n_repeats'");
  EXPECT_EQ(PermutationImportanceOptions::FromJson({{"n_repeats", 7}, {"n_jobs", 2}}).n_repeats, 7);
}

}  // namespace
}  // namespace kolosal::train
