#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "kolosal/metrics/metric.hpp"
#include "metrics/metrics_test_util.hpp"

namespace kolosal::metrics {
namespace {

using testing::ExpectInvalidArgument;
using testing::kTolerance;

using NamedValues = std::vector<std::pair<std::string, double>>;

void ExpectSameValues(const NamedValues& actual, const NamedValues& expected) {
  ASSERT_EQ(actual.size(), expected.size());
  for (size_t idx = 0; idx < expected.size(); ++idx) {
    EXPECT_EQ(actual[idx].first, expected[idx].first);
    EXPECT_NEAR(actual[idx].second, expected[idx].second, kTolerance) << expected[idx].first;
  }
}

Metric ConstantMetric(std::string name) {
  Metric metric;
  metric.name = std::move(name);
  metric.compute = [](std::span<const float>, std::span<const float>, int) { return 1.0; };
  return metric;
}

// Three classes; the arg-max never picks class 2. The same data as ThreeClassesWithTies in
// test_classification.cpp.
const std::vector<float> kThreeTruth = {0, 1, 2, 2, 1, 0, 0, 2, 1, 1, 0, 2, 0, 1, 2};
const std::vector<float> kThreeProbabilities = {
    0.6f, 0.3f, 0.1f, 0.2f, 0.7f, 0.1f, 0.5f, 0.1f, 0.4f, 0.3f, 0.4f, 0.3f, 0.1f, 0.8f, 0.1f,
    0.7f, 0.2f, 0.1f, 0.4f, 0.5f, 0.1f, 0.2f, 0.5f, 0.3f, 0.3f, 0.6f, 0.1f, 0.5f, 0.4f, 0.1f,
    0.8f, 0.1f, 0.1f, 0.1f, 0.5f, 0.4f, 0.6f, 0.2f, 0.2f, 0.2f, 0.5f, 0.3f, 0.3f, 0.6f, 0.1f};

TEST(MetricRegistryTest, BuiltinHasTheDocumentedNames) {
  const std::vector<std::string> expected = {"accuracy",
                                             "balanced_accuracy",
                                             "precision_macro",
                                             "recall_macro",
                                             "f1_macro",
                                             "precision_weighted",
                                             "recall_weighted",
                                             "f1_weighted",
                                             "f1",
                                             "log_loss",
                                             "roc_auc",
                                             "mse",
                                             "rmse",
                                             "mae",
                                             "r2",
                                             "mape"};
  EXPECT_EQ(MetricRegistry::Builtin().Names(), expected);
}

TEST(MetricRegistryTest, BuiltinIsOneInstance) {
  EXPECT_EQ(&MetricRegistry::Builtin(), &MetricRegistry::Builtin());
}

TEST(MetricRegistryTest, FindReturnsTheMetricWithItsDirection) {
  const MetricRegistry& registry = MetricRegistry::Builtin();
  EXPECT_EQ(registry.Find("roc_auc").task, Task::kClassification);
  EXPECT_TRUE(registry.Find("roc_auc").greater_is_better);
  EXPECT_FALSE(registry.Find("log_loss").greater_is_better);
  EXPECT_EQ(registry.Find("mape").task, Task::kRegression);
  EXPECT_FALSE(registry.Find("mape").greater_is_better);
  EXPECT_TRUE(registry.Find("r2").greater_is_better);
  EXPECT_FALSE(registry.Find("rmse").description.empty());
}

TEST(MetricRegistryTest, FindUnknownNameSuggestsTheNearest) {
  ExpectInvalidArgument([] { MetricRegistry::Builtin().Find("acuracy"); },
                        "unknown metric 'acuracy'; did you mean 'accuracy'?");
  ExpectInvalidArgument([] { MetricRegistry::Builtin().Find("zzzzzzzzzz"); },
                        "Valid: accuracy, balanced_accuracy");
}

TEST(MetricRegistryTest, NamesForBinaryIncludeBinaryF1) {
  const std::vector<std::string> expected = {
      "accuracy", "balanced_accuracy",  "precision_macro", "recall_macro",
      "f1_macro", "precision_weighted", "recall_weighted", "f1_weighted",
      "f1",       "log_loss",           "roc_auc"};
  EXPECT_EQ(MetricRegistry::Builtin().NamesFor(Task::kClassification, 2), expected);
}

TEST(MetricRegistryTest, NamesForMultiClassLeaveOutBinaryF1) {
  const std::vector<std::string> names =
      MetricRegistry::Builtin().NamesFor(Task::kClassification, 3);
  EXPECT_EQ(names.size(), 10u);
  EXPECT_EQ(std::ranges::count(names, "f1"), 0);
  EXPECT_EQ(std::ranges::count(names, "roc_auc"), 1);
}

TEST(MetricRegistryTest, NamesForOneClassLeaveOutProbabilityMetrics) {
  const std::vector<std::string> expected = {
      "accuracy", "balanced_accuracy",  "precision_macro", "recall_macro",
      "f1_macro", "precision_weighted", "recall_weighted", "f1_weighted"};
  EXPECT_EQ(MetricRegistry::Builtin().NamesFor(Task::kClassification, 1), expected);
}

TEST(MetricRegistryTest, NamesForRegression) {
  const std::vector<std::string> expected = {"mse", "rmse", "mae", "r2", "mape"};
  EXPECT_EQ(MetricRegistry::Builtin().NamesFor(Task::kRegression, 0), expected);
}

TEST(MetricRegistryTest, DefaultMetrics) {
  EXPECT_EQ(DefaultMetric(Task::kClassification), "accuracy");
  EXPECT_EQ(DefaultMetric(Task::kRegression), "r2");
}

TEST(MetricRegistryTest, RegisterAddsAndRejectsBadMetrics) {
  MetricRegistry registry;
  registry.Register(ConstantMetric("custom"));
  EXPECT_EQ(registry.Find("custom").compute({}, {}, 2), 1.0);
  ExpectInvalidArgument([&] { registry.Register(ConstantMetric("custom")); },
                        "metric 'custom' is already registered");
  ExpectInvalidArgument([&] { registry.Register(ConstantMetric("")); }, "needs a name");
  Metric without_compute = ConstantMetric("no_compute");
  without_compute.compute = nullptr;
  ExpectInvalidArgument([&] { registry.Register(without_compute); }, "has no compute function");
}

TEST(MetricRegistryTest, RegisterBuiltinMetricsFillsAnEmptyRegistry) {
  MetricRegistry registry;
  RegisterBuiltinMetrics(registry);
  EXPECT_EQ(registry.Names(), MetricRegistry::Builtin().Names());
}

TEST(MetricRegistryTest, ClassificationMetricsTakeProbabilities) {
  // accuracy_score(y_true, p.argmax(axis=1)) for the three-class data.
  EXPECT_NEAR(
      MetricRegistry::Builtin().Find("accuracy").compute(kThreeTruth, kThreeProbabilities, 3),
      0.5333333333333333, kTolerance);
}

TEST(ComputeAllTest, ThreeClassesMatchScikitLearn) {
  // The label metrics use y_pred = p.argmax(axis=1) and labels = [0, 1, 2]; precision, recall and
  // f1 use zero_division=0; log_loss uses eps=np.finfo(np.float32).eps; roc_auc uses
  // multi_class="ovr", average="macro" (scikit-learn 1.2.1).
  const NamedValues expected = {
      {"accuracy", 0.5333333333333333},        {"balanced_accuracy", 0.5333333333333333},
      {"precision_macro", 0.3703703703703704}, {"recall_macro", 0.5333333333333333},
      {"f1_macro", 0.4329004329004329},        {"precision_weighted", 0.37037037037037035},
      {"recall_weighted", 0.5333333333333333}, {"f1_weighted", 0.43290043290043284},
      {"log_loss", 0.7840636432296682},        {"roc_auc", 0.89}};
  ExpectSameValues(ComputeAll(Task::kClassification, kThreeTruth, kThreeProbabilities, 3),
                   expected);
}

TEST(ComputeAllTest, BinaryIncludesBinaryF1) {
  // The BinaryWithTies data of test_classification.cpp: f1_score(..., average="binary") = 0.75,
  // roc_auc_score(y_true, p[:, 1]) = 0.921875.
  const std::vector<float> y_true = {0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 1, 0};
  const std::vector<float> probabilities = {0.9f, 0.1f, 0.6f, 0.4f, 0.2f, 0.8f, 0.6f, 0.4f,
                                            0.8f, 0.2f, 0.6f, 0.4f, 0.4f, 0.6f, 0.9f, 0.1f,
                                            0.1f, 0.9f, 0.7f, 0.3f, 0.4f, 0.6f, 1.0f, 0.0f};
  const NamedValues values = ComputeAll(Task::kClassification, y_true, probabilities, 2);
  ASSERT_EQ(values.size(), 11u);
  EXPECT_EQ(values[8].first, "f1");
  EXPECT_NEAR(values[8].second, 0.75, kTolerance);
  EXPECT_EQ(values[10].first, "roc_auc");
  EXPECT_NEAR(values[10].second, 0.921875, kTolerance);
}

TEST(ComputeAllTest, SkipsRocAucWhenAClassIsAbsentFromTruth) {
  // roc_auc_score raises for this data (class 3 never occurs in y_true); log_loss(..., labels=
  // [0, 1, 2, 3], eps=np.finfo(np.float32).eps) = 0.8607820166891011.
  const std::vector<float> y_true = {0, 0, 0, 0, 0, 0, 1, 1, 2, 0, 0, 1};
  const std::vector<float> probabilities = {
      0.7f, 0.1f, 0.1f, 0.1f, 0.4f, 0.4f, 0.1f, 0.1f, 0.2f, 0.2f, 0.2f, 0.4f,
      0.5f, 0.2f, 0.2f, 0.1f, 0.3f, 0.3f, 0.3f, 0.1f, 0.6f, 0.1f, 0.2f, 0.1f,
      0.1f, 0.6f, 0.2f, 0.1f, 0.4f, 0.3f, 0.2f, 0.1f, 0.2f, 0.3f, 0.4f, 0.1f,
      0.9f, 0.0f, 0.1f, 0.0f, 0.5f, 0.1f, 0.3f, 0.1f, 0.2f, 0.2f, 0.5f, 0.1f};
  const NamedValues values = ComputeAll(Task::kClassification, y_true, probabilities, 4);
  ASSERT_EQ(values.size(), 9u);
  EXPECT_EQ(values.back().first, "log_loss");
  EXPECT_NEAR(values.back().second, 0.8607820166891011, kTolerance);
  EXPECT_EQ(values.front().first, "accuracy");
  EXPECT_NEAR(values.front().second, 0.75, kTolerance);
}

TEST(ComputeAllTest, RegressionMatchesScikitLearn) {
  // The NoZeros data of test_regression.cpp.
  const std::vector<float> y_true = {1.5f, -2.0f, 3.25f, 8.0f, -0.5f, 12.0f};
  const std::vector<float> y_pred = {1.0f, -1.5f, 3.0f, 9.5f, -0.75f, 11.0f};
  const NamedValues expected = {{"mse", 0.6458333333333334},
                                {"rmse", 0.8036375634160796},
                                {"mae", 0.6666666666666666},
                                {"r2", 0.9728169528681038},
                                {"mape", 0.23851495726495722}};
  ExpectSameValues(ComputeAll(Task::kRegression, y_true, y_pred, 0), expected);
}

TEST(ComputeAllTest, RejectsInvalidClassificationInputs) {
  const std::vector<float> y_true = {0, 1};
  const std::vector<float> probabilities = {0.7f, 0.3f, 0.2f, 0.8f};
  ExpectInvalidArgument(
      [&] {
        ComputeAll(Task::kClassification, y_true, std::vector<float>{0.7f, 0.3f}, 2);
      },
      "y_true has 2 values but y_pred has 1");
  ExpectInvalidArgument(
      [&] {
        ComputeAll(Task::kClassification, std::vector<float>{0, 2}, probabilities, 2);
      },
      "y_true[1] = 2 is not a class index");
  ExpectInvalidArgument([&] { ComputeAll(Task::kClassification, y_true, probabilities, 0); },
                        "n_classes >= 1");
  const std::vector<float> with_nan = {0.7f, 0.3f, std::numeric_limits<float>::quiet_NaN(), 0.8f};
  ExpectInvalidArgument([&] { ComputeAll(Task::kClassification, y_true, with_nan, 2); },
                        "probabilities[2] is nan");
  ExpectInvalidArgument([&] { ComputeAll(Task::kClassification, {}, {}, 2); }, "y_true is empty");
}

TEST(ComputeAllTest, RejectsInvalidRegressionInputs) {
  const std::vector<float> y_true = {1.0f, 2.0f};
  ExpectInvalidArgument([&] { ComputeAll(Task::kRegression, y_true, std::vector<float>{1.0f}, 0); },
                        "y_true has 2 values but y_pred has 1");
  ExpectInvalidArgument([&] { ComputeAll(Task::kRegression, {}, {}, 0); }, "y_true is empty");
}

}  // namespace
}  // namespace kolosal::metrics
