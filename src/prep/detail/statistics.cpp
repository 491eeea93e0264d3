#include "kolosal/prep/detail/statistics.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace kolosal::prep::detail {

std::vector<float> FiniteValues(std::span<const float> values) {
  std::vector<float> finite;
  finite.reserve(values.size());
  std::copy_if(values.begin(), values.end(), std::back_inserter(finite),
               [](float value) { return std::isfinite(value); });
  return finite;
}

double Mean(std::span<const float> values) {
  double sum = 0.0;
  for (float value : values) sum += value;
  return sum / static_cast<double>(values.size());
}

double Variance(std::span<const float> values, double mean) {
  // Two passes (mean first) keep the variance of large, nearly constant values accurate.
  double sum_squares = 0.0;
  for (float value : values) {
    const double deviation = value - mean;
    sum_squares += deviation * deviation;
  }
  return sum_squares / static_cast<double>(values.size());
}

double Quantile(std::span<float> values, double quantile) {
  const double position = quantile * static_cast<double>(values.size() - 1);
  const auto lower = static_cast<size_t>(std::floor(position));
  const double fraction = position - static_cast<double>(lower);
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(lower),
                   values.end());
  const double low = values[lower];
  if (fraction == 0.0 || lower + 1 >= values.size()) return low;
  // After nth_element every later element is >= values[lower]; the next order statistic is
  // their minimum.
  const double high =
      *std::min_element(values.begin() + static_cast<std::ptrdiff_t>(lower) + 1, values.end());
  return low + fraction * (high - low);
}

float MostFrequent(std::span<float> values) {
  std::sort(values.begin(), values.end());
  float best_value = values.front();
  size_t best_count = 0;
  for (size_t run_begin = 0; run_begin < values.size();) {
    size_t run_end = run_begin + 1;
    while (run_end < values.size() && values[run_end] == values[run_begin]) ++run_end;
    // Strictly greater: among equal counts the first (smallest) value wins.
    if (run_end - run_begin > best_count) {
      best_count = run_end - run_begin;
      best_value = values[run_begin];
    }
    run_begin = run_end;
  }
  return best_value;
}

int32_t MostFrequentCode(const data::Column& column) {
  std::vector<int64_t> counts(column.categories.size(), 0);
  for (int32_t code : column.codes) {
    if (code >= 0 && static_cast<size_t>(code) < counts.size()) ++counts[static_cast<size_t>(code)];
  }
  int32_t best_code = data::kMissingCode;
  for (size_t code = 0; code < counts.size(); ++code) {
    if (counts[code] == 0) continue;
    const bool better =
        best_code == data::kMissingCode || counts[code] > counts[static_cast<size_t>(best_code)] ||
        (counts[code] == counts[static_cast<size_t>(best_code)] &&
         column.categories[code] < column.categories[static_cast<size_t>(best_code)]);
    if (better) best_code = static_cast<int32_t>(code);
  }
  return best_code;
}

double SafeScale(double spread) {
  // The same cut-off as sklearn's _handle_zeros_in_scale.
  constexpr double kTiny = 10.0 * std::numeric_limits<double>::epsilon();
  if (!std::isfinite(spread) || spread < kTiny) return 1.0;
  return spread;
}

}  // namespace kolosal::prep::detail
