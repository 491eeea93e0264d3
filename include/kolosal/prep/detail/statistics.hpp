#pragma once

#include <span>
#include <string>
#include <vector>

#include "kolosal/data/column.hpp"

namespace kolosal::prep::detail {

/// The finite values of a numeric column (NaN and infinities left out), in row order.
std::vector<float> FiniteValues(std::span<const float> values);

/// The mean of `values`, accumulated in double. `values` must not be empty.
double Mean(std::span<const float> values);
/// The population variance (ddof = 0, as sklearn's StandardScaler) around `mean`.
double Variance(std::span<const float> values, double mean);
/// The `quantile` (0..1) of `values` with linear interpolation between order statistics, as
/// numpy.percentile's default. Reorders `values`, which must not be empty.
double Quantile(std::span<float> values, double quantile);
/// The most frequent value; ties go to the smallest, as sklearn's SimpleImputer. Reorders
/// `values`, which must not be empty.
float MostFrequent(std::span<float> values);
/// The code of the most frequent category of `column`, ties going to the lexicographically
/// smallest text (as sklearn), or kMissingCode when every value is missing.
int32_t MostFrequentCode(const data::Column& column);

/// 1 for a spread that is zero (or too small to divide by), else the spread: what sklearn's
/// scalers do so that constant columns scale to 0 and not to NaN or infinity.
double SafeScale(double spread);

}  // namespace kolosal::prep::detail
