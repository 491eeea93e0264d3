// Datasets: CSV, dense buffers, description, labels, splits.
#include <cmath>
#include <nlohmann/json.hpp>

#include "detail/api_guard.hpp"
#include "detail/convert.hpp"
#include "detail/handles.hpp"
#include "kolosal/core/config.hpp"
#include "kolosal/data/csv_reader.hpp"
#include "kolosal/data/split.hpp"

namespace {

using kolosal::data::Column;
using kolosal::data::Dataset;

struct DenseOptions {
  std::vector<std::string> feature_names;
  std::string target_name = "target";
  std::string weight_column;
  std::optional<kolosal::Task> task;
};

DenseOptions ParseDenseOptions(const char* options_json) {
  const nlohmann::json config =
      kolosal::ParseJsonConfig(options_json ? options_json : "", "dataset options");
  kolosal::ConfigReader reader(config, "dataset options");
  DenseOptions options;
  if (const nlohmann::json* names = reader.Find("feature_names")) {
    if (!names->is_array()) kolosal::ThrowInvalidArgument("'feature_names' must be an array");
    for (const nlohmann::json& name : *names) {
      if (!name.is_string()) kolosal::ThrowInvalidArgument("'feature_names' must hold strings");
      options.feature_names.push_back(name.get<std::string>());
    }
  }
  options.target_name = reader.GetString("target_name", "target");
  options.weight_column = reader.GetString("weight_column", "");
  if (reader.Has("task")) options.task = kolosal::ParseTask(reader.GetString("task", ""));
  reader.Finish();
  return options;
}

Column LabelColumn(const void* labels, kolosal::data::DType dtype, int64_t rows,
                   const std::string& name) {
  std::vector<float> values(static_cast<size_t>(rows));
  for (int64_t row = 0; row < rows; ++row) {
    const double value = dtype == kolosal::data::DType::kFloat32
                             ? static_cast<const float*>(labels)[row]
                             : static_cast<const double*>(labels)[row];
    if (!std::isfinite(value)) {
      kolosal::ThrowInvalidArgument("label at row " + std::to_string(row) + " is not finite");
    }
    values[static_cast<size_t>(row)] = static_cast<float>(value);
  }
  return Column::Numeric(name, std::move(values));
}

nlohmann::json DescribeColumn(const Column& column) {
  nlohmann::json out = {{"name", column.name},
                        {"type", column.is_numeric() ? "numeric" : "categorical"},
                        {"missing", column.CountMissing()}};
  if (column.is_categorical()) out["categories"] = column.categories;
  return out;
}

}  // namespace

