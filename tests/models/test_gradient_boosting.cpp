// Gradient boosting: objectives, growth modes, early stopping, determinism, round trips,
// cancellation and corrupt model state.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>

#include "kolosal/io/model_file.hpp"
#include "kolosal/models/tree/gradient_boosting_model.hpp"
#include "tree_test_helpers.hpp"

namespace kolosal::tree_testing {
namespace {

double Accuracy(const std::vector<float>& probabilities, const TreeData& data) {
  double hits = 0.0;
  for (int64_t row = 0; row < data.rows(); ++row) {
    hits += ArgMax(probabilities, data.n_classes, row) == static_cast<int>(data.y[row]) ? 1 : 0;
  }
  return hits / static_cast<double>(data.rows());
}

double MeanAbsoluteError(const std::vector<float>& predicted, const std::vector<float>& y) {
  double total = 0.0;
  for (size_t row = 0; row < y.size(); ++row) total += std::abs(predicted[row] - y[row]);
  return total / static_cast<double>(y.size());
}

const models::tree::GradientBoostingModel& AsBoosting(const models::Model& model) {
  return dynamic_cast<const models::tree::GradientBoostingModel&>(model);
}

TEST(GradientBoosting, ClassifiesBinaryAndMulticlass) {
  for (int n_classes : {2, 4}) {
    const TreeData train = MixedClassification(3000, n_classes, 20);
    const TreeData test = MixedClassification(1000, n_classes, 21);
    const auto model = FitTree("gradient_boosting", {{"n_estimators", 60}}, train);
    const std::vector<float> out = PredictRows(*model, test.view());
    EXPECT_GT(Accuracy(out, test), 0.85) << n_classes;
    for (int64_t row = 0; row < test.rows(); ++row) {
      float total = 0.0f;
      for (int k = 0; k < n_classes; ++k) total += out[row * n_classes + k];
      EXPECT_NEAR(total, 1.0f, 1e-5f);
    }
  }
}

TEST(GradientBoosting, RegressesWithSquaredAndAbsoluteError) {
  const TreeData train = SmoothRegression(4000, 22);
  const TreeData test = SmoothRegression(1000, 23);
  for (const char* objective : {"squared_error", "absolute_error"}) {
    const auto model =
        FitTree("gradient_boosting", {{"n_estimators", 150}, {"objective", objective}}, train);
    EXPECT_LT(MeanAbsoluteError(PredictRows(*model, test.view()), test.y), 0.2) << objective;
  }
}

TEST(GradientBoosting, DepthWiseGrowthRespectsMaxDepth) {
  const TreeData train = SmoothRegression(2000, 24);
  const auto model = FitTree(
      "gradient_boosting",
      {{"n_estimators", 5}, {"growth", "depth_wise"}, {"max_depth", 2}, {"min_samples_leaf", 1}},
      train);
  const auto& ensemble = AsBoosting(*model).ensemble();
  EXPECT_EQ(ensemble.n_trees(), 5);
  EXPECT_LE(ensemble.n_nodes(), 5 * 7);
  const auto leafy = FitTree("gradient_boosting", {{"n_estimators", 3}, {"num_leaves", 5}}, train);
  EXPECT_EQ(AsBoosting(*leafy).ensemble().n_nodes(), 3 * 9);
}

TEST(GradientBoosting, StopsEarlyOnValidationLoss) {
  TreeData train = SmoothRegression(1500, 25);
  // Pure noise: the validation loss stops improving after a few rounds.
  Rng rng(3);
  for (float& value : train.y) value = static_cast<float>(UniformUnit(rng));
  const auto model =
      FitTree("gradient_boosting",
              {{"n_estimators", 500}, {"early_stopping_rounds", 5}, {"learning_rate", 0.3}}, train);
  EXPECT_LT(AsBoosting(*model).n_rounds(), 100);
  EXPECT_GE(AsBoosting(*model).n_rounds(), 1);
}

TEST(GradientBoosting, SubsamplingAndRegularisationStillLearn) {
  const TreeData train = MixedClassification(3000, 2, 26);
  const TreeData test = MixedClassification(1000, 2, 27);
  const auto model = FitTree("gradient_boosting",
                             {{"n_estimators", 80},
                              {"subsample", 0.7},
                              {"colsample_bytree", 0.7},
                              {"reg_alpha", 0.5},
                              {"reg_lambda", 2.0},
                              {"class_weight", "balanced"}},
                             train);
  EXPECT_GT(Accuracy(PredictRows(*model, test.view()), test), 0.85);
}

TEST(GradientBoosting, SameModelWithOneOrTwoThreads) {
  const nlohmann::json params = {
      {"n_estimators", 20}, {"subsample", 0.8}, {"colsample_bytree", 0.8}};
  for (int n_classes : {2, 3}) {
    const TreeData data = MixedClassification(40000, n_classes, 28);
    const auto one = FitTree("gradient_boosting", params, data, Control(1, 5));
    const auto two = FitTree("gradient_boosting", params, data, Control(2, 5));
    EXPECT_EQ(SaveModel(*one), SaveModel(*two)) << n_classes;
  }
  const TreeData regression = SmoothRegression(40000, 29);
  const auto one = FitTree("gradient_boosting", params, regression, Control(1, 5));
  const auto two = FitTree("gradient_boosting", params, regression, Control(2, 5));
  EXPECT_EQ(SaveModel(*one), SaveModel(*two));
}

// Above 2^20 training cells (rows x features) a single-output tree runs parallel loops inside
// (histograms, split search, partition, gradients, margins); below, the test above stays serial.
TEST(GradientBoosting, SameModelWithOneOrTwoThreadsOnLargeData) {
  const TreeData regression = SmoothRegression(280000, 31);
  const nlohmann::json all_rows = {{"n_estimators", 3}};
  EXPECT_EQ(SaveModel(*FitTree("gradient_boosting", all_rows, regression, Control(1, 5))),
            SaveModel(*FitTree("gradient_boosting", all_rows, regression, Control(2, 5))));
  const TreeData binary = MixedClassification(360000, 2, 32);
  const nlohmann::json sampled = {{"n_estimators", 3}, {"subsample", 0.8}};
  EXPECT_EQ(SaveModel(*FitTree("gradient_boosting", sampled, binary, Control(1, 5))),
            SaveModel(*FitTree("gradient_boosting", sampled, binary, Control(2, 5))));
}

TEST(GradientBoosting, SaveLoadIsBitExact) {
  const TreeData data = MixedClassification(1000, 3, 30);
  const auto model = FitTree("gradient_boosting", {{"n_estimators", 10}}, data);
  const std::vector<char> bytes = SaveModel(*model);
  const auto loaded = LoadModel("gradient_boosting", bytes);
  EXPECT_TRUE(BitEqual(PredictRows(*model, data.view()), PredictRows(*loaded, data.view())));
  EXPECT_EQ(SaveModel(*loaded), bytes);
  EXPECT_EQ(model->FeatureImportance(models::ImportanceType::kGain),
            loaded->FeatureImportance(models::ImportanceType::kGain));
}

// Every byte flip and every truncation either loads or fails with kCorruptModel, and whatever
// loads predicts without crashing.
TEST(GradientBoosting, CorruptStateNeverCrashes) {
  const TreeData data = MixedClassification(300, 3, 31);
  const auto model = FitTree("gradient_boosting", {{"n_estimators", 3}, {"num_leaves", 4}}, data);
  const std::vector<char> bytes = SaveModel(*model);
  int loaded = 0;
  for (size_t pos = 0; pos < bytes.size(); ++pos) {
    for (int variant = 0; variant < 2; ++variant) {
      std::vector<char> broken = bytes;
      if (variant == 0) broken[pos] = static_cast<char>(broken[pos] ^ 0x5a);
      if (variant == 1) broken.resize(pos);
      try {
        const msgpack::object_handle handle =
            io::UnpackPayload({reinterpret_cast<const uint8_t*>(broken.data()), broken.size()});
        const auto result = LoadTree("gradient_boosting", handle.get());
        std::vector<float> out(static_cast<size_t>(data.rows() * result->n_outputs()));
        if (result->n_features() == data.cols) result->Predict(data.view(), out);
        ++loaded;
      } catch (const Error& error) {
        EXPECT_EQ(error.code(), StatusCode::kCorruptModel) << error.what();
      }
    }
  }
  EXPECT_GT(loaded, 0);
}

TEST(GradientBoosting, RejectsMalformedTrees) {
  const TreeData data = MixedClassification(300, 2, 32);
  const auto model = FitTree("gradient_boosting", {{"n_estimators", 2}}, data);
  const std::vector<char> bytes = SaveModel(*model);
  msgpack::object_handle handle = msgpack::unpack(bytes.data(), bytes.size());
  // Point the root's left child at itself: a cycle that must be rejected.
  const msgpack::object& trees = io::Field(handle.get(), "trees");
  const msgpack::object& left = io::Field(trees, "left");
  ASSERT_EQ(left.type, msgpack::type::BIN);
  const std::string_view all(bytes.data(), bytes.size());
  const size_t offset = all.find(std::string_view(left.via.bin.ptr, left.via.bin.size));
  ASSERT_NE(offset, std::string_view::npos);
  std::vector<char> patched = bytes;
  std::memset(patched.data() + offset, 0, 4);
  ExpectStatus(StatusCode::kCorruptModel, [&] { LoadModel("gradient_boosting", patched); });
}

TEST(GradientBoosting, CancelsBetweenRounds) {
  const TreeData data = MixedClassification(500, 2, 33);
  FitControl control = Control(1);
  int calls = 0;
  control.progress = [&](double, std::string_view) { return ++calls < 3; };
  ExpectStatus(StatusCode::kCancelled, [&] {
    FitTree("gradient_boosting", {{"n_estimators", 100}}, data, control);
  });
  EXPECT_EQ(calls, 3);
}

// One categorical feature with `n_categories` codes of 40 rows each; y is `value_of[code]`.
TreeData CategoryRegression(const std::vector<float>& value_of) {
  TreeData data;
  data.cols = 1;
  data.task = Task::kRegression;
  const auto n_categories = static_cast<int>(value_of.size());
  data.features = {{"c", true, n_categories}};
  for (int row = 0; row < 40 * n_categories; ++row) {
    data.x.push_back(static_cast<float>(row % n_categories));
    data.y.push_back(value_of[static_cast<size_t>(row % n_categories)]);
  }
  return data;
}

// How many categories share each prediction of a one-split model, smallest group first.
std::vector<int> CategoryGroups(const nlohmann::json& extra, const std::vector<float>& value_of) {
  nlohmann::json params = {{"n_estimators", 1}, {"learning_rate", 1.0},   {"growth", "depth_wise"},
                           {"max_depth", 1},    {"min_samples_leaf", 1},  {"reg_lambda", 0.0},
                           {"cat_l2", 0.0},     {"min_data_per_group", 1}};
  if (extra.is_object()) params.update(extra);
  const TreeData train = CategoryRegression(value_of);
  const auto model = FitTree("gradient_boosting", params, train);
  std::vector<float> codes;
  for (size_t code = 0; code < value_of.size(); ++code) codes.push_back(static_cast<float>(code));
  const std::vector<float> out =
      PredictRows(*model, {codes.data(), static_cast<int64_t>(codes.size()), 1});
  std::vector<int> groups;
  std::vector<float> seen;
  for (float value : out) {
    const auto found = std::find(seen.begin(), seen.end(), value);
    if (found == seen.end()) {
      seen.push_back(value);
      groups.push_back(1);
    } else {
      ++groups[static_cast<size_t>(found - seen.begin())];
    }
  }
  std::sort(groups.begin(), groups.end());
  return groups;
}

TEST(GradientBoosting, CategoricalSplitsFollowLightGbmLimits) {
  // Even codes are high: the best partition is {0, 2, 4, 6} against the rest.
  const std::vector<float> even_high = {1, 0, 1, 0, 1, 0, 1, 0};
  EXPECT_EQ(CategoryGroups({}, even_high), (std::vector<int>{4, 4}));
  // max_cat_threshold caps the categories on the scanned side.
  EXPECT_EQ(CategoryGroups({{"max_cat_threshold", 2}}, even_high), (std::vector<int>{2, 6}));
  EXPECT_EQ(CategoryGroups({{"max_cat_threshold", 1}}, even_high), (std::vector<int>{1, 7}));
  // min_data_per_group: a cut needs 120 new rows (3 categories) on the scanned side, and no
  // cut at all when no group of at most 4 categories holds 200 rows.
  EXPECT_EQ(CategoryGroups({{"min_data_per_group", 120}}, even_high), (std::vector<int>{3, 5}));
  EXPECT_EQ(CategoryGroups({{"min_data_per_group", 200}}, even_high), (std::vector<int>{8}));
  // Categories with fewer rows than cat_smooth never go to the scanned side.
  EXPECT_EQ(CategoryGroups({{"cat_smooth", 41.0}}, even_high), (std::vector<int>{8}));
  // At most max_cat_to_onehot categories: one category against the rest.
  const std::vector<float> two_high = {0, 0, 1, 1};
  EXPECT_EQ(CategoryGroups({}, two_high), (std::vector<int>{1, 3}));
  EXPECT_EQ(CategoryGroups({{"max_cat_to_onehot", 0}}, two_high), (std::vector<int>{2, 2}));
  EXPECT_EQ(CategoryGroups({{"max_cat_to_onehot", 3}}, two_high), (std::vector<int>{2, 2}));
}

TEST(GradientBoosting, RejectsBadParams) {
  auto create = [](const nlohmann::json& params, Task task) {
    return CreateTree("gradient_boosting", params, task);
  };
  ExpectStatus(StatusCode::kInvalidArgument, [&] {
    create({{"learning_rat", 0.1}}, Task::kRegression);
  });
  ExpectStatus(StatusCode::kInvalidArgument, [&] {
    create({{"objective", "logistic"}}, Task::kRegression);
  });
  ExpectStatus(StatusCode::kInvalidArgument, [&] {
    create({{"growth", "depth_wise"}}, Task::kRegression);
  });
  ExpectStatus(StatusCode::kInvalidArgument, [&] {
    create({{"subsample", 0.0}}, Task::kRegression);
  });
  ExpectStatus(StatusCode::kInvalidArgument, [&] {
    create({{"num_leaves", 1}}, Task::kRegression);
  });
  ExpectStatus(StatusCode::kInvalidArgument, [&] {
    create({{"max_bins", 256}}, Task::kRegression);
  });
  for (const auto& [key, value] :
       std::vector<std::pair<std::string, double>>{{"max_cat_threshold", 0},
                                                   {"max_cat_threshold", 256},
                                                   {"max_cat_to_onehot", -1},
                                                   {"max_cat_to_onehot", 256},
                                                   {"min_data_per_group", 0},
                                                   {"cat_smooth", -1.0},
                                                   {"cat_l2", -1.0}}) {
    ExpectStatus(StatusCode::kInvalidArgument, [&] { create({{key, value}}, Task::kRegression); });
  }
}

}  // namespace
}  // namespace kolosal::tree_testing
