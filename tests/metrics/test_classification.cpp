#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "kolosal/metrics/classification.hpp"
#include "metrics/metrics_test_util.hpp"

namespace kolosal::metrics {
namespace {

using testing::ExpectInvalidArgument;
using testing::kTolerance;

struct AveragedScores {
  double precision;
  double recall;
  double f1;
};

// Inputs and scikit-learn 1.2.1 results for the label metrics. Produced by /usr/bin/python3 with
// labels = list(range(n_classes)):
//   accuracy_score(y_true, y_pred), balanced_accuracy_score(y_true, y_pred),
//   confusion_matrix(y_true, y_pred, labels=labels),
//   precision_score / recall_score / f1_score(y_true, y_pred, labels=labels, average=...,
//                                             zero_division=0) for "macro", "weighted", "binary".
struct LabelCase {
  std::string name;
  int n_classes;
  std::vector<float> y_true;
  std::vector<float> y_pred;
  double accuracy;
  double balanced_accuracy;
  std::vector<int64_t> confusion;
  AveragedScores macro;
  AveragedScores weighted;
  std::optional<AveragedScores> binary;
};

std::vector<LabelCase> LabelCases() {
  return {
      {"BinaryImbalanced",
       2,
       {1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0},
       {1, 0, 1, 0, 1, 1, 0, 0, 0, 1, 0, 0, 0, 1},
       0.5,
       0.4777777777777778,
       {5, 4, 3, 2},
       {0.47916666666666663, 0.4777777777777778, 0.47593582887700536},
       {0.5208333333333333, 0.5, 0.5080213903743315},
       AveragedScores{0.3333333333333333, 0.4, 0.3636363636363636}},
      {"BinaryFromProbabilities",
       2,
       {0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 1, 0},
       {0, 0, 1, 0, 0, 0, 1, 0, 1, 0, 1, 0},
       0.8333333333333334,
       0.8125,
       {7, 1, 1, 3},
       {0.8125, 0.8125, 0.8125},
       {0.8333333333333334, 0.8333333333333334, 0.8333333333333334},
       AveragedScores{0.75, 0.75, 0.75}},
      {"BinaryPositiveNeverPredicted",
       2,
       {0, 1, 0, 1, 0},
       {0, 0, 0, 0, 0},
       0.6,
       0.5,
       {3, 0, 2, 0},
       {0.3, 0.5, 0.37499999999999994},
       {0.36, 0.6, 0.4499999999999999},
       AveragedScores{0.0, 0.0, 0.0}},
      {"ThreeClassesOneNeverPredicted",
       3,
       {0, 1, 2, 2, 1, 0, 0, 2, 1, 1, 0, 2, 0, 1, 2},
       {0, 1, 0, 1, 1, 0, 1, 1, 1, 0, 0, 1, 0, 1, 1},
       0.5333333333333333,
       0.5333333333333333,
       {4, 1, 0, 1, 4, 0, 1, 4, 0},
       {0.3703703703703704, 0.5333333333333333, 0.4329004329004329},
       {0.37037037037037035, 0.5333333333333333, 0.43290043290043284},
       std::nullopt},
      {"FourClassesOneNeverSeen",
       4,
       {0, 1, 2, 2, 1, 0, 0, 2, 1, 0},
       {0, 2, 2, 1, 1, 0, 1, 2, 1, 0},
       0.7,
       0.6944444444444443,
       {3, 1, 0, 0, 0, 2, 1, 0, 0, 1, 2, 0, 0, 0, 0, 0},
       {0.5416666666666666, 0.5208333333333333, 0.5238095238095238},
       {0.75, 0.7, 0.7142857142857142},
       std::nullopt},
      {"FourClassesImbalancedOneOnlyPredicted",
       4,
       {0, 0, 0, 0, 0, 0, 1, 1, 2, 0, 0, 1},
       {0, 0, 3, 0, 0, 0, 1, 0, 2, 0, 0, 2},
       0.75,
       0.736111111111111,
       {7, 0, 0, 1, 1, 1, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0},
       {0.59375, 0.5520833333333333, 0.5104166666666666},
       {0.875, 0.75, 0.7638888888888888},
       std::nullopt},
  };
}

class LabelMetricsTest : public ::testing::TestWithParam<LabelCase> {};

TEST_P(LabelMetricsTest, MatchesScikitLearn) {
  const LabelCase& c = GetParam();
  EXPECT_NEAR(Accuracy(c.y_true, c.y_pred), c.accuracy, kTolerance);
  EXPECT_NEAR(BalancedAccuracy(c.y_true, c.y_pred, c.n_classes), c.balanced_accuracy, kTolerance);
  EXPECT_EQ(ConfusionMatrix(c.y_true, c.y_pred, c.n_classes), c.confusion);
}

TEST_P(LabelMetricsTest, MacroAverageMatchesScikitLearn) {
  const LabelCase& c = GetParam();
  EXPECT_NEAR(Precision(c.y_true, c.y_pred, c.n_classes, Average::kMacro), c.macro.precision,
              kTolerance);
  EXPECT_NEAR(Recall(c.y_true, c.y_pred, c.n_classes, Average::kMacro), c.macro.recall, kTolerance);
  EXPECT_NEAR(F1(c.y_true, c.y_pred, c.n_classes, Average::kMacro), c.macro.f1, kTolerance);
}

TEST_P(LabelMetricsTest, WeightedAverageMatchesScikitLearn) {
  const LabelCase& c = GetParam();
  EXPECT_NEAR(Precision(c.y_true, c.y_pred, c.n_classes, Average::kWeighted), c.weighted.precision,
              kTolerance);
  EXPECT_NEAR(Recall(c.y_true, c.y_pred, c.n_classes, Average::kWeighted), c.weighted.recall,
              kTolerance);
  EXPECT_NEAR(F1(c.y_true, c.y_pred, c.n_classes, Average::kWeighted), c.weighted.f1, kTolerance);
}

// scikit-learn raises "Target is multiclass but average='binary'" for more than two classes.
TEST_P(LabelMetricsTest, BinaryAverageMatchesScikitLearnOrIsRejected) {
  const LabelCase& c = GetParam();
  if (!c.binary) {
    ExpectInvalidArgument([&] { F1(c.y_true, c.y_pred, c.n_classes, Average::kBinary); },
                          "binary average needs n_classes == 2");
    return;
  }
  EXPECT_NEAR(Precision(c.y_true, c.y_pred, c.n_classes, Average::kBinary), c.binary->precision,
              kTolerance);
  EXPECT_NEAR(Recall(c.y_true, c.y_pred, c.n_classes, Average::kBinary), c.binary->recall,
              kTolerance);
  EXPECT_NEAR(F1(c.y_true, c.y_pred, c.n_classes, Average::kBinary), c.binary->f1, kTolerance);
}

INSTANTIATE_TEST_SUITE_P(KnownAnswers, LabelMetricsTest, ::testing::ValuesIn(LabelCases()),
                         [](const auto& info) { return info.param.name; });

// Inputs and scikit-learn 1.2.1 results for the probability metrics. Produced by /usr/bin/python3
// from the float32 probabilities widened to float64 (p64), with labels = list(range(n_classes)):
//   log_loss(y_true, p64, labels=labels, eps=np.finfo(np.float32).eps)
//   roc_auc_score(y_true, p64[:, 1]) for two classes, else
//   roc_auc_score(y_true, p64, multi_class="ovr", average="macro", labels=labels)
// log_loss with the default eps="auto" on the float32 array agrees to 1e-7 (it runs in float32).
struct ProbabilityCase {
  std::string name;
  int n_classes;
  std::vector<float> y_true;
  std::vector<float> probabilities;
  double log_loss;
  std::optional<double> roc_auc;  // nullopt: scikit-learn raises (a class absent from y_true).
};

std::vector<ProbabilityCase> ProbabilityCases() {
  return {
      {"BinaryWithTies",
       2,
       {0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 1, 0},
       {0.9f, 0.1f, 0.6f, 0.4f, 0.2f, 0.8f, 0.6f, 0.4f, 0.8f, 0.2f, 0.6f, 0.4f,
        0.4f, 0.6f, 0.9f, 0.1f, 0.1f, 0.9f, 0.7f, 0.3f, 0.4f, 0.6f, 1.0f, 0.0f},
       0.37367517310364523,
       0.921875},
      {"BinaryClipped",
       2,
       {1, 0, 1, 0},
       {0.0f, 1.0f, 1.0f, 0.0f, 1.0f, 0.0f, 0.25f, 0.75f},
       4.332169938104307,
       0.625},
      {"ThreeClassesWithTies",
       3,
       {0, 1, 2, 2, 1, 0, 0, 2, 1, 1, 0, 2, 0, 1, 2},
       {0.6f, 0.3f, 0.1f, 0.2f, 0.7f, 0.1f, 0.5f, 0.1f, 0.4f, 0.3f, 0.4f, 0.3f, 0.1f, 0.8f, 0.1f,
        0.7f, 0.2f, 0.1f, 0.4f, 0.5f, 0.1f, 0.2f, 0.5f, 0.3f, 0.3f, 0.6f, 0.1f, 0.5f, 0.4f, 0.1f,
        0.8f, 0.1f, 0.1f, 0.1f, 0.5f, 0.4f, 0.6f, 0.2f, 0.2f, 0.2f, 0.5f, 0.3f, 0.3f, 0.6f, 0.1f},
       0.7840636432296682,
       0.89},
      {"FourClassesOneAbsentFromTruth",
       4,
       {0, 0, 0, 0, 0, 0, 1, 1, 2, 0, 0, 1},
       {0.7f, 0.1f, 0.1f, 0.1f, 0.4f, 0.4f, 0.1f, 0.1f, 0.2f, 0.2f, 0.2f, 0.4f,
        0.5f, 0.2f, 0.2f, 0.1f, 0.3f, 0.3f, 0.3f, 0.1f, 0.6f, 0.1f, 0.2f, 0.1f,
        0.1f, 0.6f, 0.2f, 0.1f, 0.4f, 0.3f, 0.2f, 0.1f, 0.2f, 0.3f, 0.4f, 0.1f,
        0.9f, 0.0f, 0.1f, 0.0f, 0.5f, 0.1f, 0.3f, 0.1f, 0.2f, 0.2f, 0.5f, 0.1f},
       0.8607820166891011,
       std::nullopt},
  };
}

class ProbabilityMetricsTest : public ::testing::TestWithParam<ProbabilityCase> {};

TEST_P(ProbabilityMetricsTest, LogLossMatchesScikitLearn) {
  const ProbabilityCase& c = GetParam();
  EXPECT_NEAR(LogLoss(c.y_true, c.probabilities, c.n_classes), c.log_loss, kTolerance);
}

TEST_P(ProbabilityMetricsTest, RocAucMatchesScikitLearn) {
  const ProbabilityCase& c = GetParam();
  if (!c.roc_auc) {
    ExpectInvalidArgument([&] { RocAuc(c.y_true, c.probabilities, c.n_classes); },
                          "only one class is present in y_true");
    return;
  }
  EXPECT_NEAR(RocAuc(c.y_true, c.probabilities, c.n_classes), *c.roc_auc, kTolerance);
}

INSTANTIATE_TEST_SUITE_P(KnownAnswers, ProbabilityMetricsTest,
                         ::testing::ValuesIn(ProbabilityCases()),
                         [](const auto& info) { return info.param.name; });

TEST(RocAucTest, AllScoresTiedGiveOneHalf) {
  // roc_auc_score([0, 1, 0, 1, 1], [0.5] * 5) == 0.5
  const std::vector<float> y_true = {0, 1, 0, 1, 1};
  const std::vector<float> probabilities(10, 0.5f);
  EXPECT_NEAR(RocAuc(y_true, probabilities, 2), 0.5, kTolerance);
}

TEST(RocAucTest, PerfectAndReversedRankings) {
  const std::vector<float> y_true = {0, 0, 1, 1};
  EXPECT_EQ(RocAuc(y_true, std::vector<float>{0.9f, 0.1f, 0.8f, 0.2f, 0.3f, 0.7f, 0.1f, 0.9f}, 2),
            1.0);
  EXPECT_EQ(RocAuc(y_true, std::vector<float>{0.1f, 0.9f, 0.2f, 0.8f, 0.7f, 0.3f, 0.9f, 0.1f}, 2),
            0.0);
}

TEST(ArgMaxRowsTest, PicksTheFirstMaximumOfEachRow) {
  const std::vector<float> probabilities = {0.2f, 0.5f, 0.3f, 0.4f, 0.2f, 0.4f, 0.1f, 0.1f, 0.8f};
  EXPECT_EQ(ArgMaxRows(probabilities, 3), (std::vector<float>{1, 0, 2}));
}

TEST(ArgMaxRowsTest, EmptyInputGivesNoRows) {
  EXPECT_TRUE(ArgMaxRows(std::vector<float>{}, 3).empty());
}

TEST(AccuracyTest, ComparesLabelsAsValues) {
  EXPECT_EQ(Accuracy(std::vector<float>{7, 3, 5}, std::vector<float>{7, 5, 5}), 2.0 / 3.0);
}

// Error paths.

const std::vector<float> kTwoRows = {0, 1};
const std::vector<float> kThreeRows = {0, 1, 1};
const std::vector<float> kEmpty;

TEST(ClassificationErrorsTest, AccuracyRejectsBadInputs) {
  ExpectInvalidArgument([] { Accuracy(kEmpty, kEmpty); }, "y_true is empty");
  ExpectInvalidArgument([] { Accuracy(kTwoRows, kThreeRows); }, "y_true has 2 values");
  const std::vector<float> with_nan = {0, std::numeric_limits<float>::quiet_NaN()};
  ExpectInvalidArgument([&] { Accuracy(kTwoRows, with_nan); }, "y_pred[1] is nan");
}

TEST(ClassificationErrorsTest, LabelMetricsRejectMismatchedSizes) {
  ExpectInvalidArgument([] { BalancedAccuracy(kTwoRows, kThreeRows, 2); }, "y_true has 2 values");
  ExpectInvalidArgument([] { ConfusionMatrix(kThreeRows, kTwoRows, 2); }, "y_pred has 2");
  ExpectInvalidArgument([] { Precision(kTwoRows, kThreeRows, 2, Average::kMacro); }, "y_pred has");
  ExpectInvalidArgument([] { Recall(kTwoRows, kThreeRows, 2, Average::kMacro); }, "y_pred has");
  ExpectInvalidArgument([] { F1(kTwoRows, kThreeRows, 2, Average::kWeighted); }, "y_pred has");
}

TEST(ClassificationErrorsTest, LabelMetricsRejectEmptyInputs) {
  ExpectInvalidArgument([] { BalancedAccuracy(kEmpty, kEmpty, 2); }, "y_true is empty");
  ExpectInvalidArgument([] { ConfusionMatrix(kEmpty, kEmpty, 2); }, "y_true is empty");
  ExpectInvalidArgument([] { Precision(kEmpty, kEmpty, 2, Average::kMacro); }, "empty");
  ExpectInvalidArgument([] { Recall(kEmpty, kEmpty, 2, Average::kWeighted); }, "empty");
  ExpectInvalidArgument([] { F1(kEmpty, kEmpty, 2, Average::kBinary); }, "empty");
}

TEST(ClassificationErrorsTest, LabelMetricsRejectTooFewClasses) {
  ExpectInvalidArgument([] { BalancedAccuracy(kTwoRows, kTwoRows, 0); }, "n_classes >= 1, got 0");
  ExpectInvalidArgument([] { ConfusionMatrix(kTwoRows, kTwoRows, -1); }, "got -1");
  ExpectInvalidArgument([] { Precision(kTwoRows, kTwoRows, 0, Average::kMacro); }, "n_classes");
  ExpectInvalidArgument([] { Recall(kTwoRows, kTwoRows, 0, Average::kMacro); }, "n_classes");
  ExpectInvalidArgument([] { F1(kTwoRows, kTwoRows, 0, Average::kMacro); }, "n_classes");
}

TEST(ClassificationErrorsTest, LabelMetricsRejectLabelsOutsideTheClasses) {
  const std::vector<float> too_large = {0, 2};
  const std::vector<float> negative = {-1, 0};
  const std::vector<float> fractional = {0, 0.5f};
  ExpectInvalidArgument([&] { ConfusionMatrix(too_large, kTwoRows, 2); },
                        "y_true[1] = 2 is not a class index in [0, 2)");
  ExpectInvalidArgument([&] { ConfusionMatrix(kTwoRows, negative, 2); },
                        "y_pred[0] = -1 is not a class index");
  ExpectInvalidArgument([&] { BalancedAccuracy(kTwoRows, fractional, 2); },
                        "y_pred[1] = 0.5 is not a class index");
  ExpectInvalidArgument([&] { F1(too_large, kTwoRows, 2, Average::kMacro); }, "y_true[1] = 2");
}

TEST(ClassificationErrorsTest, BinaryAverageNeedsTwoClasses) {
  ExpectInvalidArgument([] { Precision(kTwoRows, kTwoRows, 3, Average::kBinary); },
                        "binary average needs n_classes == 2, got 3");
  const std::vector<float> zeros = {0, 0};
  ExpectInvalidArgument([&] { Recall(zeros, zeros, 1, Average::kBinary); }, "got 1");
  ExpectInvalidArgument([] { F1(kTwoRows, kTwoRows, 3, Average::kBinary); }, "binary average");
}

TEST(ClassificationErrorsTest, ProbabilityMetricsRejectBadInputs) {
  const std::vector<float> probabilities = {0.7f, 0.3f, 0.2f, 0.8f};
  ExpectInvalidArgument([&] { LogLoss(kTwoRows, probabilities, 1); }, "n_classes >= 2, got 1");
  ExpectInvalidArgument([&] { RocAuc(kTwoRows, probabilities, 1); }, "n_classes >= 2, got 1");
  ExpectInvalidArgument([&] { LogLoss(kThreeRows, probabilities, 2); },
                        "probabilities have 4 values, expected 3 rows x 2 classes");
  ExpectInvalidArgument([&] { RocAuc(kTwoRows, probabilities, 3); }, "expected 2 rows x 3");
  ExpectInvalidArgument([&] { LogLoss(kEmpty, kEmpty, 2); }, "y_true is empty");
  ExpectInvalidArgument([&] { RocAuc(kEmpty, kEmpty, 2); }, "y_true is empty");
  const std::vector<float> bad_labels = {0, 2};
  ExpectInvalidArgument([&] { LogLoss(bad_labels, probabilities, 2); }, "y_true[1] = 2");
  ExpectInvalidArgument([&] { RocAuc(bad_labels, probabilities, 2); }, "y_true[1] = 2");
  const std::vector<float> with_inf = {0.7f, 0.3f, std::numeric_limits<float>::infinity(), 0.8f};
  ExpectInvalidArgument([&] { LogLoss(kTwoRows, with_inf, 2); }, "probabilities[2] is inf");
  ExpectInvalidArgument([&] { RocAuc(kTwoRows, with_inf, 2); }, "probabilities[2] is inf");
}

TEST(ClassificationErrorsTest, RocAucNeedsBothClassesInTruth) {
  const std::vector<float> only_negatives = {0, 0};
  const std::vector<float> probabilities = {0.7f, 0.3f, 0.2f, 0.8f};
  ExpectInvalidArgument([&] { RocAuc(only_negatives, probabilities, 2); },
                        "roc_auc is undefined when only one class is present in y_true (class 1 "
                        "has no rows)");
  const std::vector<float> only_positives = {1, 1};
  ExpectInvalidArgument([&] { RocAuc(only_positives, probabilities, 2); }, "has every row");
}

TEST(ClassificationErrorsTest, ArgMaxRowsRejectsBadInputs) {
  ExpectInvalidArgument([] { ArgMaxRows(kThreeRows, 0); }, "n_classes >= 1, got 0");
  ExpectInvalidArgument([] { ArgMaxRows(kThreeRows, 2); }, "not a multiple of n_classes = 2");
  const std::vector<float> with_nan = {0.5f, std::numeric_limits<float>::quiet_NaN()};
  ExpectInvalidArgument([&] { ArgMaxRows(with_nan, 2); }, "probabilities[1] is nan");
}

}  // namespace
}  // namespace kolosal::metrics