extern "C" {

kolosal_status kolosal_dataset_from_csv(const char* path, const char* options_json,
                                        kolosal_dataset** out) {
  KOLOSAL_API_BEGIN
  KOLOSAL_CHECK_ARG(path);
  KOLOSAL_CHECK_ARG(out);
  const kolosal::data::CsvOptions options =
      kolosal::data::ParseCsvOptions(options_json ? options_json : "");
  auto handle = std::make_unique<kolosal_dataset>();
  handle->dataset = kolosal::data::ReadCsv(path, options);
  *out = handle.release();
  KOLOSAL_API_END
}

kolosal_status kolosal_dataset_from_dense(const void* data, kolosal_dtype dtype, int64_t rows,
                                          int64_t cols, kolosal_layout layout, const void* labels,
                                          kolosal_dtype labels_dtype, const char* options_json,
                                          kolosal_dataset** out) {
  KOLOSAL_API_BEGIN
  KOLOSAL_CHECK_ARG(out);
  kolosal::capi::CheckShape(data, rows, cols);
  const auto feature_dtype = kolosal::capi::ToDType(dtype, "data");
  DenseOptions options = ParseDenseOptions(options_json);
  auto handle = std::make_unique<kolosal_dataset>();
  handle->dataset =
      Dataset::FromDense(data, feature_dtype, rows, cols, kolosal::capi::ToLayout(layout),
                         std::move(options.feature_names));
  if (labels != nullptr) {
    const Column label_column = LabelColumn(labels, kolosal::capi::ToDType(labels_dtype, "labels"),
                                            rows, options.target_name);
    handle->dataset.set_labels(kolosal::data::MakeLabels(label_column, options.task));
  }
  if (!options.weight_column.empty()) {
    kolosal::data::UseColumnAsWeights(handle->dataset, options.weight_column);
  }
  *out = handle.release();
  KOLOSAL_API_END
}

kolosal_status kolosal_dataset_n_rows(const kolosal_dataset* dataset, int64_t* out) {
  KOLOSAL_API_BEGIN
  KOLOSAL_CHECK_ARG(dataset);
  KOLOSAL_CHECK_ARG(out);
  *out = dataset->dataset.n_rows();
  KOLOSAL_API_END
}

kolosal_status kolosal_dataset_n_cols(const kolosal_dataset* dataset, int64_t* out) {
  KOLOSAL_API_BEGIN
  KOLOSAL_CHECK_ARG(dataset);
  KOLOSAL_CHECK_ARG(out);
  *out = dataset->dataset.n_features();
  KOLOSAL_API_END
}

kolosal_status kolosal_dataset_describe(const kolosal_dataset* dataset, char** out_json) {
  KOLOSAL_API_BEGIN
  KOLOSAL_CHECK_ARG(dataset);
  KOLOSAL_CHECK_ARG(out_json);
  const Dataset& data = dataset->dataset;
  nlohmann::json description = {{"n_rows", data.n_rows()}, {"n_cols", data.n_features()}};
  nlohmann::json columns = nlohmann::json::array();
  for (const Column& column : data.columns()) columns.push_back(DescribeColumn(column));
  description["columns"] = std::move(columns);
  if (data.has_labels()) {
    description["target"] = data.labels().name;
    description["task"] = kolosal::TaskName(data.labels().task);
    description["classes"] = data.labels().classes;
    if (!data.labels().weights.empty()) description["weight_column"] = data.labels().weight_name;
  }
  *out_json = kolosal::capi::CopyString(description.dump());
  KOLOSAL_API_END
}

kolosal_status kolosal_dataset_labels(const kolosal_dataset* dataset, float* out,
                                      int64_t capacity) {
  KOLOSAL_API_BEGIN
  KOLOSAL_CHECK_ARG(dataset);
  KOLOSAL_CHECK_ARG(out);
  const kolosal::data::Labels& labels = dataset->dataset.labels();
  kolosal::capi::CheckCapacity(capacity, dataset->dataset.n_rows(), "the label buffer");
  std::copy(labels.values.begin(), labels.values.end(), out);
  KOLOSAL_API_END
}

kolosal_status kolosal_dataset_train_test_split(const kolosal_dataset* dataset,
                                                double test_fraction, uint64_t seed,
                                                kolosal_dataset** out_train,
                                                kolosal_dataset** out_test) {
  KOLOSAL_API_BEGIN
  KOLOSAL_CHECK_ARG(dataset);
  KOLOSAL_CHECK_ARG(out_train);
  KOLOSAL_CHECK_ARG(out_test);
  const Dataset& data = dataset->dataset;
  const auto split = kolosal::data::TrainTestSplit(data.n_rows(), test_fraction, seed,
                                                   data.has_labels() ? &data.labels() : nullptr);
  auto train = std::make_unique<kolosal_dataset>();
  auto test = std::make_unique<kolosal_dataset>();
  train->dataset = data.Take(split.train);
  test->dataset = data.Take(split.test);
  *out_train = train.release();
  *out_test = test.release();
  KOLOSAL_API_END
}

void kolosal_dataset_free(kolosal_dataset* dataset) { delete dataset; }

}  // extern "C"
