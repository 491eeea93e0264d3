#pragma once

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
/// converted by formatting each number ("3" looks up category "3").
struct Schema {
  std::vector<ColumnSchema> columns;

  static Schema Of(const Dataset& dataset);
  /// Throws Error(kInvalidArgument) naming the first missing column.
  Dataset Align(const Dataset& dataset) const;
  /// Positional form for dense input without names: requires exactly columns.size() columns and
  /// takes them in order.
  Dataset AlignByPosition(const Dataset& dataset) const;
};

}  // namespace kolosal::data
