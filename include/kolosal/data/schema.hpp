#pragma once

#include <span>
#include <string>
#include <vector>

#include "kolosal/data/dataset.hpp"

namespace kolosal::data {

struct ColumnSchema {
  std::string name;
  ColumnType type = ColumnType::kNumeric;
  std::vector<std::string> categories;  // the training dictionary, for categorical columns
};

/// The feature columns a pipeline was fitted on. Align() makes any later dataset look like the
/// training data: columns are matched by name (extra columns are ignored, a missing one is an
/// error), categorical codes are remapped to the training dictionary (a category never seen at
/// fit time becomes missing), and a numeric column where a categorical one is expected is
/// converted by formatting each number with its shortest round-trip text ("3" looks up category
/// "3"). A categorical column where a numeric one is expected has its category texts parsed as
/// numbers; a text that is not a number becomes NaN. Labels are carried over unchanged.
/// Every method is const and safe to call from many threads at once.
struct Schema {
  std::vector<ColumnSchema> columns;

  /// The schema of the feature columns of `dataset`. Throws Error(kInvalidArgument) when two
  /// columns share a name, since later steps find columns by name.
  static Schema Of(const Dataset& dataset);
  /// Throws Error(kInvalidArgument) naming the first missing column.
  Dataset Align(const Dataset& dataset) const;
  /// Positional form for dense input without names: requires exactly columns.size() columns and
  /// takes them in order.
  Dataset AlignByPosition(const Dataset& dataset) const;
};

/// For each code of dictionary `from`, the code of the same category text in `to`, or
/// kMissingCode when `to` lacks it: the table that re-expresses codes of one dictionary in
/// another.
std::vector<int32_t> MapDictionary(std::span<const std::string> from,
                                   std::span<const std::string> to);

/// `code` looked up in a table made by MapDictionary(); a missing or out-of-range code gives
/// kMissingCode.
inline int32_t MapCode(std::span<const int32_t> table, int32_t code) {
  if (code < 0 || static_cast<size_t>(code) >= table.size()) return kMissingCode;
  return table[static_cast<size_t>(code)];
}

}  // namespace kolosal::data
