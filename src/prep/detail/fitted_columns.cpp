#include "kolosal/prep/detail/fitted_columns.hpp"

#include "kolosal/core/error.hpp"

namespace kolosal::prep::detail {

FittedColumns::FittedColumns(std::vector<std::string> names) : names_(std::move(names)) {
  slots_.reserve(names_.size());
  for (size_t slot = 0; slot < names_.size(); ++slot) {
    if (!slots_.emplace(names_[slot], static_cast<int64_t>(slot)).second) {
      ThrowInvalidArgument("duplicate column name '" + names_[slot] + "'");
    }
  }
}

int64_t FittedColumns::Slot(std::string_view name) const {
  const auto found = slots_.find(name);
  return found == slots_.end() ? -1 : found->second;
}

std::vector<int64_t> FittedColumns::Locate(const data::Dataset& dataset, data::ColumnType type,
                                           std::string_view step) const {
  std::vector<int64_t> indices(names_.size(), -1);
  for (int64_t idx = 0; idx < dataset.n_features(); ++idx) {
    const data::Column& column = dataset.column(idx);
    if (column.type != type) continue;
    const int64_t slot = Slot(column.name);
    if (slot >= 0 && indices[static_cast<size_t>(slot)] < 0) {
      indices[static_cast<size_t>(slot)] = idx;
    }
  }
  for (size_t slot = 0; slot < indices.size(); ++slot) {
    if (indices[slot] >= 0) continue;
    const char* type_name = type == data::ColumnType::kNumeric ? "numeric" : "categorical";
    ThrowInvalidArgument(std::string(step) + ": the input has no " + type_name + " column '" +
                         names_[slot] + "'");
  }
  return indices;
}

std::vector<std::string> ColumnsOfType(const data::Dataset& dataset, data::ColumnType type) {
  std::vector<std::string> names;
  for (const data::Column& column : dataset.columns()) {
    if (column.type == type) names.push_back(column.name);
  }
  return names;
}

}  // namespace kolosal::prep::detail
