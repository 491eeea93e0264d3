#pragma once

#include <cstring>
#include <string>
#include <vector>

#include "kolosal/data/dataset.hpp"

// Shared by the tests and the fuzz targets (no GoogleTest here).
namespace kolosal::testing {

namespace detail {

template <typename T>
bool SameBits(const std::vector<T>& lhs, const std::vector<T>& rhs) {
  return lhs.size() == rhs.size() &&
         (lhs.empty() || std::memcmp(lhs.data(), rhs.data(), lhs.size() * sizeof(T)) == 0);
}

inline std::string ColumnDifference(const data::Column& lhs, const data::Column& rhs) {
  const std::string where = "column '" + lhs.name + "': ";
  if (lhs.name != rhs.name) return where + "named '" + rhs.name + "' on the right";
  if (lhs.type != rhs.type) return where + "types differ";
  if (!SameBits(lhs.values, rhs.values)) return where + "values differ";
  if (lhs.codes != rhs.codes) return where + "codes differ";
  if (lhs.categories != rhs.categories) return where + "categories differ";
  return "";
}

}  // namespace detail

/// The first difference between two datasets, to the bit (NaN equals NaN), or "" when they are
/// the same: names, column types, values, codes, dictionaries, labels and weights.
inline std::string DatasetDifference(const data::Dataset& lhs, const data::Dataset& rhs) {
  if (lhs.n_rows() != rhs.n_rows()) {
    return "rows: " + std::to_string(lhs.n_rows()) + " vs " + std::to_string(rhs.n_rows());
  }
  if (lhs.n_features() != rhs.n_features()) {
    return "columns: " + std::to_string(lhs.n_features()) + " vs " +
           std::to_string(rhs.n_features());
  }
  for (int64_t idx = 0; idx < lhs.n_features(); ++idx) {
    std::string difference = detail::ColumnDifference(lhs.column(idx), rhs.column(idx));
    if (!difference.empty()) return difference;
  }
  if (lhs.has_labels() != rhs.has_labels()) return "only one has labels";
  if (!lhs.has_labels()) return "";
  const data::Labels& left = lhs.labels();
  const data::Labels& right = rhs.labels();
  if (left.name != right.name || left.task != right.task) return "label names or tasks differ";
  if (!detail::SameBits(left.values, right.values)) return "label values differ";
  if (left.classes != right.classes) return "classes differ";
  if (!detail::SameBits(left.weights, right.weights) || left.weight_name != right.weight_name) {
    return "weights differ";
  }
  return "";
}

}  // namespace kolosal::testing
