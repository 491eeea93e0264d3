#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace kolosal::data {

enum class ColumnType { kNumeric, kCategorical };

/// from[rows[0]], from[rows[1]], ...: the rows `rows` of a per-row vector, in that order.
template <typename T>
std::vector<T> TakeRows(const std::vector<T>& from, const std::vector<int64_t>& rows) {
  std::vector<T> out;
  out.reserve(rows.size());
  for (int64_t row : rows) out.push_back(from[static_cast<size_t>(row)]);
  return out;
}

/// The code of a missing categorical value.
inline constexpr int32_t kMissingCode = -1;

/// One column of a Dataset. Numeric columns hold float32 values, with NaN for missing.
/// Categorical columns hold codes into `categories` (the dictionary), kMissingCode for missing.
struct Column {
  std::string name;
  ColumnType type = ColumnType::kNumeric;
  std::vector<float> values;            // numeric only
  std::vector<int32_t> codes;           // categorical only
  std::vector<std::string> categories;  // categorical only: code -> text

  static Column Numeric(std::string name, std::vector<float> values);
  static Column Categorical(std::string name, std::vector<int32_t> codes,
                            std::vector<std::string> categories);

  int64_t size() const {
    return static_cast<int64_t>(type == ColumnType::kNumeric ? values.size() : codes.size());
  }
  bool is_numeric() const { return type == ColumnType::kNumeric; }
  bool is_categorical() const { return type == ColumnType::kCategorical; }
  bool IsMissing(int64_t row) const;
  int64_t CountMissing() const;
  /// The rows `rows` of this column, in that order; the dictionary is kept as is.
  Column Take(const std::vector<int64_t>& rows) const;
};

}  // namespace kolosal::data
