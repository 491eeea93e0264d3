// Optimizers and trials: the ask/tell interface of kolosal::hpo::Study behind C handles.
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "detail/api_guard.hpp"
#include "detail/handles.hpp"
#include "kolosal/core/config.hpp"

namespace {

using kolosal::hpo::Study;

// A trial handle may only be told through the optimizer that asked it: telling it through
// another study would finish an unrelated trial of the same number.
void CheckSameStudy(const kolosal_optimizer& optimizer, const kolosal_trial& trial) {
  if (trial.study != optimizer.study) {
    kolosal::ThrowInvalidArgument("trial " + std::to_string(trial.trial.number()) +
                                  " was asked from another optimizer");
  }
}

Study& StudyOf(kolosal_optimizer* optimizer) { return *optimizer->study; }

}  // namespace

extern "C" {

kolosal_status kolosal_optimizer_create(const char* space_json, const char* config_json,
                                        const char* storage_url, kolosal_optimizer** out) {
  KOLOSAL_API_BEGIN
  KOLOSAL_CHECK_ARG(space_json);
  KOLOSAL_CHECK_ARG(out);
  auto optimizer = std::make_unique<kolosal_optimizer>();
  optimizer->study =
      Study::Create(space_json, config_json ? config_json : "", storage_url ? storage_url : "");
  *out = optimizer.release();
  KOLOSAL_API_END
}

kolosal_status kolosal_optimizer_ask(kolosal_optimizer* optimizer, kolosal_trial** out) {
  KOLOSAL_API_BEGIN
  KOLOSAL_CHECK_ARG(optimizer);
  KOLOSAL_CHECK_ARG(out);
  auto trial = std::make_unique<kolosal_trial>(kolosal_trial{
      optimizer->study, StudyOf(optimizer).Ask(), kolosal::capi::LiveHandleCounter()});
  *out = trial.release();
  KOLOSAL_API_END
}

kolosal_status kolosal_optimizer_tell(kolosal_optimizer* optimizer, const kolosal_trial* trial,
                                      double value) {
  KOLOSAL_API_BEGIN
  KOLOSAL_CHECK_ARG(optimizer);
  KOLOSAL_CHECK_ARG(trial);
  CheckSameStudy(*optimizer, *trial);
  StudyOf(optimizer).Tell(trial->trial.number(), value);
  KOLOSAL_API_END
}

kolosal_status kolosal_optimizer_tell_pruned(kolosal_optimizer* optimizer,
                                             const kolosal_trial* trial) {
  KOLOSAL_API_BEGIN
  KOLOSAL_CHECK_ARG(optimizer);
  KOLOSAL_CHECK_ARG(trial);
  CheckSameStudy(*optimizer, *trial);
  StudyOf(optimizer).TellPruned(trial->trial.number());
  KOLOSAL_API_END
}

kolosal_status kolosal_optimizer_tell_failed(kolosal_optimizer* optimizer,
                                             const kolosal_trial* trial) {
  KOLOSAL_API_BEGIN
  KOLOSAL_CHECK_ARG(optimizer);
  KOLOSAL_CHECK_ARG(trial);
  CheckSameStudy(*optimizer, *trial);
  StudyOf(optimizer).TellFailed(trial->trial.number());
  KOLOSAL_API_END
}

kolosal_status kolosal_optimizer_enqueue(kolosal_optimizer* optimizer, const char* params_json) {
  KOLOSAL_API_BEGIN
  KOLOSAL_CHECK_ARG(optimizer);
  KOLOSAL_CHECK_ARG(params_json);
  const nlohmann::json params = kolosal::ParseJsonConfig(params_json, "enqueued params");
  if (!params.is_object()) {
    kolosal::ThrowInvalidArgument(
        "enqueued params: expected a JSON object {\"name\": value}, got " + params.dump());
  }
  StudyOf(optimizer).Enqueue(params);
  KOLOSAL_API_END
}

kolosal_status kolosal_optimizer_warm_start(kolosal_optimizer* optimizer, const char* history_json,
                                            int64_t* out_added) {
  KOLOSAL_API_BEGIN
  KOLOSAL_CHECK_ARG(optimizer);
  KOLOSAL_CHECK_ARG(history_json);
  KOLOSAL_CHECK_ARG(out_added);
  const nlohmann::json history = kolosal::ParseJsonConfig(history_json, "warm start history");
  if (history.is_object() && !history.contains("trials")) {
    kolosal::ThrowInvalidArgument(
        "warm start history: expected a history object with \"trials\" or an array of trials");
  }
  *out_added = StudyOf(optimizer).WarmStart(history);
  KOLOSAL_API_END
}

kolosal_status kolosal_optimizer_best_value(kolosal_optimizer* optimizer, double* out) {
  KOLOSAL_API_BEGIN
  KOLOSAL_CHECK_ARG(optimizer);
  KOLOSAL_CHECK_ARG(out);
  const std::optional<kolosal::hpo::FrozenTrial> best = StudyOf(optimizer).BestTrial();
  if (!best) {
    throw kolosal::Error(kolosal::StatusCode::kFailedPrecondition, "no trial has completed yet");
  }
  *out = best->value;
  KOLOSAL_API_END
}

kolosal_status kolosal_optimizer_best(kolosal_optimizer* optimizer, char** out_json) {
  KOLOSAL_API_BEGIN
  KOLOSAL_CHECK_ARG(optimizer);
  KOLOSAL_CHECK_ARG(out_json);
  Study& study = StudyOf(optimizer);
  const std::optional<kolosal::hpo::FrozenTrial> best = study.BestTrial();
  if (!best) {
    throw kolosal::Error(kolosal::StatusCode::kFailedPrecondition, "no trial has completed yet");
  }
  const nlohmann::json json = {{"number", best->number},
                               {"value", best->value},
                               {"params", study.space().ToExternal(best->params)}};
  *out_json = kolosal::capi::CopyString(json.dump());
  KOLOSAL_API_END
}

kolosal_status kolosal_optimizer_history(kolosal_optimizer* optimizer, char** out_json) {
  KOLOSAL_API_BEGIN
  KOLOSAL_CHECK_ARG(optimizer);
  KOLOSAL_CHECK_ARG(out_json);
  *out_json = kolosal::capi::CopyString(StudyOf(optimizer).HistoryJson().dump());
  KOLOSAL_API_END
}

kolosal_status kolosal_optimizer_should_stop(kolosal_optimizer* optimizer, int64_t* out) {
  KOLOSAL_API_BEGIN
  KOLOSAL_CHECK_ARG(optimizer);
  KOLOSAL_CHECK_ARG(out);
  *out = StudyOf(optimizer).CheckStop() != kolosal::hpo::StopReason::kNone ? 1 : 0;
  KOLOSAL_API_END
}

kolosal_status kolosal_optimizer_stop_reason(kolosal_optimizer* optimizer, char** out) {
  KOLOSAL_API_BEGIN
  KOLOSAL_CHECK_ARG(optimizer);
  KOLOSAL_CHECK_ARG(out);
  *out = kolosal::capi::CopyString(kolosal::hpo::StopReasonName(StudyOf(optimizer).CheckStop()));
  KOLOSAL_API_END
}

kolosal_status kolosal_optimizer_cancel(kolosal_optimizer* optimizer) {
  KOLOSAL_API_BEGIN
  KOLOSAL_CHECK_ARG(optimizer);
  StudyOf(optimizer).Cancel();
  KOLOSAL_API_END
}

void kolosal_optimizer_free(kolosal_optimizer* optimizer) { delete optimizer; }

kolosal_status kolosal_trial_number(const kolosal_trial* trial, int64_t* out) {
  KOLOSAL_API_BEGIN
  KOLOSAL_CHECK_ARG(trial);
  KOLOSAL_CHECK_ARG(out);
  *out = trial->trial.number();
  KOLOSAL_API_END
}

kolosal_status kolosal_trial_has_param(const kolosal_trial* trial, const char* name, int64_t* out) {
  KOLOSAL_API_BEGIN
  KOLOSAL_CHECK_ARG(trial);
  KOLOSAL_CHECK_ARG(name);
  KOLOSAL_CHECK_ARG(out);
  *out = trial->trial.HasParam(name) ? 1 : 0;
  KOLOSAL_API_END
}

kolosal_status kolosal_trial_get_float(const kolosal_trial* trial, const char* name, double* out) {
  KOLOSAL_API_BEGIN
  KOLOSAL_CHECK_ARG(trial);
  KOLOSAL_CHECK_ARG(name);
  KOLOSAL_CHECK_ARG(out);
  *out = trial->trial.GetFloat(name);
  KOLOSAL_API_END
}

kolosal_status kolosal_trial_get_int(const kolosal_trial* trial, const char* name, int64_t* out) {
  KOLOSAL_API_BEGIN
  KOLOSAL_CHECK_ARG(trial);
  KOLOSAL_CHECK_ARG(name);
  KOLOSAL_CHECK_ARG(out);
  *out = trial->trial.GetInt(name);
  KOLOSAL_API_END
}

kolosal_status kolosal_trial_get_categorical(const kolosal_trial* trial, const char* name,
                                             char** out) {
  KOLOSAL_API_BEGIN
  KOLOSAL_CHECK_ARG(trial);
  KOLOSAL_CHECK_ARG(name);
  KOLOSAL_CHECK_ARG(out);
  *out = kolosal::capi::CopyString(trial->trial.GetCategorical(name));
  KOLOSAL_API_END
}

kolosal_status kolosal_trial_params(const kolosal_trial* trial, char** out_json) {
  KOLOSAL_API_BEGIN
  KOLOSAL_CHECK_ARG(trial);
  KOLOSAL_CHECK_ARG(out_json);
  *out_json = kolosal::capi::CopyString(trial->trial.Params().dump());
  KOLOSAL_API_END
}

kolosal_status kolosal_trial_report(const kolosal_trial* trial, int64_t step, double value) {
  KOLOSAL_API_BEGIN
  KOLOSAL_CHECK_ARG(trial);
  trial->trial.Report(step, value);
  KOLOSAL_API_END
}

kolosal_status kolosal_trial_should_prune(const kolosal_trial* trial, int64_t* out) {
  KOLOSAL_API_BEGIN
  KOLOSAL_CHECK_ARG(trial);
  KOLOSAL_CHECK_ARG(out);
  *out = trial->trial.ShouldPrune() ? 1 : 0;
  KOLOSAL_API_END
}

void kolosal_trial_free(kolosal_trial* trial) { delete trial; }

}  // extern "C"
