#include "kolosal/metrics/classification.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <numeric>
#include <sstream>
#include <string>
#include <string_view>

#include "kolosal/core/error.hpp"

namespace kolosal::metrics {
namespace {

// scikit-learn 1.2's log_loss clips with the epsilon of the probabilities' dtype (float32 here).
constexpr double kLogLossEps = std::numeric_limits<float>::epsilon();

std::string FormatValue(float value) {
  std::ostringstream out;
  out << value;
  return out.str();
}

void CheckNonEmpty(std::span<const float> values, std::string_view name) {
  if (values.empty()) ThrowInvalidArgument(std::string(name) + " is empty");
}

void CheckSameSize(std::span<const float> y_true, std::span<const float> y_pred) {
  if (y_true.size() == y_pred.size()) return;
  ThrowInvalidArgument("y_true has " + std::to_string(y_true.size()) + " values but y_pred has " +
                       std::to_string(y_pred.size()));
}

void CheckClassCount(int n_classes, int minimum, std::string_view metric) {
  if (n_classes >= minimum) return;
  ThrowInvalidArgument(std::string(metric) + " needs n_classes >= " + std::to_string(minimum) +
                       ", got " + std::to_string(n_classes));
}

void CheckFinite(std::span<const float> values, std::string_view name) {
  const auto bad = std::ranges::find_if(values, [](float value) { return !std::isfinite(value); });
  if (bad == values.end()) return;
  ThrowInvalidArgument(std::string(name) + "[" + std::to_string(bad - values.begin()) + "] is " +
                       FormatValue(*bad) + "; NaN and infinity are not allowed");
}

bool IsClassIndex(float value, int n_classes) {
  return value >= 0.0f && value < static_cast<float>(n_classes) && std::trunc(value) == value;
}

void CheckLabels(std::span<const float> labels, std::string_view name, int n_classes) {
  const auto bad = std::ranges::find_if(
      labels, [n_classes](float value) { return !IsClassIndex(value, n_classes); });
  if (bad == labels.end()) return;
  ThrowInvalidArgument(std::string(name) + "[" + std::to_string(bad - labels.begin()) +
                       "] = " + FormatValue(*bad) + " is not a class index in [0, " +
                       std::to_string(n_classes) + ")");
}

void CheckLabelPair(std::span<const float> y_true, std::span<const float> y_pred, int n_classes,
                    std::string_view metric) {
  CheckClassCount(n_classes, 1, metric);
  CheckNonEmpty(y_true, "y_true");
  CheckSameSize(y_true, y_pred);
  CheckLabels(y_true, "y_true", n_classes);
  CheckLabels(y_pred, "y_pred", n_classes);
}

void CheckProbabilities(std::span<const float> y_true, std::span<const float> probabilities,
                        int n_classes, std::string_view metric) {
  CheckClassCount(n_classes, 2, metric);
  CheckNonEmpty(y_true, "y_true");
  if (probabilities.size() != y_true.size() * static_cast<size_t>(n_classes)) {
    ThrowInvalidArgument(std::string(metric) + ": probabilities have " +
                         std::to_string(probabilities.size()) + " values, expected " +
                         std::to_string(y_true.size()) + " rows x " + std::to_string(n_classes) +
                         " classes");
  }
  CheckLabels(y_true, "y_true", n_classes);
  CheckFinite(probabilities, "probabilities");
}

size_t ClassOf(float label) { return static_cast<size_t>(label); }

// The per-class counts behind precision, recall and F1, read off the confusion matrix.
struct ClassCounts {
  std::vector<double> true_positives;
  std::vector<double> predicted;
  std::vector<double> actual;
};

ClassCounts CountClasses(std::span<const int64_t> confusion, size_t n_classes) {
  ClassCounts counts{std::vector<double>(n_classes), std::vector<double>(n_classes),
                     std::vector<double>(n_classes)};
  for (size_t true_class = 0; true_class < n_classes; ++true_class) {
    for (size_t pred_class = 0; pred_class < n_classes; ++pred_class) {
      const auto count = static_cast<double>(confusion[true_class * n_classes + pred_class]);
      counts.actual[true_class] += count;
      counts.predicted[pred_class] += count;
      if (true_class == pred_class) counts.true_positives[true_class] = count;
    }
  }
  return counts;
}

ClassCounts CountClasses(std::span<const float> y_true, std::span<const float> y_pred,
                         int n_classes) {
  return CountClasses(ConfusionMatrix(y_true, y_pred, n_classes), static_cast<size_t>(n_classes));
}

// scikit-learn's zero_division=0.
double DivideOrZero(double numerator, double denominator) {
  return denominator == 0.0 ? 0.0 : numerator / denominator;
}

std::vector<double> DivideEach(std::span<const double> numerators,
                               std::span<const double> denominators) {
  std::vector<double> result(numerators.size());
  std::ranges::transform(numerators, denominators, result.begin(), DivideOrZero);
  return result;
}

std::vector<double> PerClassPrecision(const ClassCounts& counts) {
  return DivideEach(counts.true_positives, counts.predicted);
}

std::vector<double> PerClassRecall(const ClassCounts& counts) {
  return DivideEach(counts.true_positives, counts.actual);
}

std::vector<double> PerClassF1(const ClassCounts& counts) {
  const std::vector<double> precision = PerClassPrecision(counts);
  const std::vector<double> recall = PerClassRecall(counts);
  std::vector<double> f1(precision.size());
  std::ranges::transform(precision, recall, f1.begin(),
                         [](double p, double r) { return DivideOrZero(2.0 * p * r, p + r); });
  return f1;
}

double Mean(std::span<const double> values) {
  return std::reduce(values.begin(), values.end(), 0.0) / static_cast<double>(values.size());
}

double WeightedMean(std::span<const double> values, std::span<const double> weights) {
  const double total_weight = std::reduce(weights.begin(), weights.end(), 0.0);
  return std::inner_product(values.begin(), values.end(), weights.begin(), 0.0) / total_weight;
}

void CheckAverage(Average average, int n_classes) {
  if (average != Average::kBinary || n_classes == 2) return;
  ThrowInvalidArgument("the binary average needs n_classes == 2, got " + std::to_string(n_classes) +
                       "; use the macro or weighted average");
}

using PerClassScore = std::vector<double> (*)(const ClassCounts&);

double AveragedScore(std::span<const float> y_true, std::span<const float> y_pred, int n_classes,
                     Average average, PerClassScore per_class, std::string_view metric) {
  CheckLabelPair(y_true, y_pred, n_classes, metric);
  CheckAverage(average, n_classes);
  const ClassCounts counts = CountClasses(y_true, y_pred, n_classes);
  const std::vector<double> scores = per_class(counts);
  switch (average) {
    case Average::kBinary:
      return scores[1];
    case Average::kWeighted:
      // Non-empty inputs guarantee a positive total support.
      return WeightedMean(scores, counts.actual);
    case Average::kMacro:
      break;
  }
  return Mean(scores);
}

// Column `class_idx` of the row-major probabilities: every row's score for that class.
std::vector<float> Column(std::span<const float> probabilities, int n_classes, int class_idx) {
  std::vector<float> column(probabilities.size() / static_cast<size_t>(n_classes));
  for (size_t row_idx = 0; row_idx < column.size(); ++row_idx) {
    column[row_idx] = probabilities[row_idx * static_cast<size_t>(n_classes) + class_idx];
  }
  return column;
}

// 1-based ranks of `scores`, with tied scores sharing their average rank.
std::vector<double> AverageRanks(std::span<const float> scores) {
  std::vector<size_t> order(scores.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::ranges::sort(order, std::less{}, [scores](size_t idx) { return scores[idx]; });
  std::vector<double> ranks(scores.size());
  auto group_begin = order.begin();
  while (group_begin != order.end()) {
    const float score = scores[*group_begin];
    const auto group_end =
        std::find_if(group_begin, order.end(), [&](size_t idx) { return scores[idx] != score; });
    const double first_rank = static_cast<double>(group_begin - order.begin()) + 1.0;
    const double last_rank = static_cast<double>(group_end - order.begin());
    for (auto it = group_begin; it != group_end; ++it) ranks[*it] = (first_rank + last_rank) / 2.0;
    group_begin = group_end;
  }
  return ranks;
}

// The one-vs-rest AUC of `positive_class` through the Mann-Whitney U statistic, which equals the
// area under the trapezoidal ROC curve that scikit-learn computes.
double BinaryAuc(std::span<const float> y_true, std::span<const float> scores, int positive_class) {
  const auto is_positive = [positive_class](float label) {
    return ClassOf(label) == static_cast<size_t>(positive_class);
  };
  const auto n_positive = static_cast<double>(std::ranges::count_if(y_true, is_positive));
  const double n_negative = static_cast<double>(y_true.size()) - n_positive;
  if (n_positive == 0.0 || n_negative == 0.0) {
    ThrowInvalidArgument("roc_auc is undefined when only one class is present in y_true (class " +
                         std::to_string(positive_class) + " has " +
                         (n_positive == 0.0 ? "no rows)" : "every row)"));
  }
  const std::vector<double> ranks = AverageRanks(scores);
  double positive_rank_sum = 0.0;
  for (size_t row_idx = 0; row_idx < y_true.size(); ++row_idx) {
    if (is_positive(y_true[row_idx])) positive_rank_sum += ranks[row_idx];
  }
  return (positive_rank_sum - n_positive * (n_positive + 1.0) / 2.0) / (n_positive * n_negative);
}

// The clipped, renormalised probability of the true class, as scikit-learn's log_loss uses.
double TrueClassProbability(std::span<const float> row, size_t true_class) {
  const auto clip = [](float value) {
    return std::clamp(static_cast<double>(value), kLogLossEps, 1.0 - kLogLossEps);
  };
  const double row_sum = std::transform_reduce(row.begin(), row.end(), 0.0, std::plus{}, clip);
  return clip(row[true_class]) / row_sum;
}

}  // namespace

double Accuracy(std::span<const float> y_true, std::span<const float> y_pred) {
  CheckNonEmpty(y_true, "y_true");
  CheckSameSize(y_true, y_pred);
  CheckFinite(y_true, "y_true");
  CheckFinite(y_pred, "y_pred");
  const auto n_correct = std::transform_reduce(
      y_true.begin(), y_true.end(), y_pred.begin(), size_t{0}, std::plus{},
      [](float truth, float pred) { return static_cast<size_t>(truth == pred); });
  return static_cast<double>(n_correct) / static_cast<double>(y_true.size());
}

double BalancedAccuracy(std::span<const float> y_true, std::span<const float> y_pred,
                        int n_classes) {
  CheckLabelPair(y_true, y_pred, n_classes, "balanced_accuracy");
  const ClassCounts counts = CountClasses(y_true, y_pred, n_classes);
  const std::vector<double> recall = PerClassRecall(counts);
  std::vector<double> present_recall;
  for (size_t class_idx = 0; class_idx < recall.size(); ++class_idx) {
    if (counts.actual[class_idx] > 0.0) present_recall.push_back(recall[class_idx]);
  }
  return Mean(present_recall);
}

std::vector<int64_t> ConfusionMatrix(std::span<const float> y_true, std::span<const float> y_pred,
                                     int n_classes) {
  CheckLabelPair(y_true, y_pred, n_classes, "confusion_matrix");
  const auto n = static_cast<size_t>(n_classes);
  std::vector<int64_t> confusion(n * n, 0);
  for (size_t row_idx = 0; row_idx < y_true.size(); ++row_idx) {
    ++confusion[ClassOf(y_true[row_idx]) * n + ClassOf(y_pred[row_idx])];
  }
  return confusion;
}

double Precision(std::span<const float> y_true, std::span<const float> y_pred, int n_classes,
                 Average average) {
  return AveragedScore(y_true, y_pred, n_classes, average, PerClassPrecision, "precision");
}

double Recall(std::span<const float> y_true, std::span<const float> y_pred, int n_classes,
              Average average) {
  return AveragedScore(y_true, y_pred, n_classes, average, PerClassRecall, "recall");
}

double F1(std::span<const float> y_true, std::span<const float> y_pred, int n_classes,
          Average average) {
  return AveragedScore(y_true, y_pred, n_classes, average, PerClassF1, "f1");
}

double LogLoss(std::span<const float> y_true, std::span<const float> probabilities, int n_classes) {
  CheckProbabilities(y_true, probabilities, n_classes, "log_loss");
  const auto n = static_cast<size_t>(n_classes);
  double total = 0.0;
  for (size_t row_idx = 0; row_idx < y_true.size(); ++row_idx) {
    const std::span<const float> row = probabilities.subspan(row_idx * n, n);
    total -= std::log(TrueClassProbability(row, ClassOf(y_true[row_idx])));
  }
  return total / static_cast<double>(y_true.size());
}

double RocAuc(std::span<const float> y_true, std::span<const float> probabilities, int n_classes) {
  CheckProbabilities(y_true, probabilities, n_classes, "roc_auc");
  if (n_classes == 2) return BinaryAuc(y_true, Column(probabilities, n_classes, 1), 1);
  double auc_sum = 0.0;
  for (int class_idx = 0; class_idx < n_classes; ++class_idx) {
    auc_sum += BinaryAuc(y_true, Column(probabilities, n_classes, class_idx), class_idx);
  }
  return auc_sum / static_cast<double>(n_classes);
}

std::vector<float> ArgMaxRows(std::span<const float> probabilities, int n_classes) {
  CheckClassCount(n_classes, 1, "ArgMaxRows");
  const auto n = static_cast<size_t>(n_classes);
  if (probabilities.size() % n != 0) {
    ThrowInvalidArgument(
        "ArgMaxRows: " + std::to_string(probabilities.size()) +
        " probabilities is not a multiple of n_classes = " + std::to_string(n_classes));
  }
  CheckFinite(probabilities, "probabilities");
  std::vector<float> classes(probabilities.size() / n);
  for (size_t row_idx = 0; row_idx < classes.size(); ++row_idx) {
    const std::span<const float> row = probabilities.subspan(row_idx * n, n);
    classes[row_idx] = static_cast<float>(std::ranges::max_element(row) - row.begin());
  }
  return classes;
}

}  // namespace kolosal::metrics
