#include "kolosal/data/dataset.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <string>

#include "kolosal/core/error.hpp"
#include "kolosal/core/names.hpp"

namespace kolosal::data {

Dataset::Dataset(std::vector<Column> columns, std::optional<Labels> labels)
    : columns_(std::move(columns)), labels_(std::move(labels)) {
  if (!columns_.empty()) {
    n_rows_ = columns_.front().size();
  } else if (labels_) {
    n_rows_ = static_cast<int64_t>(labels_->values.size());
  }
  CheckConsistent();
}

void Dataset::CheckConsistent() const {
  for (const Column& column : columns_) {
    if (column.size() != n_rows_) {
      ThrowInvalidArgument("column '" + column.name + "' has " + std::to_string(column.size()) +
                           " rows, expected " + std::to_string(n_rows_));
    }
  }
  if (labels_ && static_cast<int64_t>(labels_->values.size()) != n_rows_) {
    ThrowInvalidArgument("labels have " + std::to_string(labels_->values.size()) +
                         " rows, expected " + std::to_string(n_rows_));
  }
  if (labels_ && !labels_->weights.empty() &&
      static_cast<int64_t>(labels_->weights.size()) != n_rows_) {
    ThrowInvalidArgument("weights have " + std::to_string(labels_->weights.size()) +
                         " rows, expected " + std::to_string(n_rows_));
  }
}

Dataset Dataset::FromDense(const void* data, DType dtype, int64_t rows, int64_t cols, Layout layout,
                           std::vector<std::string> feature_names) {
  if (data == nullptr && rows * cols > 0) ThrowInvalidArgument("data is NULL");
  if (rows < 0 || cols < 0) {
    ThrowInvalidArgument("negative shape (" + std::to_string(rows) + " x " + std::to_string(cols) +
                         ")");
  }
  if (!feature_names.empty() && static_cast<int64_t>(feature_names.size()) != cols) {
    ThrowInvalidArgument(std::to_string(feature_names.size()) + " feature names for " +
                         std::to_string(cols) + " columns");
  }
  std::vector<Column> columns(static_cast<size_t>(cols));
  for (int64_t col = 0; col < cols; ++col) {
    Column& column = columns[static_cast<size_t>(col)];
    column.name = feature_names.empty() ? "f" + std::to_string(col)
                                        : std::move(feature_names[static_cast<size_t>(col)]);
    column.values.resize(static_cast<size_t>(rows));
    for (int64_t row = 0; row < rows; ++row) {
      const int64_t offset = layout == Layout::kRowMajor ? row * cols + col : col * rows + row;
      column.values[static_cast<size_t>(row)] =
          dtype == DType::kFloat32 ? static_cast<const float*>(data)[offset]
                                   : static_cast<float>(static_cast<const double*>(data)[offset]);
    }
  }
  Dataset dataset(std::move(columns), std::nullopt);
  dataset.n_rows_ = rows;
  return dataset;
}

int64_t Dataset::FindColumn(std::string_view name) const {
  for (size_t idx = 0; idx < columns_.size(); ++idx) {
    if (columns_[idx].name == name) return static_cast<int64_t>(idx);
  }
  return -1;
}

std::vector<std::string> Dataset::feature_names() const {
  std::vector<std::string> names;
  names.reserve(columns_.size());
  for (const Column& column : columns_) names.push_back(column.name);
  return names;
}

const Labels& Dataset::labels() const {
  if (!labels_) throw Error(StatusCode::kFailedPrecondition, "the dataset has no target column");
  return *labels_;
}

void Dataset::set_labels(Labels labels) {
  if (!columns_.empty() && static_cast<int64_t>(labels.values.size()) != n_rows_) {
    ThrowInvalidArgument("labels have " + std::to_string(labels.values.size()) +
                         " rows, the dataset has " + std::to_string(n_rows_));
  }
  if (columns_.empty()) n_rows_ = static_cast<int64_t>(labels.values.size());
  labels_ = std::move(labels);
  CheckConsistent();
}

void UseColumnAsWeights(Dataset& dataset, std::string_view name) {
  if (!dataset.has_labels()) {
    ThrowInvalidArgument("weight column '" + std::string(name) + "' needs a target column");
  }
  const int64_t idx = dataset.FindColumn(name);
  if (idx < 0) {
    ThrowInvalidArgument(UnknownNameMessage("weight column", name, dataset.feature_names()));
  }
  const Column& column = dataset.column(idx);
  if (column.is_categorical()) {
    ThrowInvalidArgument("weight column '" + column.name + "' is not numeric");
  }
  for (size_t row = 0; row < column.values.size(); ++row) {
    const float weight = column.values[row];
    if (std::isnan(weight)) {
      ThrowInvalidArgument("weight column '" + column.name + "', data row " +
                           std::to_string(row + 1) + ": a weight is missing");
    }
    if (!std::isfinite(weight) || weight < 0.0f) {
      std::array<char, 32> text{};
      std::snprintf(text.data(), text.size(), "%g", static_cast<double>(weight));
      ThrowInvalidArgument("weight column '" + column.name + "', data row " +
                           std::to_string(row + 1) + ": a weight must be finite and >= 0, got " +
                           text.data());
    }
  }
  if (std::all_of(column.values.begin(), column.values.end(),
                  [](float weight) { return weight == 0.0f; })) {
    ThrowInvalidArgument("weight column '" + column.name + "' has no positive weight");
  }
  Labels labels = dataset.labels();
  labels.weights = column.values;
  labels.weight_name = column.name;
  std::vector<Column>& columns = dataset.mutable_columns();
  columns.erase(columns.begin() + idx);
  dataset.set_labels(std::move(labels));
}

Dataset Dataset::Take(const std::vector<int64_t>& rows) const {
  for (int64_t row : rows) {
    if (row < 0 || row >= n_rows_) {
      ThrowInvalidArgument("row index " + std::to_string(row) + " out of range [0, " +
                           std::to_string(n_rows_) + ")");
    }
  }
  std::vector<Column> columns;
  columns.reserve(columns_.size());
  for (const Column& column : columns_) columns.push_back(column.Take(rows));
  std::optional<Labels> labels;
  if (labels_) {
    labels =
        Labels{labels_->name,
               labels_->task,
               TakeRows(labels_->values, rows),
               labels_->classes,
               labels_->weights.empty() ? std::vector<float>{} : TakeRows(labels_->weights, rows),
               labels_->weight_name};
  }
  Dataset out(std::move(columns), std::move(labels));
  out.n_rows_ = static_cast<int64_t>(rows.size());
  return out;
}

void Dataset::AddColumn(Column column) {
  if (columns_.empty() && !labels_) n_rows_ = column.size();
  if (column.size() != n_rows_) {
    ThrowInvalidArgument("column '" + column.name + "' has " + std::to_string(column.size()) +
                         " rows, expected " + std::to_string(n_rows_));
  }
  columns_.push_back(std::move(column));
}

void Dataset::ReplaceColumn(int64_t idx, std::vector<Column> replacement) {
  if (idx < 0 || idx >= n_features()) {
    ThrowInvalidArgument("column index " + std::to_string(idx) + " out of range");
  }
  for (const Column& column : replacement) {
    if (column.size() != n_rows_) {
      ThrowInvalidArgument("replacement column '" + column.name + "' has wrong row count");
    }
  }
  auto position = columns_.erase(columns_.begin() + idx);
  columns_.insert(position, std::make_move_iterator(replacement.begin()),
                  std::make_move_iterator(replacement.end()));
}

}  // namespace kolosal::data
