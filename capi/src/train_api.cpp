// Training engines: configuration, fit, cross-validation, progress and cancellation.
#include <nlohmann/json.hpp>

#include "detail/api_guard.hpp"
#include "detail/handles.hpp"
#include "kolosal/core/config.hpp"
#include "kolosal/metrics/metric.hpp"
#include "kolosal/models/registry.hpp"
#include "kolosal/train/tuner.hpp"

namespace {

void ConfigureEngine(kolosal_train_engine& engine, const char* config_json) {
  const nlohmann::json config =
      kolosal::ParseJsonConfig(config_json ? config_json : "", "training config");
  kolosal::ConfigReader reader(config, "training config");
  engine.spec.model = reader.GetString("model", "logistic_regression");
  if (const nlohmann::json* params = reader.Find("params")) engine.spec.params = *params;
  if (const nlohmann::json* preprocessing = reader.Find("preprocessing")) {
    engine.spec.preprocessing = kolosal::prep::PreprocessingConfig::FromJson(*preprocessing);
  }
  engine.n_jobs = static_cast<int>(reader.GetInt("n_jobs", 1, 1, 1024));
  engine.random_state = static_cast<uint64_t>(
      reader.GetInt("random_state", 0, 0, std::numeric_limits<int64_t>::max()));
  engine.cv_folds = static_cast<int>(reader.GetInt("cv_folds", 5, 2, 100));
  engine.metric = reader.GetString("metric", "");
  reader.Finish();
  // Validate the metric name, the model name and the params now rather than at fit time.
  if (!engine.metric.empty()) kolosal::metrics::MetricRegistry::Builtin().Find(engine.metric);
  const kolosal::models::ModelEntry& entry =
      kolosal::models::ModelRegistry::Builtin().Find(engine.spec.model);
  const kolosal::Task probe_task = entry.traits.supports_classification
                                       ? kolosal::Task::kClassification
                                       : kolosal::Task::kRegression;
  entry.create(engine.spec.params, probe_task);
}

/// Marks the engine busy for one call; a second concurrent call fails cleanly.
class BusyScope {
 public:
  explicit BusyScope(kolosal_train_engine& engine) : engine_(engine) {
    if (engine_.busy.exchange(true)) {
      throw kolosal::Error(kolosal::StatusCode::kFailedPrecondition,
                           "another fit is running on this training engine");
    }
    engine_.cancellation->Reset();
  }
  ~BusyScope() { engine_.busy.store(false); }
  BusyScope(const BusyScope&) = delete;
  BusyScope& operator=(const BusyScope&) = delete;

 private:
  kolosal_train_engine& engine_;
};

kolosal::FitControl MakeControl(const kolosal_train_engine& engine) {
  kolosal::FitControl control;
  control.n_jobs = engine.n_jobs;
  control.random_state = engine.random_state;
  control.cancellation = engine.cancellation;
  if (engine.progress != nullptr) {
    control.progress = [callback = engine.progress, user_data = engine.progress_user_data](
                           double fraction, std::string_view stage) {
      const std::string stage_text(stage);
      return callback(fraction, stage_text.c_str(), user_data) == 0;
    };
  }
  return control;
}

}  // namespace

extern "C" {

kolosal_status kolosal_train_engine_create(const char* config_json, kolosal_train_engine** out) {
  KOLOSAL_API_BEGIN
  KOLOSAL_CHECK_ARG(out);
  auto engine = std::make_unique<kolosal_train_engine>();
  ConfigureEngine(*engine, config_json);
  *out = engine.release();
  KOLOSAL_API_END
}

kolosal_status kolosal_train_engine_set_progress(kolosal_train_engine* engine,
                                                 kolosal_progress_fn callback, void* user_data) {
  KOLOSAL_API_BEGIN
  KOLOSAL_CHECK_ARG(engine);
  engine->progress = callback;
  engine->progress_user_data = user_data;
  KOLOSAL_API_END
}

kolosal_status kolosal_train_engine_fit(kolosal_train_engine* engine,
                                        const kolosal_dataset* dataset, kolosal_model** out) {
  KOLOSAL_API_BEGIN
  KOLOSAL_CHECK_ARG(engine);
  KOLOSAL_CHECK_ARG(dataset);
  KOLOSAL_CHECK_ARG(out);
  BusyScope busy(*engine);
  auto model = std::make_unique<kolosal_model>();
  model->pipeline = std::make_shared<const kolosal::models::TrainedPipeline>(
      kolosal::train::FitPipeline(dataset->dataset, engine->spec, MakeControl(*engine)));
  *out = model.release();
  KOLOSAL_API_END
}

kolosal_status kolosal_train_engine_cross_validate(kolosal_train_engine* engine,
                                                   const kolosal_dataset* dataset,
                                                   char** out_json) {
  KOLOSAL_API_BEGIN
  KOLOSAL_CHECK_ARG(engine);
  KOLOSAL_CHECK_ARG(dataset);
  KOLOSAL_CHECK_ARG(out_json);
  BusyScope busy(*engine);
  const kolosal::train::CrossValidationResult result = kolosal::train::CrossValidate(
      dataset->dataset, engine->spec, engine->cv_folds, engine->metric, MakeControl(*engine));
  const nlohmann::json json = {{"metric", result.metric},
                               {"greater_is_better", result.greater_is_better},
                               {"fold_scores", result.fold_scores},
                               {"mean", result.mean},
                               {"std", result.std_dev}};
  *out_json = kolosal::capi::CopyString(json.dump());
  KOLOSAL_API_END
}

kolosal_status kolosal_train_engine_tune(kolosal_train_engine* engine,
                                         const kolosal_dataset* dataset,
                                         const char* tune_config_json, const char* storage_url,
                                         kolosal_model** out) {
  KOLOSAL_API_BEGIN
  KOLOSAL_CHECK_ARG(engine);
  KOLOSAL_CHECK_ARG(dataset);
  KOLOSAL_CHECK_ARG(out);
  kolosal::train::TuneOptions options = kolosal::train::ParseTuneConfig(
      kolosal::ParseJsonConfig(tune_config_json ? tune_config_json : "", "tune config"));
  options.cv_folds = engine->cv_folds;
  options.metric = engine->metric;
  options.storage_url = storage_url ? storage_url : "";
  BusyScope busy(*engine);
  kolosal::train::TuneResult result =
      kolosal::train::TuneModel(dataset->dataset, engine->spec, options, MakeControl(*engine));
  auto model = std::make_unique<kolosal_model>();
  model->pipeline =
      std::make_shared<const kolosal::models::TrainedPipeline>(std::move(result.pipeline));
  *out = model.release();
  KOLOSAL_API_END
}

kolosal_status kolosal_train_engine_cancel(kolosal_train_engine* engine) {
  KOLOSAL_API_BEGIN
  KOLOSAL_CHECK_ARG(engine);
  engine->cancellation->Cancel();
  KOLOSAL_API_END
}

void kolosal_train_engine_free(kolosal_train_engine* engine) { delete engine; }

}  // extern "C"
