#pragma once

#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "kolosal/core/error.hpp"
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

/// What reading CSV gave: a dataset, or an error's code and message.
struct ReadOutcome {
  std::optional<data::Dataset> dataset;
  StatusCode code = StatusCode::kOk;
  std::string message;
};

/// Runs `read` (returning a Dataset) and keeps its dataset or its kolosal::Error.
template <typename Read>
ReadOutcome CaptureRead(const Read& read) {
  try {
    return {read(), StatusCode::kOk, ""};
  } catch (const Error& error) {
    return {std::nullopt, error.code(), error.what()};
  }
}

/// "" when the file at `path` read as `got` reads as its text did in `expected`: the same
/// dataset, or the same error code and message with the path in front. Else what differs.
inline std::string ReadDifference(const ReadOutcome& expected, const ReadOutcome& got,
                                  const std::string& path) {
  if (expected.dataset && got.dataset) return DatasetDifference(*expected.dataset, *got.dataset);
  if (expected.dataset) return "the file failed: " + got.message;
  if (got.dataset) return "the file read, the text failed: " + expected.message;
  if (got.code != expected.code || got.message != path + ": " + expected.message) {
    return "errors differ: " + expected.message + " | " + got.message;
  }
  return "";
}

}  // namespace kolosal::testing
