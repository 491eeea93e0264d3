// Streaming prediction over CSV files of any size.
#include <nlohmann/json.hpp>

#include "detail/api_guard.hpp"
#include "detail/handles.hpp"
#include "kolosal/core/config.hpp"

extern "C" {

kolosal_status kolosal_stream_create(const char* config_json, kolosal_stream** out) {
  KOLOSAL_API_BEGIN
  KOLOSAL_CHECK_ARG(out);
  const nlohmann::json config =
      kolosal::ParseJsonConfig(config_json ? config_json : "", "stream config");
  auto handle = std::make_unique<kolosal_stream>();
  handle->pipeline = std::make_unique<kolosal::stream::StreamingPipeline>(
      kolosal::stream::StreamOptions::FromJson(config));
  *out = handle.release();
  KOLOSAL_API_END
}

kolosal_status kolosal_stream_predict_csv(kolosal_stream* stream, const kolosal_model* model,
                                          const char* input_path, const char* output_path) {
  KOLOSAL_API_BEGIN
  KOLOSAL_CHECK_ARG(stream);
  KOLOSAL_CHECK_ARG(model);
  KOLOSAL_CHECK_ARG(input_path);
  KOLOSAL_CHECK_ARG(output_path);
  stream->pipeline->PredictCsv(*model->pipeline, input_path, output_path);
  KOLOSAL_API_END
}

kolosal_status kolosal_stream_cancel(kolosal_stream* stream) {
  KOLOSAL_API_BEGIN
  KOLOSAL_CHECK_ARG(stream);
  stream->pipeline->Cancel();
  KOLOSAL_API_END
}

kolosal_status kolosal_stream_stats(kolosal_stream* stream, char** out_json) {
  KOLOSAL_API_BEGIN
  KOLOSAL_CHECK_ARG(stream);
  KOLOSAL_CHECK_ARG(out_json);
  *out_json = kolosal::capi::CopyString(stream->pipeline->Stats().dump());
  KOLOSAL_API_END
}

void kolosal_stream_free(kolosal_stream* stream) { delete stream; }

}  // extern "C"
