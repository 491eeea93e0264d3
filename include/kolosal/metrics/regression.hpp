#pragma once

#include <span>

namespace kolosal::metrics {

// Every function below computes in double and follows scikit-learn 1.2.1. Empty inputs,
// mismatched sizes and NaN or infinite values throw Error(kInvalidArgument).

double MeanSquaredError(std::span<const float> y_true, std::span<const float> y_pred);
/// The square root of the mean squared error.
double RootMeanSquaredError(std::span<const float> y_true, std::span<const float> y_pred);
double MeanAbsoluteError(std::span<const float> y_true, std::span<const float> y_pred);
/// 1 - SS_res / SS_tot; a constant y_true gives 1 for a perfect fit and 0 otherwise (scikit-learn's
/// force_finite=True). Fewer than two rows give NaN, as scikit-learn (which also warns).
double R2Score(std::span<const float> y_true, std::span<const float> y_pred);
/// Mean of |y - p| / max(|y|, eps) with eps = DBL_EPSILON, as scikit-learn (a fraction, not a
/// percentage). A zero in y_true therefore gives a huge but finite error.
double MeanAbsolutePercentageError(std::span<const float> y_true, std::span<const float> y_pred);

}  // namespace kolosal::metrics
