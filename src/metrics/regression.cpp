#include "kolosal/metrics/regression.hpp"

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

// scikit-learn's mean_absolute_percentage_error divides by max(|y|, np.finfo(np.float64).eps).
constexpr double kMapeEps = std::numeric_limits<double>::epsilon();

void CheckFinite(std::span<const float> values, std::string_view name) {
  const auto bad = std::ranges::find_if(values, [](float value) { return !std::isfinite(value); });
  if (bad == values.end()) return;
  std::ostringstream message;
  message << name << "[" << (bad - values.begin()) << "] is " << *bad
          << "; NaN and infinity are not allowed";
  ThrowInvalidArgument(message.str());
}

void CheckInputs(std::span<const float> y_true, std::span<const float> y_pred) {
  if (y_true.empty()) ThrowInvalidArgument("y_true is empty");
  if (y_true.size() != y_pred.size()) {
    ThrowInvalidArgument("y_true has " + std::to_string(y_true.size()) + " values but y_pred has " +
                         std::to_string(y_pred.size()));
  }
  CheckFinite(y_true, "y_true");
  CheckFinite(y_pred, "y_pred");
}

// The sum of error(truth, prediction) over all rows, in double.
template <typename RowError>
double SumError(std::span<const float> y_true, std::span<const float> y_pred, RowError error) {
  CheckInputs(y_true, y_pred);
  return std::transform_reduce(y_true.begin(), y_true.end(), y_pred.begin(), 0.0, std::plus{},
                               [error](float truth, float pred) {
                                 return error(static_cast<double>(truth),
                                              static_cast<double>(pred));
                               });
}

template <typename RowError>
double MeanError(std::span<const float> y_true, std::span<const float> y_pred, RowError error) {
  return SumError(y_true, y_pred, error) / static_cast<double>(y_true.size());
}

double SquaredError(double truth, double pred) { return (truth - pred) * (truth - pred); }

double AbsoluteError(double truth, double pred) { return std::abs(truth - pred); }

double AbsolutePercentageError(double truth, double pred) {
  return std::abs(truth - pred) / std::max(std::abs(truth), kMapeEps);
}

bool IsConstant(std::span<const float> values) {
  return std::ranges::adjacent_find(values, std::not_equal_to{}) == values.end();
}

double SumOfSquaredDeviations(std::span<const float> values) {
  const double mean =
      std::reduce(values.begin(), values.end(), 0.0) / static_cast<double>(values.size());
  return std::transform_reduce(values.begin(), values.end(), 0.0, std::plus{},
                               [mean](float value) { return SquaredError(value, mean); });
}

}  // namespace

double MeanSquaredError(std::span<const float> y_true, std::span<const float> y_pred) {
  return MeanError(y_true, y_pred, SquaredError);
}

double RootMeanSquaredError(std::span<const float> y_true, std::span<const float> y_pred) {
  return std::sqrt(MeanSquaredError(y_true, y_pred));
}

double MeanAbsoluteError(std::span<const float> y_true, std::span<const float> y_pred) {
  return MeanError(y_true, y_pred, AbsoluteError);
}

double R2Score(std::span<const float> y_true, std::span<const float> y_pred) {
  const double residual = SumError(y_true, y_pred, SquaredError);
  if (y_true.size() < 2) return std::numeric_limits<double>::quiet_NaN();
  if (residual == 0.0) return 1.0;
  // An exact test: a mean computed in floating point can miss a constant by an ulp.
  if (IsConstant(y_true)) return 0.0;
  const double total = SumOfSquaredDeviations(y_true);
  if (total == 0.0) return 0.0;
  return 1.0 - residual / total;
}

double MeanAbsolutePercentageError(std::span<const float> y_true, std::span<const float> y_pred) {
  return MeanError(y_true, y_pred, AbsolutePercentageError);
}

}  // namespace kolosal::metrics
