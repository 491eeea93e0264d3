#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "kolosal/data/dataset.hpp"
#include "kolosal/models/model.hpp"
#include "kolosal/prep/pipeline.hpp"

namespace kolosal::models {

/// The fitted transformers plus the model, with metadata: what one model file holds.
/// Prediction methods are const and safe to call from many threads at once.
class TrainedPipeline {
 public:
  TrainedPipeline(prep::Pipeline pipeline, std::unique_ptr<Model> model,
                  std::vector<std::string> classes, std::string target_name,
                  nlohmann::json metadata);
  TrainedPipeline(TrainedPipeline&&) noexcept = default;
  TrainedPipeline& operator=(TrainedPipeline&&) noexcept = default;
  ~TrainedPipeline();

  Task task() const { return model_->task(); }
  int n_classes() const { return model_->n_classes(); }
  int n_outputs() const { return model_->n_outputs(); }
  const std::vector<std::string>& classes() const { return classes_; }
  const std::string& target_name() const { return target_name_; }
  const prep::Pipeline& pipeline() const { return pipeline_; }
  const Model& model() const { return *model_; }
  int64_t n_input_features() const {
    return static_cast<int64_t>(pipeline_.input_schema().columns.size());
  }

  /// Raw output for every row: probabilities (n_rows x n_classes) or values (n_rows).
  /// Columns are matched by name.
  std::vector<float> PredictRaw(const data::Dataset& dataset) const;
  /// The same for nameless dense input, whose columns are taken in training order.
  std::vector<float> PredictRawByPosition(const data::Dataset& dataset) const;
  /// The same for dense float32 rows (row-major, columns in training order). When the
  /// preprocessing passes numbers through (Pipeline::PassesNumbersThrough), the model reads the
  /// caller's rows in place, with no dataset and no transform; the outputs are the same bits.
  std::vector<float> PredictRawDense(const float* rows, int64_t n_rows, int64_t n_cols) const;
  /// Turns raw output into one prediction per row: the class index for classification
  /// (as a float), the value for regression.
  std::vector<float> RawToPredictions(std::span<const float> raw) const;

  /// Maps the labels of another dataset onto this model's classes by name (class indices as
  /// floats); regression values pass through. Throws Error(kInvalidArgument) for a task
  /// mismatch or a class the model has never seen.
  std::vector<float> EncodeLabels(const data::Labels& labels) const;
  /// The model's importance of `type` per input column, in training order: the indicator columns
  /// of a one-hot encoded column add up. Empty when the model has no importance of this type.
  std::vector<double> FeatureImportance(ImportanceType type) const;
  /// SHAP contributions per input column (matched by name), laid out rows x n_outputs() x
  /// (n_input_features() + 1) with the bias last: the indicator columns of a one-hot encoded
  /// column add up, and each row's values sum to the model's output before its link (see
  /// Model::Contributions). Throws Error(kUnsupported) when the model cannot explain itself.
  std::vector<float> Contributions(const data::Dataset& dataset) const;
  /// Every applicable metric of this model on a labelled dataset, as (name, value) pairs.
  std::vector<std::pair<std::string, double>> Evaluate(const data::Dataset& dataset) const;

  /// Metadata: feature names and types, task, classes, metrics, params, library version.
  const nlohmann::json& metadata() const { return metadata_; }
  nlohmann::json& mutable_metadata() { return metadata_; }

  std::vector<uint8_t> SaveToBuffer() const;
  void SaveToFile(const std::string& path) const;
  /// Throws Error(kCorruptModel) for truncated, corrupted or foreign data; never runs code.
  static TrainedPipeline LoadFromBuffer(std::span<const uint8_t> bytes);
  /// Throws Error(kIo) when the file cannot be read, Error(kCorruptModel) as above.
  static TrainedPipeline LoadFromFile(const std::string& path);

 private:
  /// The input column of each of the model's `n_model_features` features; Error(kInternal) when
  /// the pipeline produces another count.
  std::vector<int64_t> SourceColumns(size_t n_model_features) const;

  prep::Pipeline pipeline_;
  std::unique_ptr<Model> model_;
  std::vector<std::string> classes_;
  std::string target_name_;
  nlohmann::json metadata_;
};

}  // namespace kolosal::models
