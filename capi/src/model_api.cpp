// Models: load, save, metadata and prediction.
#include <nlohmann/json.hpp>

#include "detail/api_guard.hpp"
#include "detail/convert.hpp"
#include "detail/handles.hpp"
#include "kolosal/core/config.hpp"
#include "kolosal/train/permutation_importance.hpp"

namespace {

using kolosal::capi::CheckClassifier;
using kolosal::capi::WriteOutput;
using kolosal::models::TrainedPipeline;

kolosal_status WrapModel(TrainedPipeline pipeline, kolosal_model** out) {
  auto handle = std::make_unique<kolosal_model>();
  handle->pipeline = std::make_shared<const TrainedPipeline>(std::move(pipeline));
  *out = handle.release();
  return KOLOSAL_OK;
}

}  // namespace

extern "C" {

kolosal_status kolosal_model_load(const char* path, kolosal_model** out) {
  KOLOSAL_API_BEGIN
  KOLOSAL_CHECK_ARG(path);
  KOLOSAL_CHECK_ARG(out);
  return WrapModel(TrainedPipeline::LoadFromFile(path), out);
  KOLOSAL_API_END
}

kolosal_status kolosal_model_load_buffer(const void* data, int64_t size, kolosal_model** out) {
  KOLOSAL_API_BEGIN
  KOLOSAL_CHECK_ARG(data);
  KOLOSAL_CHECK_ARG(out);
  if (size < 0) kolosal::ThrowInvalidArgument("negative buffer size");
  return WrapModel(TrainedPipeline::LoadFromBuffer(
                       {static_cast<const uint8_t*>(data), static_cast<size_t>(size)}),
                   out);
  KOLOSAL_API_END
}

kolosal_status kolosal_model_save(const kolosal_model* model, const char* path) {
  KOLOSAL_API_BEGIN
  KOLOSAL_CHECK_ARG(model);
  KOLOSAL_CHECK_ARG(path);
  model->pipeline->SaveToFile(path);
  KOLOSAL_API_END
}

kolosal_status kolosal_model_save_buffer(const kolosal_model* model, void* buffer, int64_t capacity,
                                         int64_t* out_size) {
  KOLOSAL_API_BEGIN
  KOLOSAL_CHECK_ARG(model);
  KOLOSAL_CHECK_ARG(out_size);
  const std::vector<uint8_t> bytes = model->pipeline->SaveToBuffer();
  const auto size = static_cast<int64_t>(bytes.size());
  if (buffer != nullptr) {
    kolosal::capi::CheckCapacity(capacity, size, "the model buffer");
    std::copy(bytes.begin(), bytes.end(), static_cast<uint8_t*>(buffer));
  }
  *out_size = size;
  KOLOSAL_API_END
}

kolosal_status kolosal_model_metadata(const kolosal_model* model, char** out_json) {
  KOLOSAL_API_BEGIN
  KOLOSAL_CHECK_ARG(model);
  KOLOSAL_CHECK_ARG(out_json);
  *out_json = kolosal::capi::CopyString(model->pipeline->metadata().dump());
  KOLOSAL_API_END
}

kolosal_status kolosal_model_n_features(const kolosal_model* model, int64_t* out) {
  KOLOSAL_API_BEGIN
  KOLOSAL_CHECK_ARG(model);
  KOLOSAL_CHECK_ARG(out);
  *out = model->pipeline->n_input_features();
  KOLOSAL_API_END
}

kolosal_status kolosal_model_n_classes(const kolosal_model* model, int64_t* out) {
  KOLOSAL_API_BEGIN
  KOLOSAL_CHECK_ARG(model);
  KOLOSAL_CHECK_ARG(out);
  *out = model->pipeline->n_classes();
  KOLOSAL_API_END
}

kolosal_status kolosal_model_class_name(const kolosal_model* model, int64_t class_index,
                                        char** out) {
  KOLOSAL_API_BEGIN
  KOLOSAL_CHECK_ARG(model);
  KOLOSAL_CHECK_ARG(out);
  const std::vector<std::string>& classes = model->pipeline->classes();
  if (class_index < 0 || class_index >= static_cast<int64_t>(classes.size())) {
    kolosal::ThrowInvalidArgument("class index " + std::to_string(class_index) +
                                  " out of range [0, " + std::to_string(classes.size()) + ")");
  }
  *out = kolosal::capi::CopyString(classes[static_cast<size_t>(class_index)]);
  KOLOSAL_API_END
}

kolosal_status kolosal_model_feature_name(const kolosal_model* model, int64_t feature_index,
                                          char** out) {
  KOLOSAL_API_BEGIN
  KOLOSAL_CHECK_ARG(model);
  KOLOSAL_CHECK_ARG(out);
  const auto& columns = model->pipeline->pipeline().input_schema().columns;
  if (feature_index < 0 || feature_index >= static_cast<int64_t>(columns.size())) {
    kolosal::ThrowInvalidArgument("feature index " + std::to_string(feature_index) +
                                  " out of range [0, " + std::to_string(columns.size()) + ")");
  }
  *out = kolosal::capi::CopyString(columns[static_cast<size_t>(feature_index)].name);
  KOLOSAL_API_END
}

kolosal_status kolosal_model_feature_importance(const kolosal_model* model,
                                                kolosal_importance_type type, float* out,
                                                int64_t capacity) {
  KOLOSAL_API_BEGIN
  KOLOSAL_CHECK_ARG(model);
  KOLOSAL_CHECK_ARG(out);
  const TrainedPipeline& pipeline = *model->pipeline;
  const kolosal::models::ImportanceType kind = kolosal::capi::ToImportanceType(type);
  kolosal::capi::CheckCapacity(capacity, pipeline.n_input_features(), "the output buffer");
  const std::vector<double> importance = pipeline.FeatureImportance(kind);
  if (importance.empty()) {
    throw kolosal::Error(kolosal::StatusCode::kUnsupported,
                         std::string(pipeline.model().TypeName()) + " has no " +
                             std::string(kolosal::models::ImportanceTypeName(kind)) +
                             " importance; " +
                             (kind == kolosal::models::ImportanceType::kCoefficient
                                  ? "use GAIN or SPLIT for tree models"
                                  : "use COEFFICIENT for linear models"));
  }
  std::transform(importance.begin(), importance.end(), out,
                 [](double value) { return static_cast<float>(value); });
  KOLOSAL_API_END
}

kolosal_status kolosal_model_permutation_importance(const kolosal_model* model,
                                                    const kolosal_dataset* dataset,
                                                    const char* config_json, char** out_json) {
  KOLOSAL_API_BEGIN
  KOLOSAL_CHECK_ARG(model);
  KOLOSAL_CHECK_ARG(dataset);
  KOLOSAL_CHECK_ARG(out_json);
  const auto options = kolosal::train::PermutationImportanceOptions::FromJson(
      kolosal::ParseJsonConfig(config_json ? config_json : "", "permutation importance"));
  *out_json = kolosal::capi::CopyString(
      kolosal::train::PermutationImportance(*model->pipeline, dataset->dataset, options)
          .ToJson()
          .dump());
  KOLOSAL_API_END
}

kolosal_status kolosal_model_predict(const kolosal_model* model, const void* data,
                                     kolosal_dtype dtype, int64_t rows, int64_t cols,
                                     kolosal_layout layout, float* out, int64_t capacity) {
  KOLOSAL_API_BEGIN
  KOLOSAL_CHECK_ARG(model);
  KOLOSAL_CHECK_ARG(out);
  const TrainedPipeline& pipeline = *model->pipeline;
  kolosal::capi::CheckCapacity(capacity, rows, "the output buffer");
  WriteOutput(pipeline.RawToPredictions(
                  kolosal::capi::PredictDenseRaw(pipeline, data, dtype, rows, cols, layout)),
              out, capacity);
  KOLOSAL_API_END
}

kolosal_status kolosal_model_predict_proba(const kolosal_model* model, const void* data,
                                           kolosal_dtype dtype, int64_t rows, int64_t cols,
                                           kolosal_layout layout, float* out, int64_t capacity) {
  KOLOSAL_API_BEGIN
  KOLOSAL_CHECK_ARG(model);
  KOLOSAL_CHECK_ARG(out);
  const TrainedPipeline& pipeline = *model->pipeline;
  CheckClassifier(pipeline);
  kolosal::capi::CheckCapacity(
      capacity, kolosal::capi::CheckedProduct(rows, pipeline.n_classes(), "the output size"),
      "the output buffer");
  WriteOutput(kolosal::capi::PredictDenseRaw(pipeline, data, dtype, rows, cols, layout), out,
              capacity);
  KOLOSAL_API_END
}

kolosal_status kolosal_model_predict_dataset(const kolosal_model* model,
                                             const kolosal_dataset* dataset, float* out,
                                             int64_t capacity) {
  KOLOSAL_API_BEGIN
  KOLOSAL_CHECK_ARG(model);
  KOLOSAL_CHECK_ARG(dataset);
  KOLOSAL_CHECK_ARG(out);
  const TrainedPipeline& pipeline = *model->pipeline;
  kolosal::capi::CheckCapacity(capacity, dataset->dataset.n_rows(), "the output buffer");
  WriteOutput(pipeline.RawToPredictions(pipeline.PredictRaw(dataset->dataset)), out, capacity);
  KOLOSAL_API_END
}

kolosal_status kolosal_model_predict_contributions(const kolosal_model* model,
                                                   const kolosal_dataset* dataset, float* out,
                                                   int64_t capacity) {
  KOLOSAL_API_BEGIN
  KOLOSAL_CHECK_ARG(model);
  KOLOSAL_CHECK_ARG(dataset);
  KOLOSAL_CHECK_ARG(out);
  const TrainedPipeline& pipeline = *model->pipeline;
  kolosal::capi::CheckCapacity(
      capacity,
      dataset->dataset.n_rows() * pipeline.n_outputs() * (pipeline.n_input_features() + 1),
      "the output buffer");
  WriteOutput(pipeline.Contributions(dataset->dataset), out, capacity);
  KOLOSAL_API_END
}

kolosal_status kolosal_model_predict_proba_dataset(const kolosal_model* model,
                                                   const kolosal_dataset* dataset, float* out,
                                                   int64_t capacity) {
  KOLOSAL_API_BEGIN
  KOLOSAL_CHECK_ARG(model);
  KOLOSAL_CHECK_ARG(dataset);
  KOLOSAL_CHECK_ARG(out);
  const TrainedPipeline& pipeline = *model->pipeline;
  CheckClassifier(pipeline);
  kolosal::capi::CheckCapacity(capacity, dataset->dataset.n_rows() * pipeline.n_classes(),
                               "the output buffer");
  WriteOutput(pipeline.PredictRaw(dataset->dataset), out, capacity);
  KOLOSAL_API_END
}

kolosal_status kolosal_model_evaluate(const kolosal_model* model, const kolosal_dataset* dataset,
                                      char** out_json) {
  KOLOSAL_API_BEGIN
  KOLOSAL_CHECK_ARG(model);
  KOLOSAL_CHECK_ARG(dataset);
  KOLOSAL_CHECK_ARG(out_json);
  nlohmann::json scores = nlohmann::json::object();
  for (const auto& [name, value] : model->pipeline->Evaluate(dataset->dataset)) {
    scores[name] = value;
  }
  *out_json = kolosal::capi::CopyString(scores.dump());
  KOLOSAL_API_END
}

void kolosal_model_free(kolosal_model* model) { delete model; }

}  // extern "C"
