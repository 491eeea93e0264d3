#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "kolosal/core/task.hpp"
#include "kolosal/data/column.hpp"

namespace kolosal::data {

/// The element type of a dense input buffer (values match kolosal_dtype).
enum class DType { kFloat32 = 0, kFloat64 = 1 };
/// The memory order of a dense input buffer (values match kolosal_layout).
enum class Layout { kRowMajor = 0, kColumnMajor = 1 };

/// The target of a supervised dataset. For classification, `values` holds class indices
/// (0 .. classes.size()-1) as floats and `classes` the class names in index order.
struct Labels {
  std::string name;
  Task task = Task::kRegression;
  std::vector<float> values;
  std::vector<std::string> classes;
  /// Per-row training weights (finite, >= 0); empty means every row weighs 1.
  std::vector<float> weights{};
  /// The column the weights came from ("" without weights).
  std::string weight_name{};

  int n_classes() const { return static_cast<int>(classes.size()); }
};

/// A columnar table of features plus optional labels.
class Dataset {
 public:
  Dataset() = default;
  Dataset(std::vector<Column> columns, std::optional<Labels> labels);

  /// Builds a dataset from a dense buffer of float32 or float64 numbers (NaN = missing).
  /// `feature_names` may be empty (names become f0, f1, ...). Copies the data.
  static Dataset FromDense(const void* data, DType dtype, int64_t rows, int64_t cols, Layout layout,
                           std::vector<std::string> feature_names = {});

  int64_t n_rows() const { return n_rows_; }
  int64_t n_features() const { return static_cast<int64_t>(columns_.size()); }
  const Column& column(int64_t idx) const { return columns_[static_cast<size_t>(idx)]; }
  Column& mutable_column(int64_t idx) { return columns_[static_cast<size_t>(idx)]; }
  const std::vector<Column>& columns() const { return columns_; }
  std::vector<Column>& mutable_columns() { return columns_; }
  /// Index of the feature column named `name`, or -1.
  int64_t FindColumn(std::string_view name) const;
  std::vector<std::string> feature_names() const;

  bool has_labels() const { return labels_.has_value(); }
  /// Throws Error(kFailedPrecondition) when the dataset has no labels.
  const Labels& labels() const;
  void set_labels(Labels labels);
  void clear_labels() { labels_.reset(); }

  /// The rows `rows` (features and labels), in that order.
  Dataset Take(const std::vector<int64_t>& rows) const;

  /// Appends a column; its size must equal n_rows() (unless the dataset is empty).
  void AddColumn(Column column);
  /// Replaces column `idx` by `replacement` (one or more columns), keeping order.
  void ReplaceColumn(int64_t idx, std::vector<Column> replacement);

 private:
  void CheckConsistent() const;

  std::vector<Column> columns_;
  std::optional<Labels> labels_;
  int64_t n_rows_ = 0;
};

/// Moves the numeric feature column `name` out of the features into the labels' weights, as
/// XGBoost's and LightGBM's weight columns do. Throws Error(kInvalidArgument) for a dataset
/// without labels, an unknown or categorical column, a weight that is missing, negative or not
/// finite (naming the row), or weights that are all zero.
void UseColumnAsWeights(Dataset& dataset, std::string_view name);

/// Turns a raw target column into Labels. `task` empty means: infer it (text, or integer values
/// with at most `max_classes` distinct values, mean classification; otherwise regression).
/// Class names that all parse as numbers are ordered numerically, others lexicographically.
/// Missing target values are an error naming the first row.
Labels MakeLabels(const Column& target, std::optional<Task> task, int max_classes = 20);

}  // namespace kolosal::data
