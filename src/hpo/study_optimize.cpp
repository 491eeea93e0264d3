// Study::Optimize (the parallel trial loop) and the study's history as JSON.
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <cmath>

#include "kolosal/core/error.hpp"
#include "kolosal/hpo/study.hpp"

namespace kolosal::hpo {
namespace {

nlohmann::json NumberOrNull(double value) {
  if (std::isnan(value)) return nullptr;
  return value;
}

nlohmann::json TrialJson(const SearchSpace& space, const FrozenTrial& trial) {
  nlohmann::json intermediate = nlohmann::json::object();
  for (const auto& [step, value] : trial.intermediate_values) {
    intermediate[std::to_string(step)] = NumberOrNull(value);
  }
  const bool finished = IsFinished(trial.state) && trial.datetime_complete > 0.0;
  return {
      {"number", trial.number},
      {"state", TrialStateName(trial.state)},
      {"value", NumberOrNull(trial.value)},
      {"params", trial.params.empty() ? nlohmann::json::object() : space.ToExternal(trial.params)},
      {"intermediate_values", intermediate},
      {"datetime_start", trial.datetime_start},
      {"datetime_complete", finished ? nlohmann::json(trial.datetime_complete) : nullptr},
      {"duration",
       finished ? nlohmann::json(trial.datetime_complete - trial.datetime_start) : nullptr}};
}

}  // namespace

nlohmann::json Study::HistoryJson() {
  const std::vector<FrozenTrial> trials = StoredTrials();
  nlohmann::json history = {{"study_name", options_.study_name},
                            {"direction", DirectionName(options_.direction)},
                            {"n_trials", trials.size()},
                            {"best_trial", nullptr},
                            {"best_value", nullptr},
                            {"best_params", nullptr}};
  if (const std::optional<FrozenTrial> best = BestTrial()) {
    history["best_trial"] = best->number;
    history["best_value"] = best->value;
    history["best_params"] = space_->ToExternal(best->params);
  }
  nlohmann::json list = nlohmann::json::array();
  for (const FrozenTrial& trial : trials) list.push_back(TrialJson(*space_, trial));
  history["trials"] = std::move(list);
  return history;
}

std::optional<Trial> Study::AskWithinBudget(int64_t& started_in_call, int64_t call_limit) {
  // The check and the ask share one lock, so parallel workers never overshoot max_trials.
  std::lock_guard lock(mutex_);
  if (call_limit >= 0 && started_in_call >= call_limit) return std::nullopt;
  FailStaleLocked();
  if (CheckStopLocked(StoredTrials()) != StopReason::kNone) return std::nullopt;
  ++started_in_call;
  return AskLocked();
}

void Study::RunTrial(const Objective& objective, const Trial& trial) {
  TrialState outcome = TrialState::kComplete;
  double value = 0.0;
  std::string failure;
  try {
    value = objective(trial);
  } catch (const TrialPruned&) {
    outcome = TrialState::kPruned;
  } catch (const std::exception& error) {
    outcome = TrialState::kFailed;
    failure = error.what();
    const Error* kolosal_error = dynamic_cast<const Error*>(&error);
    if (kolosal_error != nullptr && kolosal_error->code() == StatusCode::kCancelled) Cancel();
  } catch (...) {
    outcome = TrialState::kFailed;
    failure = "an exception that is not a std::exception";
  }
  try {
    if (outcome == TrialState::kComplete) Tell(trial.number(), value);
    if (outcome == TrialState::kPruned) TellPruned(trial.number());
    if (outcome == TrialState::kFailed) TellFailed(trial.number());
  } catch (const Error& error) {
    // Another worker may have failed this trial by the heartbeat rule meanwhile.
    failure += std::string(failure.empty() ? "" : "; ") + "result not recorded: " + error.what();
  }
  std::lock_guard lock(events_mutex_);
  finished_events_.push_back(StoredTrial(trial.number()));
  if (!failure.empty()) {
    pending_logs_.push_back("trial " + std::to_string(trial.number()) + " failed: " + failure);
  }
}

void Study::DeliverEvents(const OptimizeControl& control) {
  std::vector<FrozenTrial> events;
  std::vector<std::string> logs;
  {
    std::lock_guard lock(events_mutex_);
    events.swap(finished_events_);
    logs.swap(pending_logs_);
  }
  for (const std::string& message : logs) {
    if (control.log) control.log(LogLevel::kWarning, message);
  }
  for (const FrozenTrial& trial : events) {
    if (control.on_trial_finished && !control.on_trial_finished(trial)) Cancel();
  }
}

void Study::RunWorker(const Objective& objective, const OptimizeControl& control,
                      int64_t& started_in_call, std::thread::id caller) {
  while (true) {
    if (control.cancellation && control.cancellation->IsCancelled()) Cancel();
    std::optional<Trial> trial = AskWithinBudget(started_in_call, control.n_trials);
    if (!trial) return;
    RunTrial(objective, *trial);
    if (std::this_thread::get_id() == caller) DeliverEvents(control);
  }
}

StopReason Study::Optimize(const Objective& objective, const OptimizeControl& control) {
  if (!objective) ThrowInvalidArgument("optimize: no objective");
  {
    std::lock_guard lock(mutex_);
    started_ = std::chrono::steady_clock::now();
  }
  int64_t started_in_call = 0;
  const std::thread::id caller = std::this_thread::get_id();
  const int n_jobs =
      options_.n_jobs > 0 ? options_.n_jobs : tbb::this_task_arena::max_concurrency();
  if (n_jobs == 1) {
    RunWorker(objective, control, started_in_call, caller);
  } else {
    tbb::task_arena arena(n_jobs);
    arena.execute([&] {
      tbb::parallel_for(0, n_jobs,
                        [&](int) { RunWorker(objective, control, started_in_call, caller); });
    });
  }
  DeliverEvents(control);
  const StopReason reason = CheckStop();
  if (reason != StopReason::kNone) return reason;
  return control.n_trials >= 0 && started_in_call >= control.n_trials ? StopReason::kMaxTrials
                                                                      : StopReason::kNone;
}

}  // namespace kolosal::hpo
