#include "kolosal/data/schema.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <limits>
#include <numeric>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "kolosal/core/error.hpp"
#include "kolosal/data/detail/number_text.hpp"

namespace kolosal::data {
namespace {

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

// Category text -> code, keyed by views into a dictionary that outlives the index.
using DictionaryIndex = std::unordered_map<std::string_view, int32_t>;

DictionaryIndex IndexDictionary(std::span<const std::string> dictionary) {
  DictionaryIndex index;
  index.reserve(dictionary.size());
  for (size_t code = 0; code < dictionary.size(); ++code) {
    // emplace keeps the first code of a duplicated text.
    index.emplace(dictionary[code], static_cast<int32_t>(code));
  }
  return index;
}

// A column the model saw as numbers, read as text this time: every text must spell a number
// (missing values are already missing), or the rows would silently be imputed.
Column NumericFromCategorical(const Column& column) {
  std::vector<float> category_values(column.categories.size());
  for (size_t code = 0; code < category_values.size(); ++code) {
    const std::optional<double> number = detail::ParseNumber(column.categories[code]);
    if (!number) {
      const auto row =
          std::find(column.codes.begin(), column.codes.end(), static_cast<int32_t>(code)) -
          column.codes.begin();
      ThrowInvalidArgument("column '" + column.name + "', row " + std::to_string(row + 1) + ": '" +
                           column.categories[code] +
                           "' is not a number, but the model was trained on numbers here; mark it "
                           "missing or fix the data");
    }
    category_values[code] = static_cast<float>(*number);
  }
  std::vector<float> values(column.codes.size());
  for (size_t row = 0; row < values.size(); ++row) {
    const int32_t code = column.codes[row];
    const bool known = code >= 0 && static_cast<size_t>(code) < category_values.size();
    values[row] = known ? category_values[static_cast<size_t>(code)] : kNaN;
  }
  return Column::Numeric(column.name, std::move(values));
}

Column CategoricalFromNumeric(const Column& column, const std::vector<std::string>& dictionary) {
  const DictionaryIndex index = IndexDictionary(dictionary);
  std::vector<int32_t> codes(column.values.size(), kMissingCode);
  // 32 bytes hold the longest shortest-round-trip float ("-1.17549435e-38" and the like).
  std::array<char, 32> buffer;
  for (size_t row = 0; row < codes.size(); ++row) {
    const float value = column.values[row];
    if (std::isnan(value)) continue;
    const auto [end, error] = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
    if (error != std::errc()) continue;
    const auto found =
        index.find(std::string_view(buffer.data(), static_cast<size_t>(end - buffer.data())));
    if (found != index.end()) codes[row] = found->second;
  }
  return Column::Categorical(column.name, std::move(codes), dictionary);
}

Column CategoricalFromCategorical(const Column& column,
                                  const std::vector<std::string>& dictionary) {
  const std::vector<int32_t> table = MapDictionary(column.categories, dictionary);
  std::vector<int32_t> codes(column.codes.size());
  std::transform(column.codes.begin(), column.codes.end(), codes.begin(),
                 [&table](int32_t code) { return MapCode(table, code); });
  return Column::Categorical(column.name, std::move(codes), dictionary);
}

// `column` converted to the type and dictionary `expected` describes, named as `expected`.
Column AlignColumn(const ColumnSchema& expected, const Column& column) {
  Column aligned;
  if (expected.type == ColumnType::kNumeric) {
    aligned = column.is_numeric() ? Column::Numeric(column.name, column.values)
                                  : NumericFromCategorical(column);
  } else {
    aligned = column.is_numeric() ? CategoricalFromNumeric(column, expected.categories)
                                  : CategoricalFromCategorical(column, expected.categories);
  }
  aligned.name = expected.name;
  return aligned;
}

// The index of the column named `name`, trying `hint` first: inputs usually keep the training
// order, which makes aligning wide datasets linear instead of quadratic.
int64_t FindColumnNear(const Dataset& dataset, const std::string& name, int64_t hint) {
  if (hint < dataset.n_features() && dataset.column(hint).name == name) return hint;
  return dataset.FindColumn(name);
}

std::optional<Labels> LabelsOf(const Dataset& dataset) {
  if (!dataset.has_labels()) return std::nullopt;
  return dataset.labels();
}

}  // namespace

std::vector<int32_t> MapDictionary(std::span<const std::string> from,
                                   std::span<const std::string> to) {
  std::vector<int32_t> table(from.size(), kMissingCode);
  if (std::ranges::equal(from, to)) {
    std::iota(table.begin(), table.end(), 0);
    return table;
  }
  const DictionaryIndex index = IndexDictionary(to);
  for (size_t code = 0; code < from.size(); ++code) {
    const auto found = index.find(from[code]);
    if (found != index.end()) table[code] = found->second;
  }
  return table;
}

Schema Schema::Of(const Dataset& dataset) {
  Schema schema;
  std::unordered_set<std::string_view> seen;
  for (const Column& column : dataset.columns()) {
    if (!seen.insert(column.name).second) {
      ThrowInvalidArgument("duplicate column name '" + column.name + "'");
    }
    schema.columns.push_back(ColumnSchema{column.name, column.type, column.categories});
  }
  return schema;
}

Dataset Schema::Align(const Dataset& dataset) const {
  std::vector<Column> aligned;
  aligned.reserve(columns.size());
  for (const ColumnSchema& expected : columns) {
    const auto hint = static_cast<int64_t>(aligned.size());
    const int64_t idx = FindColumnNear(dataset, expected.name, hint);
    if (idx < 0) ThrowInvalidArgument("missing column '" + expected.name + "'");
    aligned.push_back(AlignColumn(expected, dataset.column(idx)));
  }
  return Dataset(std::move(aligned), LabelsOf(dataset));
}

Dataset Schema::AlignByPosition(const Dataset& dataset) const {
  if (dataset.n_features() != static_cast<int64_t>(columns.size())) {
    ThrowInvalidArgument("expected " + std::to_string(columns.size()) + " columns, got " +
                         std::to_string(dataset.n_features()));
  }
  std::vector<Column> aligned;
  aligned.reserve(columns.size());
  for (size_t idx = 0; idx < columns.size(); ++idx) {
    aligned.push_back(AlignColumn(columns[idx], dataset.column(static_cast<int64_t>(idx))));
  }
  return Dataset(std::move(aligned), LabelsOf(dataset));
}

}  // namespace kolosal::data
