#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace kolosal::metrics {

/// How per-class scores are combined, as in scikit-learn's `average=`.
enum class Average { kMacro, kWeighted, kBinary };

// Labels are class indices stored as floats (0 .. n_classes-1). Probabilities are row-major,
// n_rows x n_classes. Inputs of mismatched sizes throw Error(kInvalidArgument).

double Accuracy(std::span<const float> y_true, std::span<const float> y_pred);
double BalancedAccuracy(std::span<const float> y_true, std::span<const float> y_pred,
                        int n_classes);
/// Row = true class, column = predicted class, row-major n_classes x n_classes.
std::vector<int64_t> ConfusionMatrix(std::span<const float> y_true, std::span<const float> y_pred,
                                     int n_classes);
/// kBinary scores class 1 (the positive class). A class never predicted has precision 0, as
/// scikit-learn's zero_division=0.
double Precision(std::span<const float> y_true, std::span<const float> y_pred, int n_classes,
                 Average average);
double Recall(std::span<const float> y_true, std::span<const float> y_pred, int n_classes,
              Average average);
double F1(std::span<const float> y_true, std::span<const float> y_pred, int n_classes,
          Average average);
/// Probabilities are clipped to [1e-15, 1 - 1e-15] as in scikit-learn.
double LogLoss(std::span<const float> y_true, std::span<const float> probabilities, int n_classes);
/// Binary: the AUC of column 1. Multi-class: the macro one-vs-rest AUC. Ties count half.
double RocAuc(std::span<const float> y_true, std::span<const float> probabilities, int n_classes);

/// The arg-max class of each probability row.
std::vector<float> ArgMaxRows(std::span<const float> probabilities, int n_classes);

}  // namespace kolosal::metrics
