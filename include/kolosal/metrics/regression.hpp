#pragma once

#include <span>

namespace kolosal::metrics {

double MeanSquaredError(std::span<const float> y_true, std::span<const float> y_pred);
double RootMeanSquaredError(std::span<const float> y_true, std::span<const float> y_pred);
double MeanAbsoluteError(std::span<const float> y_true, std::span<const float> y_pred);
/// 1 - SS_res / SS_tot; a constant y_true gives 1 for a perfect fit and 0 otherwise (scikit-learn).
double R2Score(std::span<const float> y_true, std::span<const float> y_pred);
/// Mean of |y - p| / max(|y|, eps), as scikit-learn (a fraction, not a percentage).
double MeanAbsolutePercentageError(std::span<const float> y_true, std::span<const float> y_pred);

}  // namespace kolosal::metrics
