#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "kolosal/data/dataset.hpp"

namespace kolosal::prep::detail {

/// The names of the columns a transformer was fitted on, with constant-time lookup. Immutable
/// after construction, so concurrent Transform() calls may share it.
class FittedColumns {
 public:
  FittedColumns() = default;
  /// Throws Error(kInvalidArgument) when a name repeats.
  explicit FittedColumns(std::vector<std::string> names);

  const std::vector<std::string>& names() const { return names_; }
  size_t size() const { return names_.size(); }
  /// The position of `name` among the fitted columns, or -1.
  int64_t Slot(std::string_view name) const;
  /// For each fitted column in fit order, the index of the first column of `dataset` with that
  /// name and type `type`. Throws Error(kInvalidArgument) naming `step` and the first fitted
  /// column that `dataset` lacks.
  std::vector<int64_t> Locate(const data::Dataset& dataset, data::ColumnType type,
                              std::string_view step) const;

 private:
  struct NameHash {
    using is_transparent = void;
    size_t operator()(std::string_view name) const { return std::hash<std::string_view>{}(name); }
  };

  std::vector<std::string> names_;
  std::unordered_map<std::string, int64_t, NameHash, std::equal_to<>> slots_;
};

/// The names of the columns of `dataset` that have type `type`, in order.
std::vector<std::string> ColumnsOfType(const data::Dataset& dataset, data::ColumnType type);

}  // namespace kolosal::prep::detail
