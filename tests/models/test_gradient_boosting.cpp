// Gradient boosting: objectives, growth modes, early stopping, determinism, round trips,
// cancellation and corrupt model state.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "common/expect_error.hpp"
#include "kolosal/io/model_file.hpp"
#include "kolosal/models/tree/gradient_boosting_model.hpp"
#include "tree_test_helpers.hpp"

namespace kolosal::tree_testing {
namespace {

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

// The summary records what early stopping watched: every round's validation score, the best
// round (the first best one, as XGBoost's best_iteration) and its score; the model keeps the
// rounds up to it, and training ran early_stopping_rounds past it. eval_metric picks a metric
// from the registry, maximised when greater is better.
TEST(GradientBoosting, EarlyStoppingWatchesTheEvalMetric) {
  const TreeData binary = MixedClassification(3000, 2, 41);
  TreeData regression = SmoothRegression(2000, 42);
  Rng rng(4);
  for (float& value : regression.y) value += static_cast<float>(UniformUnit(rng));
  struct Case {
    const TreeData* data;
    const char* metric;  // empty: the objective's loss
    const char* recorded;
    bool maximise;
  };
  const Case cases[] = {{&binary, "", "objective", false},
                        {&binary, "roc_auc", "roc_auc", true},
                        {&binary, "accuracy", "accuracy", true},
                        {&regression, "mae", "mae", false},
                        {&regression, "r2", "r2", true}};
  for (const Case& test_case : cases) {
    SCOPED_TRACE(test_case.metric);
    nlohmann::json params = {
        {"n_estimators", 400}, {"early_stopping_rounds", 8}, {"learning_rate", 0.5}};
    if (*test_case.metric != '\0') params["eval_metric"] = test_case.metric;
    const auto model = FitTree("gradient_boosting", params, *test_case.data);
    const nlohmann::json validation = model->Summary().at("validation");
    EXPECT_EQ(validation.at("metric"), test_case.recorded);
    const std::vector<double> scores = validation.at("scores");
    const auto best = test_case.maximise ? std::max_element(scores.begin(), scores.end())
                                         : std::min_element(scores.begin(), scores.end());
    const int64_t best_iteration = best - scores.begin();
    EXPECT_EQ(validation.at("best_iteration"), best_iteration);
    EXPECT_EQ(validation.at("best_score"), *best);
    EXPECT_EQ(AsBoosting(*model).n_rounds(), best_iteration + 1);
    ASSERT_LT(scores.size(), 400u);  // stopped early
    EXPECT_EQ(scores.size(), static_cast<size_t>(best_iteration + 9));
    EXPECT_EQ(validation.at("rows"), test_case.data->rows() / 10);
  }
  // Without early stopping there is nothing to record.
  EXPECT_FALSE(FitTree("gradient_boosting", {{"n_estimators", 3}}, binary)
                   ->Summary()
                   .contains("validation"));
}

TEST(GradientBoosting, RejectsBadEvalMetrics) {
  auto create = [](const nlohmann::json& params, Task task) {
    return CreateTree("gradient_boosting", params, task);
  };
  testing::ExpectError(
      [&] {
        create({{"eval_metric", "roc_auc"}}, Task::kClassification);
      },
      StatusCode::kInvalidArgument, "eval_metric", "early_stopping_rounds");
  testing::ExpectError(
      [&] {
        create({{"eval_metric", "roc_aux"}, {"early_stopping_rounds", 5}}, Task::kClassification);
      },
      StatusCode::kInvalidArgument, "eval_metric", "roc_aux", "roc_auc");
  testing::ExpectError(
      [&] {
        create({{"eval_metric", "roc_auc"}, {"early_stopping_rounds", 5}}, Task::kRegression);
      },
      StatusCode::kInvalidArgument, "eval_metric", "regression");
  testing::ExpectError(
      [&] {
        create({{"eval_metric", ""}, {"early_stopping_rounds", 5}}, Task::kRegression);
      },
      StatusCode::kInvalidArgument, "eval_metric", "empty");
  testing::ExpectError(
      [&] {
        FitTree("gradient_boosting", {{"eval_metric", "f1"}, {"early_stopping_rounds", 5}},
                MixedClassification(300, 3, 43));
      },
      StatusCode::kInvalidArgument, "eval_metric 'f1' does not take 3 classes");
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
  const nlohmann::json sampled = {
      {"n_estimators", 3}, {"subsample", 0.8}, {"colsample_bynode", 0.6}};
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

// `bytes` with element `index` of the trees' array `field` replaced by `value`.
template <typename T>
std::vector<char> WithElement(const std::vector<char>& bytes, const char* field, size_t index,
                              T value) {
  msgpack::object_handle handle = msgpack::unpack(bytes.data(), bytes.size());
  const msgpack::object& array = io::Field(io::Field(handle.get(), "trees"), field);
  EXPECT_EQ(array.type, msgpack::type::BIN);
  // The unpacked object holds a copy: find its bytes in the buffer.
  const size_t offset = std::string_view(bytes.data(), bytes.size())
                            .find(std::string_view(array.via.bin.ptr, array.via.bin.size));
  EXPECT_NE(offset, std::string_view::npos);
  std::vector<char> patched = bytes;
  std::memcpy(patched.data() + offset + index * sizeof(T), &value, sizeof(T));
  return patched;
}

// A trained model never has them, and the batch, row and compiled walks would disagree on them
// (found by fuzz/: docs/fuzzing.md).
TEST(GradientBoosting, RejectsNanThresholdsNonFiniteLeavesAndSharedNodes) {
  const TreeData data = SmoothRegression(300, 34);
  const auto model = FitTree("gradient_boosting", {{"n_estimators", 2}}, data);
  const std::vector<char> bytes = SaveModel(*model);
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const float inf = std::numeric_limits<float>::infinity();
  testing::ExpectError(
      [&] { LoadModel("gradient_boosting", WithElement(bytes, "threshold", 0, nan)); },
      StatusCode::kCorruptModel, "NaN threshold");
  testing::ExpectError(
      [&] { LoadModel("gradient_boosting", WithElement(bytes, "leaf_values", 0, nan)); },
      StatusCode::kCorruptModel, "leaf value is not finite");
  testing::ExpectError(
      [&] { LoadModel("gradient_boosting", WithElement(bytes, "leaf_values", 0, -inf)); },
      StatusCode::kCorruptModel, "leaf value is not finite");
  // The root's children moved to nodes 3 and 4: nodes 1 and 2 are cut off, or one node gets
  // two parents. Either way the nodes are no longer one tree.
  testing::ExpectError(
      [&] { LoadModel("gradient_boosting", WithElement(bytes, "left", 0, int32_t{3})); },
      StatusCode::kCorruptModel, "tree ensemble: a node");
  // Infinite thresholds are consistent in every walk and stay loadable.
  EXPECT_NO_THROW(LoadModel("gradient_boosting", WithElement(bytes, "threshold", 0, inf)));
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

// One round of one split with learning rate 1 and no penalties, plus `extra`.
nlohmann::json Stump(const nlohmann::json& extra = nlohmann::json::object()) {
  nlohmann::json params = {{"n_estimators", 1}, {"learning_rate", 1.0},  {"growth", "depth_wise"},
                           {"max_depth", 1},    {"min_samples_leaf", 1}, {"reg_lambda", 0.0}};
  if (extra.is_object()) params.update(extra);
  return params;
}

// x = 0..9 and y = 10 at x = 0, else 0. Squared error starts at the mean 1, so the gradients
// (margin - y) are -9 at x = 0 and 1 elsewhere, the hessians 1 (the row weights): the best split
// isolates x = 0 with G = -9, H = 1 left and G = 9, H = 9 right, gain 81 + 9 - 0 = 90.
TreeData OneOutlier(float weight = 1.0f) {
  TreeData data;
  data.cols = 1;
  for (int row = 0; row < 10; ++row) {
    data.x.push_back(static_cast<float>(row));
    data.y.push_back(row == 0 ? 10.0f : 0.0f);
    data.weights.push_back(weight);
  }
  return data;
}

std::vector<float> StumpPredictions(const nlohmann::json& extra, const TreeData& data) {
  return PredictRows(*FitTree("gradient_boosting", Stump(extra), data), data.view());
}

// Leaf values are the Newton step -G / (H + reg_lambda), times the learning rate.
TEST(GradientBoosting, LeafValuesAreRegularisedNewtonSteps) {
  const TreeData data = OneOutlier();
  std::vector<float> out = StumpPredictions({}, data);
  EXPECT_FLOAT_EQ(out[0], 10.0f);
  for (int row = 1; row < 10; ++row) EXPECT_FLOAT_EQ(out[row], 0.0f);
  out = StumpPredictions({{"reg_lambda", 1.0}, {"learning_rate", 0.5}}, data);
  EXPECT_FLOAT_EQ(out[0], 1.0f + 0.5f * static_cast<float>(9.0 / 2.0));
  for (int row = 1; row < 10; ++row) {
    EXPECT_FLOAT_EQ(out[row], 1.0f + 0.5f * static_cast<float>(-9.0 / 10.0));
  }
  // More L2 shrinks every leaf towards the starting value.
  const std::vector<float> strong = StumpPredictions({{"reg_lambda", 10.0}}, data);
  EXPECT_FLOAT_EQ(strong[0], 1.0f + static_cast<float>(9.0 / 11.0));
  EXPECT_FLOAT_EQ(strong[5], 1.0f + static_cast<float>(-9.0 / 19.0));
}

// L1 soft-thresholds the gradient sums: -(G - sign(G) * alpha) / H, and nothing when |G| <= alpha.
TEST(GradientBoosting, RegAlphaSoftThresholdsLeafGradients) {
  const TreeData data = OneOutlier();
  const std::vector<float> out = StumpPredictions({{"reg_alpha", 3.0}}, data);
  EXPECT_FLOAT_EQ(out[0], 1.0f + 6.0f);
  for (int row = 1; row < 10; ++row)
    EXPECT_FLOAT_EQ(out[row], 1.0f + static_cast<float>(-6.0 / 9.0));
  // alpha 10 > |G| everywhere: no split has a gain and the leaf stays at 0.
  const auto model = FitTree("gradient_boosting", Stump({{"reg_alpha", 10.0}}), data);
  EXPECT_EQ(AsBoosting(*model).ensemble().n_nodes(), 1);
  EXPECT_EQ(PredictRows(*model, data.view()), std::vector<float>(10, 1.0f));
}

// min_child_weight bounds each child's hessian sum (here the row weights), not its rows.
TEST(GradientBoosting, MinChildWeightBoundsChildHessians) {
  // x = 0 alone has hessian 1 < 1.5: the best allowed split is {0, 1} (G = -8, H = 2) against
  // the rest (G = 8, H = 8).
  std::vector<float> out = StumpPredictions({{"min_child_weight", 1.5}}, OneOutlier());
  EXPECT_FLOAT_EQ(out[0], 5.0f);
  EXPECT_FLOAT_EQ(out[1], 5.0f);
  for (int row = 2; row < 10; ++row) EXPECT_FLOAT_EQ(out[row], 0.0f);
  // With weight 2 per row, x = 0 alone has hessian 2 and is split off again.
  out = StumpPredictions({{"min_child_weight", 1.5}}, OneOutlier(2.0f));
  EXPECT_FLOAT_EQ(out[0], 10.0f);
  EXPECT_FLOAT_EQ(out[1], 0.0f);
  // No split leaves 9 on both sides of 10 rows of weight 1.
  const auto model = FitTree("gradient_boosting", Stump({{"min_child_weight", 9.0}}), OneOutlier());
  EXPECT_EQ(AsBoosting(*model).ensemble().n_nodes(), 1);
  EXPECT_EQ(PredictRows(*model, OneOutlier().view()), std::vector<float>(10, 1.0f));
}

// The split's gain is 90: min_split_gain 89 keeps it, 91 drops it. The gain importance is the
// split's gain and the split importance its count.
TEST(GradientBoosting, MinSplitGainDropsWeakerSplits) {
  const TreeData data = OneOutlier();
  const auto kept = FitTree("gradient_boosting", Stump({{"min_split_gain", 89.0}}), data);
  EXPECT_EQ(AsBoosting(*kept).ensemble().n_nodes(), 3);
  EXPECT_EQ(kept->FeatureImportance(models::ImportanceType::kGain), std::vector<double>{90.0});
  EXPECT_EQ(kept->FeatureImportance(models::ImportanceType::kSplit), std::vector<double>{1.0});
  const auto dropped = FitTree("gradient_boosting", Stump({{"min_split_gain", 91.0}}), data);
  EXPECT_EQ(AsBoosting(*dropped).ensemble().n_nodes(), 1);
  EXPECT_EQ(PredictRows(*dropped, data.view()), std::vector<float>(10, 1.0f));
  EXPECT_EQ(dropped->FeatureImportance(models::ImportanceType::kSplit), std::vector<double>{0.0});
}

// With learning rate 0.5 every round halves the residuals, so the same split comes back with a
// quarter of the gain: 90 + 22.5 + 5.625 over three splits.
TEST(GradientBoosting, ImportanceSumsGainsAndCountsSplitsOverRounds) {
  const auto model = FitTree("gradient_boosting",
                             Stump({{"n_estimators", 3}, {"learning_rate", 0.5}}), OneOutlier());
  EXPECT_EQ(model->FeatureImportance(models::ImportanceType::kSplit), std::vector<double>{3.0});
  EXPECT_EQ(model->FeatureImportance(models::ImportanceType::kGain), std::vector<double>{118.125});
  const SavedTrees trees = ReadSavedTrees(*model);
  EXPECT_EQ(trees.gain[trees.roots[0]], 90.0);
  EXPECT_EQ(trees.gain[trees.roots[1]], 22.5);
  EXPECT_EQ(trees.gain[trees.roots[2]], 5.625);
}

// One round of a tree grown until every sampled row has a leaf of its own fits exactly the
// sampled rows (targets are distinct, so no other row lands on its own value): their number is
// about subsample * n, and they change with the seed.
TEST(GradientBoosting, SubsampleFitsEachRoundOnADrawOfTheRows) {
  TreeData data;
  data.cols = 1;
  for (int row = 0; row < 200; ++row) {
    data.x.push_back(static_cast<float>(row));
    data.y.push_back(static_cast<float>((row * 37) % 200));
  }
  auto exactly_fit = [&](double subsample, uint64_t seed) {
    const auto model = FitTree("gradient_boosting",
                               {{"n_estimators", 1},
                                {"learning_rate", 1.0},
                                {"num_leaves", 1024},
                                {"min_samples_leaf", 1},
                                {"reg_lambda", 0.0},
                                {"subsample", subsample}},
                               data, Control(1, seed));
    const std::vector<float> out = PredictRows(*model, data.view());
    std::vector<int> rows;
    for (int row = 0; row < 200; ++row) {
      if (out[row] == data.y[row]) rows.push_back(row);
    }
    return rows;
  };
  EXPECT_EQ(exactly_fit(1.0, 1).size(), 200u);
  for (const double subsample : {0.3, 0.7}) {
    const std::vector<int> first = exactly_fit(subsample, 1);
    EXPECT_NEAR(static_cast<double>(first.size()), 200.0 * subsample, 25.0) << subsample;
    EXPECT_EQ(exactly_fit(subsample, 1), first);
    EXPECT_NE(exactly_fit(subsample, 2), first);
  }
  // Across rounds: the same seed gives the same model, another seed or no sampling another.
  const TreeData train = MixedClassification(2000, 2, 34);
  const nlohmann::json sampled = {{"n_estimators", 10}, {"subsample", 0.5}};
  const auto model = SaveModel(*FitTree("gradient_boosting", sampled, train, Control(1, 3)));
  EXPECT_EQ(SaveModel(*FitTree("gradient_boosting", sampled, train, Control(1, 3))), model);
  EXPECT_NE(SaveModel(*FitTree("gradient_boosting", sampled, train, Control(1, 4))), model);
  EXPECT_NE(SaveModel(*FitTree("gradient_boosting", {{"n_estimators", 10}}, train, Control(1, 3))),
            model);
}

// With 40 rows and subsample 0.002 most rounds draw no row at all. Such a round adds nothing,
// also without L2 (its leaf was 0 / 0 = NaN before, which made every prediction NaN).
TEST(GradientBoosting, RoundsWithoutSampledRowsAddNothing) {
  const TreeData values = SmoothRegression(40, 38);
  const TreeData classes = MixedClassification(40, 3, 39);
  for (const TreeData* data : {&values, &classes}) {
    const auto model =
        FitTree("gradient_boosting",
                {{"n_estimators", 5}, {"subsample", 0.002}, {"reg_lambda", 0.0}}, *data);
    const std::vector<float> out = PredictRows(*model, data->view());
    for (size_t idx = 0; idx < out.size(); ++idx) {
      ASSERT_TRUE(std::isfinite(out[idx])) << idx;
    }
    // No round drew a row here, so the model predicts its starting values.
    const std::vector<float>& base = AsBoosting(*model).base_margins();
    if (data == &values) {
      EXPECT_EQ(out, std::vector<float>(out.size(), base[0]));
    }
  }
}

// 600 rows of 4 uniform features; feature 0 carries the (binary) target, 1..3 are noise.
TreeData OneInformativeFeature(uint64_t seed) {
  TreeData data;
  data.cols = 4;
  Rng rng(seed);
  for (int row = 0; row < 600; ++row) {
    for (int64_t col = 0; col < data.cols; ++col) {
      data.x.push_back(static_cast<float>(UniformUnit(rng)));
    }
    data.y.push_back(data.x[row * 4] > 0.5f ? 1.0f : 0.0f);
  }
  return data;
}

// The features each tree splits on.
std::vector<std::set<int32_t>> FeaturesPerTree(const SavedTrees& trees) {
  std::vector<std::set<int32_t>> per_tree;
  for (size_t tree = 0; tree < trees.roots.size(); ++tree) {
    const size_t end = tree + 1 < trees.roots.size() ? static_cast<size_t>(trees.roots[tree + 1])
                                                     : trees.feature.size();
    std::set<int32_t>& used = per_tree.emplace_back();
    for (size_t node = static_cast<size_t>(trees.roots[tree]); node < end; ++node) {
      if (!trees.is_leaf(node)) used.insert(trees.feature[node]);
    }
  }
  return per_tree;
}

// Without column sampling every tree's root splits feature 0; with colsample_bytree 0.25 each
// tree sees one feature (drawn per round), so each tree splits one feature only and the rounds
// use several.
TEST(GradientBoosting, ColsampleByTreeDrawsFeaturesPerRound) {
  const TreeData data = OneInformativeFeature(35);
  const nlohmann::json params = {{"n_estimators", 20}, {"growth", "depth_wise"}, {"max_depth", 2}};
  const SavedTrees all = ReadSavedTrees(*FitTree("gradient_boosting", params, data));
  for (const int32_t root : all.roots) EXPECT_EQ(all.feature[root], 0);
  nlohmann::json sampled = params;
  sampled["colsample_bytree"] = 0.25;
  const SavedTrees trees = ReadSavedTrees(*FitTree("gradient_boosting", sampled, data));
  std::set<int32_t> roots;
  const std::vector<std::set<int32_t>> used = FeaturesPerTree(trees);
  for (size_t tree = 0; tree < used.size(); ++tree) {
    EXPECT_EQ(used[tree].size(), 1u) << "tree " << tree;
    roots.insert(trees.feature[trees.roots[tree]]);
  }
  EXPECT_GE(roots.size(), 3u);
}

// colsample_bynode 0.25 lets each node of a 4-feature model split one drawn feature: the roots
// spread over the features, and a tree may split different features at different nodes, which
// colsample_bytree (one draw per tree) never does. 1 is the same model as no draw.
TEST(GradientBoosting, ColsampleByNodeDrawsFeaturesPerNode) {
  const TreeData data = OneInformativeFeature(38);
  const nlohmann::json params = {{"n_estimators", 20}, {"growth", "depth_wise"}, {"max_depth", 3}};
  nlohmann::json all = params;
  all["colsample_bynode"] = 1.0;
  EXPECT_EQ(SaveModel(*FitTree("gradient_boosting", all, data)),
            SaveModel(*FitTree("gradient_boosting", params, data)));
  nlohmann::json sampled = params;
  sampled["colsample_bynode"] = 0.25;
  const SavedTrees trees = ReadSavedTrees(*FitTree("gradient_boosting", sampled, data));
  std::set<int32_t> roots;
  for (const int32_t root : trees.roots) roots.insert(trees.feature[root]);
  int mixed_trees = 0;
  for (const std::set<int32_t>& used : FeaturesPerTree(trees)) mixed_trees += used.size() > 1;
  EXPECT_GE(roots.size(), 3u);
  EXPECT_GE(mixed_trees, 5);
}

// scale_pos_weight s weighs every positive row by s, as XGBoost's does: the same model as sample
// weights of s on the positives, and a start at the log-odds of the weighted prior.
TEST(GradientBoosting, ScalePosWeightWeighsThePositiveClass) {
  const TreeData data = MixedClassification(2000, 2, 39);
  const double scale = 3.5;
  const nlohmann::json params = {{"n_estimators", 10}};
  nlohmann::json scaled = params;
  scaled["scale_pos_weight"] = scale;
  const auto model = FitTree("gradient_boosting", scaled, data);
  TreeData weighted = data;
  for (const float label : data.y) weighted.weights.push_back(label == 1.0f ? 3.5f : 1.0f);
  EXPECT_EQ(SaveModel(*model), SaveModel(*FitTree("gradient_boosting", params, weighted)));
  double positives = 0.0;
  for (const float label : data.y) positives += label;
  const double negatives = static_cast<double>(data.y.size()) - positives;
  EXPECT_NEAR(AsBoosting(*model).base_margins()[0], std::log(scale * positives / negatives), 1e-5);

  auto create = [](const nlohmann::json& extra, Task task) {
    return CreateTree("gradient_boosting", extra, task);
  };
  testing::ExpectError(
      [&] {
        create({{"scale_pos_weight", 2.0}}, Task::kRegression);
      },
      StatusCode::kInvalidArgument, "scale_pos_weight", "binary classification");
  testing::ExpectError(
      [&] {
        create({{"scale_pos_weight", 2.0}, {"class_weight", "balanced"}}, Task::kClassification);
      },
      StatusCode::kInvalidArgument, "not both");
  testing::ExpectError(
      [&] {
        create({{"scale_pos_weight", 0.0}}, Task::kClassification);
      },
      StatusCode::kInvalidArgument, "scale_pos_weight");
  testing::ExpectError(
      [&] {
        FitTree("gradient_boosting", {{"scale_pos_weight", 2.0}}, MixedClassification(300, 3, 40));
      },
      StatusCode::kInvalidArgument, "scale_pos_weight needs two classes, the data has 3");
}

// Class 1 is rare (about 1 in 9 rows) and overlaps class 0. Balanced weights give both classes
// the same total weight, so boosting starts from margin 0 instead of the prior's log-odds, and
// the model finds more of the rare class.
TEST(GradientBoosting, BalancedClassWeightsRaiseMinorityRecall) {
  auto imbalanced = [](uint64_t seed) {
    TreeData data = MixedClassification(3000, 2, seed);
    for (size_t row = 0; row < data.y.size(); ++row) {
      if (data.y[row] == 1.0f && row % 5 != 0) data.y[row] = 0.0f;
    }
    return data;
  };
  const TreeData train = imbalanced(36);
  const TreeData test = imbalanced(37);
  auto recall = [&](const models::Model& model) {
    const std::vector<float> out = PredictRows(model, test.view());
    double found = 0.0;
    double positives = 0.0;
    for (int64_t row = 0; row < test.rows(); ++row) {
      if (test.y[row] != 1.0f) continue;
      positives += 1.0;
      found += ArgMax(out, 2, row) == 1 ? 1.0 : 0.0;
    }
    return found / positives;
  };
  const nlohmann::json params = {{"n_estimators", 30}};
  const auto plain = FitTree("gradient_boosting", params, train);
  nlohmann::json weighted = params;
  weighted["class_weight"] = "balanced";
  const auto balanced = FitTree("gradient_boosting", weighted, train);
  double positives = 0.0;
  for (const float label : train.y) positives += label;
  const double prior = positives / static_cast<double>(train.y.size());
  EXPECT_NEAR(AsBoosting(*plain).base_margins()[0], std::log(prior / (1.0 - prior)), 1e-5);
  EXPECT_NEAR(AsBoosting(*balanced).base_margins()[0], 0.0, 1e-5);
  EXPECT_GT(recall(*balanced), recall(*plain) + 0.1);
}

// base_score (XGBoost's) sets the starting prediction instead of the prior: a probability for
// logistic, a value for regression, every margin for softmax; outside (0, 1) for logistic is an
// error before any tree is grown.
TEST(GradientBoosting, BaseScoreSetsTheStartingPrediction) {
  const TreeData binary = MixedClassification(400, 2, 31);
  const auto at_half =
      FitTree("gradient_boosting", {{"n_estimators", 5}, {"base_score", 0.5}}, binary);
  EXPECT_EQ(AsBoosting(*at_half).base_margins(), std::vector<float>{0.0f});
  const auto at_80 =
      FitTree("gradient_boosting", {{"n_estimators", 5}, {"base_score", 0.8}}, binary);
  EXPECT_NEAR(AsBoosting(*at_80).base_margins()[0], std::log(0.8 / 0.2), 1e-6);
  EXPECT_NE(PredictRows(*at_half, binary.view()), PredictRows(*at_80, binary.view()));
  for (const double bad : {0.0, 1.0, 1.5, -0.2}) {
    ExpectStatus(StatusCode::kInvalidArgument, [&] {
      FitTree("gradient_boosting", {{"n_estimators", 5}, {"base_score", bad}}, binary);
    });
  }
  const TreeData classes = MixedClassification(400, 3, 32);
  const auto softmax =
      FitTree("gradient_boosting", {{"n_estimators", 5}, {"base_score", 0.5}}, classes);
  EXPECT_EQ(AsBoosting(*softmax).base_margins(), (std::vector<float>{0.5f, 0.5f, 0.5f}));
  const TreeData regression = SmoothRegression(400, 33);
  const auto shifted =
      FitTree("gradient_boosting", {{"n_estimators", 5}, {"base_score", -7.25}}, regression);
  EXPECT_EQ(AsBoosting(*shifted).base_margins(), std::vector<float>{-7.25f});
}

// Two groups whose medians (1 and 10) are far from their means (40.6 and -74): absolute error
// starts at the overall median (5.5, between the 50th and 51st values) and refits each leaf to
// its residuals' median, so it predicts the medians exactly; squared error predicts the means.
TEST(GradientBoosting, AbsoluteErrorPredictsMediansNotMeans) {
  TreeData data;
  data.cols = 1;
  for (int row = 0; row < 100; ++row) {
    const bool group_b = row >= 50;
    const bool outlier = row % 50 < 20;
    data.x.push_back(group_b ? 1.0f : 0.0f);
    data.y.push_back(group_b ? (outlier ? -200.0f : 10.0f) : (outlier ? 100.0f : 1.0f));
  }
  const std::vector<float> probe = {0.0f, 1.0f};
  const auto absolute =
      FitTree("gradient_boosting", Stump({{"objective", "absolute_error"}}), data);
  EXPECT_EQ(AsBoosting(*absolute).base_margins()[0], 5.5f);
  EXPECT_EQ(PredictRows(*absolute, {probe.data(), 2, 1}), (std::vector<float>{1.0f, 10.0f}));
  const auto squared = FitTree("gradient_boosting", Stump({{"objective", "squared_error"}}), data);
  const std::vector<float> means = PredictRows(*squared, {probe.data(), 2, 1});
  EXPECT_NEAR(means[0], 40.6f, 1e-4f);
  EXPECT_NEAR(means[1], -74.0f, 1e-4f);
  // Many small rounds stay at the medians too.
  const auto rounds = FitTree(
      "gradient_boosting",
      Stump({{"objective", "absolute_error"}, {"n_estimators", 30}, {"learning_rate", 0.5}}), data);
  const std::vector<float> out = PredictRows(*rounds, {probe.data(), 2, 1});
  EXPECT_FLOAT_EQ(out[0], 1.0f);
  EXPECT_NEAR(out[1], 10.0f, 1e-4f);
}

// Missing x rows have the targets of the small values, so they must go left with them (a fixed
// right-hand default would give them the large values' prediction); the mirror case goes right.
TEST(GradientBoosting, LearnsWhichSideMissingValuesGo) {
  for (const bool missing_small : {true, false}) {
    TreeData data;
    data.cols = 1;
    for (int idx = 0; idx < 40; ++idx) {
      const bool missing = idx % 4 == 0;
      const float value = static_cast<float>(idx % 20);
      data.x.push_back(missing ? std::nanf("") : value);
      const bool small = missing ? missing_small : value < 10.0f;
      data.y.push_back(small ? 0.0f : 8.0f);
    }
    const auto model = FitTree("gradient_boosting", Stump(), data);
    EXPECT_EQ(ReadSavedTrees(*model).default_left(0), missing_small);
    const std::vector<float> probe = {std::nanf(""), 1.0f, 15.0f};
    const std::vector<float> out = PredictRows(*model, {probe.data(), 3, 1});
    EXPECT_FLOAT_EQ(out[1], 0.0f);
    EXPECT_FLOAT_EQ(out[2], 8.0f);
    EXPECT_FLOAT_EQ(out[0], missing_small ? 0.0f : 8.0f);
  }
}

// Category codes 0..3 of 6 occur in training (codes {1, 3} have y = 8), plus missing rows.
// Declared codes that never occurred (4, 5), codes beyond the declared ones, negative codes
// and NaN all follow the learned default direction.
TEST(GradientBoosting, UnseenCategoriesFollowTheDefaultDirection) {
  bool default_left_seen[2] = {false, false};
  for (const float missing_target : {0.0f, 8.0f}) {
    TreeData data;
    data.cols = 1;
    data.features = {{"c", true, 6}};
    for (int idx = 0; idx < 48; ++idx) {
      const int code = idx % 4;
      data.x.push_back(static_cast<float>(code));
      data.y.push_back(code == 1 || code == 3 ? 8.0f : 0.0f);
    }
    for (int idx = 0; idx < 6; ++idx) {
      data.x.push_back(std::nanf(""));
      data.y.push_back(missing_target);
    }
    const auto model =
        FitTree("gradient_boosting",
                Stump({{"min_data_per_group", 1}, {"cat_smooth", 1.0}, {"cat_l2", 0.0}}), data);
    const SavedTrees trees = ReadSavedTrees(*model);
    ASSERT_TRUE(trees.categorical(0));
    default_left_seen[trees.default_left(0) ? 1 : 0] = true;
    const std::vector<float> probe = {0, 1, 2, 3, std::nanf(""), 4, 5, 6, 40, 255, 256, -1};
    const std::vector<float> out = PredictRows(*model, {probe.data(), 12, 1});
    for (int64_t row = 0; row < 12; ++row) {
      const float expected = row < 4 ? (row % 2 == 1 ? 8.0f : 0.0f) : missing_target;
      EXPECT_NEAR(out[row], expected, 1e-5f) << "code " << probe[row];
    }
  }
  EXPECT_TRUE(default_left_seen[0]);
  EXPECT_TRUE(default_left_seen[1]);
}

// y = x over 1000 distinct values: with max_bins 4 no round can cut anywhere but the same three
// bin bounds, so the model has at most four different predictions however long it trains.
TEST(GradientBoosting, MaxBinsBoundsTheThresholds) {
  TreeData data;
  data.cols = 1;
  for (int row = 0; row < 1000; ++row) {
    data.x.push_back(static_cast<float>(row));
    data.y.push_back(static_cast<float>(row));
  }
  for (const int max_bins : {4, 255}) {
    const auto model =
        FitTree("gradient_boosting",
                {{"n_estimators", 30}, {"max_bins", max_bins}, {"min_samples_leaf", 1}}, data);
    const std::vector<float> out = PredictRows(*model, data.view());
    const size_t distinct = std::set<float>(out.begin(), out.end()).size();
    if (max_bins == 4) {
      EXPECT_EQ(distinct, 4u);
    } else {
      EXPECT_GT(distinct, 200u);
    }
  }
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
                                                   {"cat_l2", -1.0},
                                                   {"colsample_bynode", 0.0},
                                                   {"colsample_bynode", 1.5}}) {
    ExpectStatus(StatusCode::kInvalidArgument, [&] { create({{key, value}}, Task::kRegression); });
  }
}

}  // namespace
}  // namespace kolosal::tree_testing
