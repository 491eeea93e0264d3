// The inference engine: named models, compiled when hot, with statistics.
#include <nlohmann/json.hpp>

#include "detail/api_guard.hpp"
#include "detail/convert.hpp"
#include "detail/handles.hpp"
#include "kolosal/core/config.hpp"

namespace {

using kolosal::infer::InferenceEngine;
using kolosal::models::TrainedPipeline;

/// The engine's raw outputs for dense caller rows (columns in training order), with the model.
/// float32 row-major rows go to the engine as they are (read in place when the model needs no
/// transform); other layouts and float64 become a dataset first.
InferenceEngine::Prediction PredictDense(kolosal_inference_engine* engine, const char* name,
                                         const void* data, kolosal_dtype dtype, int64_t rows,
                                         int64_t cols, kolosal_layout layout) {
  if (dtype == KOLOSAL_FLOAT32 && layout == KOLOSAL_ROW_MAJOR) {
    kolosal::capi::CheckShape(data, rows, cols);
    return engine->engine->PredictDense(name, static_cast<const float*>(data), rows, cols);
  }
  return engine->engine->Predict(name, kolosal::capi::DenseRows(data, dtype, rows, cols, layout),
                                 true);
}

}  // namespace

extern "C" {

kolosal_status kolosal_inference_engine_create(const char* config_json,
                                               kolosal_inference_engine** out) {
  KOLOSAL_API_BEGIN
  KOLOSAL_CHECK_ARG(out);
  const nlohmann::json config =
      kolosal::ParseJsonConfig(config_json ? config_json : "", "inference engine config");
  auto handle = std::make_unique<kolosal_inference_engine>();
  handle->engine =
      std::make_unique<InferenceEngine>(kolosal::infer::EngineOptions::FromJson(config));
  *out = handle.release();
  KOLOSAL_API_END
}

kolosal_status kolosal_inference_engine_add_model(kolosal_inference_engine* engine,
                                                  const char* name, const kolosal_model* model) {
  KOLOSAL_API_BEGIN
  KOLOSAL_CHECK_ARG(engine);
  KOLOSAL_CHECK_ARG(name);
  KOLOSAL_CHECK_ARG(model);
  engine->engine->Load(name, model->pipeline);
  KOLOSAL_API_END
}

kolosal_status kolosal_inference_engine_load_model(kolosal_inference_engine* engine,
                                                   const char* name, const char* path) {
  KOLOSAL_API_BEGIN
  KOLOSAL_CHECK_ARG(engine);
  KOLOSAL_CHECK_ARG(name);
  KOLOSAL_CHECK_ARG(path);
  engine->engine->LoadFile(name, path);
  KOLOSAL_API_END
}

kolosal_status kolosal_inference_engine_remove_model(kolosal_inference_engine* engine,
                                                     const char* name) {
  KOLOSAL_API_BEGIN
  KOLOSAL_CHECK_ARG(engine);
  KOLOSAL_CHECK_ARG(name);
  if (!engine->engine->Unload(name)) {
    throw kolosal::Error(kolosal::StatusCode::kNotFound,
                         std::string("inference engine: no model named '") + name + "'");
  }
  KOLOSAL_API_END
}

kolosal_status kolosal_inference_engine_model(kolosal_inference_engine* engine, const char* name,
                                              kolosal_model** out) {
  KOLOSAL_API_BEGIN
  KOLOSAL_CHECK_ARG(engine);
  KOLOSAL_CHECK_ARG(name);
  KOLOSAL_CHECK_ARG(out);
  auto handle = std::make_unique<kolosal_model>();
  handle->pipeline = engine->engine->Model(name);
  *out = handle.release();
  KOLOSAL_API_END
}

kolosal_status kolosal_inference_engine_predict(kolosal_inference_engine* engine, const char* name,
                                                const void* data, kolosal_dtype dtype, int64_t rows,
                                                int64_t cols, kolosal_layout layout, float* out,
                                                int64_t capacity) {
  KOLOSAL_API_BEGIN
  KOLOSAL_CHECK_ARG(engine);
  KOLOSAL_CHECK_ARG(name);
  KOLOSAL_CHECK_ARG(out);
  kolosal::capi::CheckCapacity(capacity, rows, "the output buffer");
  const InferenceEngine::Prediction prediction =
      PredictDense(engine, name, data, dtype, rows, cols, layout);
  kolosal::capi::WriteOutput(prediction.model->RawToPredictions(prediction.raw), out, capacity);
  KOLOSAL_API_END
}

kolosal_status kolosal_inference_engine_predict_proba(kolosal_inference_engine* engine,
                                                      const char* name, const void* data,
                                                      kolosal_dtype dtype, int64_t rows,
                                                      int64_t cols, kolosal_layout layout,
                                                      float* out, int64_t capacity) {
  KOLOSAL_API_BEGIN
  KOLOSAL_CHECK_ARG(engine);
  KOLOSAL_CHECK_ARG(name);
  KOLOSAL_CHECK_ARG(out);
  const std::shared_ptr<const TrainedPipeline> model = engine->engine->Model(name);
  kolosal::capi::CheckClassifier(*model);
  kolosal::capi::CheckCapacity(
      capacity, kolosal::capi::CheckedProduct(rows, model->n_classes(), "the output size"),
      "the output buffer");
  const InferenceEngine::Prediction prediction =
      PredictDense(engine, name, data, dtype, rows, cols, layout);
  kolosal::capi::CheckClassifier(*prediction.model);  // the name may hold another model now
  kolosal::capi::WriteOutput(prediction.raw, out, capacity);
  KOLOSAL_API_END
}

kolosal_status kolosal_inference_engine_warmup(kolosal_inference_engine* engine, const char* name,
                                               int64_t* out_compiled) {
  KOLOSAL_API_BEGIN
  KOLOSAL_CHECK_ARG(engine);
  KOLOSAL_CHECK_ARG(name);
  KOLOSAL_CHECK_ARG(out_compiled);
  *out_compiled = engine->engine->Warmup(name) ? 1 : 0;
  KOLOSAL_API_END
}

kolosal_status kolosal_inference_engine_stats(kolosal_inference_engine* engine, char** out_json) {
  KOLOSAL_API_BEGIN
  KOLOSAL_CHECK_ARG(engine);
  KOLOSAL_CHECK_ARG(out_json);
  *out_json = kolosal::capi::CopyString(engine->engine->Stats().dump());
  KOLOSAL_API_END
}

void kolosal_inference_engine_free(kolosal_inference_engine* engine) { delete engine; }

}  // extern "C"
