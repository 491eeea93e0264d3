#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace kolosal::metrics {

/// How per-class scores are combined, as in scikit-learn's `average=`.
enum class Average { kMacro, kWeighted, kBinary };

// Conventions shared by every function below (they follow scikit-learn 1.2.1):
// - Labels are class indices stored as floats (0 .. n_classes-1). Probabilities are row-major,
//   n_rows x n_classes. All arithmetic is in double.
// - Throws Error(kInvalidArgument) for: empty inputs, mismatched sizes, n_classes < 1 (< 2 for
//   LogLoss and RocAuc, != 2 for Average::kBinary), a label that is not an integer in
//   [0, n_classes), and NaN or infinite probabilities.
// - Classes absent from y_true: the per-class metrics behave as scikit-learn's
//   `labels=range(n_classes)`, so a macro average includes every class in [0, n_classes), and a
//   class that is neither in y_true nor predicted contributes 0 (zero_division=0).

/// The fraction of rows where the labels agree. Labels are compared as values (any finite
/// numbers), so no class count is needed.
double Accuracy(std::span<const float> y_true, std::span<const float> y_pred);
/// The mean recall over the classes present in y_true (scikit-learn's balanced_accuracy_score
/// has no `labels=` argument, so classes absent from y_true are left out of the mean).
double BalancedAccuracy(std::span<const float> y_true, std::span<const float> y_pred,
                        int n_classes);
/// Row = true class, column = predicted class, row-major n_classes x n_classes.
std::vector<int64_t> ConfusionMatrix(std::span<const float> y_true, std::span<const float> y_pred,
                                     int n_classes);
/// kBinary scores class 1 (the positive class). A class never predicted has precision 0, as
/// scikit-learn's zero_division=0. kWeighted weights each class by its support in y_true.
double Precision(std::span<const float> y_true, std::span<const float> y_pred, int n_classes,
                 Average average);
/// A class absent from y_true has recall 0 (zero_division=0).
double Recall(std::span<const float> y_true, std::span<const float> y_pred, int n_classes,
              Average average);
/// Per class 2PR / (P + R), and 0 when P + R = 0.
double F1(std::span<const float> y_true, std::span<const float> y_pred, int n_classes,
          Average average);
/// The mean negative log-likelihood of the true class. Each probability is clipped to
/// [eps, 1 - eps] with eps = FLT_EPSILON, and each row is then renormalised to sum to 1: this
/// is scikit-learn 1.2's log_loss with eps="auto" on float32 probabilities. Classes absent from
/// y_true are allowed.
double LogLoss(std::span<const float> y_true, std::span<const float> probabilities, int n_classes);
/// Binary: the AUC of column 1. Multi-class: the macro one-vs-rest AUC. Tied scores get their
/// average rank (a tie counts half), as scikit-learn. Throws Error(kInvalidArgument) when some
/// class is absent from y_true, because its one-vs-rest AUC is undefined (scikit-learn raises
/// too). Unlike scikit-learn, multi-class rows need not sum to 1.
double RocAuc(std::span<const float> y_true, std::span<const float> probabilities, int n_classes);

/// The arg-max class of each probability row; the first one on ties, as numpy's argmax.
/// Empty input gives an empty result. Throws Error(kInvalidArgument) when n_classes < 1, the size
/// is not a multiple of n_classes, or a value is NaN or infinite.
std::vector<float> ArgMaxRows(std::span<const float> probabilities, int n_classes);

}  // namespace kolosal::metrics
