#include "kolosal/hpo/study.hpp"

#include <cmath>
#include <limits>

#include "kolosal/core/error.hpp"
#include "kolosal/hpo/detail/sampling.hpp"
#include "kolosal/hpo/detail/storage_codec.hpp"
#include "kolosal/hpo/pruner_registry.hpp"
#include "kolosal/hpo/sampler_registry.hpp"
#include "kolosal/hpo/storage_registry.hpp"

namespace kolosal::hpo {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

}  // namespace

std::string_view StopReasonName(StopReason reason) {
  switch (reason) {
    case StopReason::kNone:
      return "none";
    case StopReason::kMaxTrials:
      return "max_trials";
    case StopReason::kTimeout:
      return "timeout";
    case StopReason::kConverged:
      return "converged";
    case StopReason::kCancelled:
      return "cancelled";
    case StopReason::kExhausted:
      return "exhausted";
  }
  return "unknown";
}

Study::Study(SearchSpace space, StudyOptions options, std::unique_ptr<Storage> storage)
    : space_(std::make_shared<const SearchSpace>(std::move(space))),
      options_(std::move(options)),
      storage_(std::move(storage)),
      sampler_(CreateSampler(options_)),
      pruner_(CreatePruner(options_.pruner)),
      started_(std::chrono::steady_clock::now()) {
  if (!storage_) ThrowInvalidArgument("study: no storage");
  if (!options_.heartbeat_interval) {
    options_.heartbeat_interval = storage_->DefaultHeartbeatInterval();
  }
  study_id_ =
      storage_->CreateOrLoadStudy(options_.study_name, options_.direction, space_->ToJson().dump());
  ApplyInitialTrials();
  if (HeartbeatInterval() > 0.0) {
    heartbeat_thread_ = std::jthread([this](std::stop_token stop) { HeartbeatLoop(stop); });
  }
}

Study::~Study() {
  if (heartbeat_thread_.joinable()) {
    heartbeat_thread_.request_stop();
    heartbeat_wake_.notify_all();
  }
}

std::unique_ptr<Study> Study::Create(std::string_view space_json, std::string_view config_json,
                                     std::string_view storage_url) {
  SearchSpace space = SearchSpace::Parse(space_json);
  StudyOptions options = ParseStudyOptionsText(config_json);
  return std::make_unique<Study>(std::move(space), std::move(options), OpenStorage(storage_url));
}

void Study::ApplyInitialTrials() {
  // A resumed study already holds these; applying them again would duplicate them.
  if (!StoredTrials().empty()) return;
  if (!options_.warm_start.empty()) WarmStart(options_.warm_start);
  for (const nlohmann::json& params : options_.enqueue_trials) Enqueue(params);
}

void Study::HeartbeatLoop(std::stop_token stop) {
  const auto interval = std::chrono::duration<double>(HeartbeatInterval());
  std::unique_lock lock(running_mutex_);
  while (!stop.stop_requested()) {
    heartbeat_wake_.wait_for(lock, stop, interval, [] { return false; });
    if (stop.stop_requested()) return;
    const std::set<int64_t> running = running_;
    lock.unlock();
    for (int64_t number : running) {
      try {
        storage_->RecordHeartbeat(study_id_, number);
      } catch (const Error&) {
        // A missed heartbeat is retried at the next interval; the grace period covers one.
      }
    }
    lock.lock();
  }
}

Trial Study::Ask() {
  std::lock_guard lock(mutex_);
  FailStaleLocked();
  return AskLocked();
}

void Study::FailStaleLocked() {
  if (HeartbeatInterval() <= 0.0) return;
  const std::vector<int64_t> failed =
      storage_->FailStaleTrials(study_id_, 2.0 * HeartbeatInterval());
  if (!options_.retry_failed_trials) return;
  for (int64_t number : failed) {
    const FrozenTrial trial = StoredTrial(number);
    if (!trial.params.empty()) storage_->CreateTrial(study_id_, TrialState::kWaiting, trial.params);
  }
}

ParamVector Study::SampleLocked(int64_t number, const ParamVector& fixed) {
  const std::vector<FrozenTrial> trials = StoredTrials();
  const SamplingContext context{*space_, trials, options_.direction, number};
  Rng rng(MixSeed(options_.random_state, static_cast<uint64_t>(number)));
  ParamVector params = sampler_->Sample(context, rng);
  params.resize(space_->size(), kNaN);
  for (size_t idx = 0; idx < fixed.size() && idx < params.size(); ++idx) {
    if (!std::isnan(fixed[idx])) params[idx] = fixed[idx];
  }
  // A fixed parent can switch on a child the sampler left out: draw that child at random.
  for (size_t idx = 0; idx < params.size(); ++idx) {
    if (std::isnan(params[idx]) && space_->IsActive(idx, params)) {
      params[idx] = detail::SampleUniform(space_->param(idx), rng);
    }
  }
  space_->Normalize(params);
  return params;
}

Trial Study::AskLocked() {
  int64_t number = 0;
  ParamVector params;
  if (std::optional<FrozenTrial> waiting = storage_->PopWaitingTrial(study_id_)) {
    CheckStored(*waiting);
    number = waiting->number;
    params = waiting->params;
    bool complete = params.size() == space_->size();
    for (size_t idx = 0; complete && idx < params.size(); ++idx) {
      complete = !std::isnan(params[idx]) || !space_->IsActive(idx, params);
    }
    if (!complete) params = SampleLocked(number, params);
  } else {
    number = storage_->CreateTrial(study_id_, TrialState::kRunning, {});
    params = SampleLocked(number, {});
  }
  storage_->SetTrialParams(study_id_, number, params);
  {
    std::lock_guard running_lock(running_mutex_);
    running_.insert(number);
  }
  return Trial(this, number, space_, std::move(params));
}

void Study::Finish(int64_t number, TrialState state, double value) {
  storage_->FinishTrial(study_id_, number, state, value);
  std::lock_guard running_lock(running_mutex_);
  running_.erase(number);
}

void Study::Tell(int64_t number, double value) {
  if (std::isnan(value)) {
    Finish(number, TrialState::kFailed, kNaN);
    return;
  }
  Finish(number, TrialState::kComplete, value);
}

void Study::TellPruned(int64_t number) {
  const FrozenTrial trial = StoredTrial(number);
  const double value =
      trial.intermediate_values.empty() ? kNaN : trial.intermediate_values.back().second;
  Finish(number, TrialState::kPruned, value);
}

void Study::TellFailed(int64_t number) { Finish(number, TrialState::kFailed, kNaN); }

void Study::Report(int64_t number, int64_t step, double value) {
  if (step < 0 || step > kMaxStep) {
    ThrowInvalidArgument("report: step must be in [0, 2^53], got " + std::to_string(step));
  }
  storage_->SetIntermediateValue(study_id_, number, step, value);
}

bool Study::ShouldPrune(int64_t number) {
  if (!pruner_) return false;
  std::lock_guard lock(mutex_);
  const std::vector<FrozenTrial> trials = StoredTrials();
  if (number < 0 || static_cast<size_t>(number) >= trials.size() ||
      trials[static_cast<size_t>(number)].number != number) {
    throw Error(StatusCode::kNotFound, "study: no trial " + std::to_string(number));
  }
  const PruningContext context{trials[static_cast<size_t>(number)], trials, options_.direction};
  return pruner_->ShouldPrune(context);
}

void Study::Enqueue(const nlohmann::json& params) {
  const ParamVector values = space_->FromExternal(params, /*allow_missing=*/true);
  storage_->CreateTrial(study_id_, TrialState::kWaiting, values);
}

int64_t Study::WarmStart(const nlohmann::json& history) {
  if (history.is_object() && !history.contains("trials")) {
    ThrowInvalidArgument("warm_start: expected an array of trials or an object with \"trials\"");
  }
  const nlohmann::json& trials = history.is_object() ? history.at("trials") : history;
  if (!trials.is_array()) ThrowInvalidArgument("warm_start: expected an array of trials");
  int64_t added = 0;
  for (const nlohmann::json& entry : trials) {
    if (!entry.is_object() || !entry.contains("params") || !entry.contains("value")) continue;
    if (entry.value("state", std::string("COMPLETE")) != "COMPLETE") continue;
    if (!entry["value"].is_number()) continue;
    ParamVector params;
    try {
      params = space_->FromExternal(entry["params"]);
    } catch (const Error&) {
      continue;  // Parameters from another space: not evidence about this one.
    }
    const int64_t number = storage_->CreateTrial(study_id_, TrialState::kRunning, params);
    storage_->FinishTrial(study_id_, number, TrialState::kComplete, entry["value"].get<double>());
    ++added;
  }
  return added;
}

void Study::Cancel() { cancellation_.Cancel(); }

bool Study::HasConverged(const std::vector<FrozenTrial>& trials) const {
  if (options_.early_stopping_patience <= 0) return false;
  // `reference` is the best loss at the last improvement larger than the tolerance. Smaller
  // gains do not move it, so a slow creep adds up until it beats the tolerance, and a study
  // whose gains stay below the tolerance stops after `patience` trials.
  double reference = std::numeric_limits<double>::infinity();
  int64_t since_improvement = 0;
  for (const FrozenTrial& trial : trials) {
    if (trial.state != TrialState::kComplete || std::isnan(trial.value)) continue;
    const double loss = detail::Loss(trial.value, options_.direction);
    const double tolerance = options_.convergence_tolerance * std::max(1.0, std::abs(reference));
    if (!std::isfinite(reference) || reference - loss > tolerance) {
      reference = loss;
      since_improvement = 0;
      continue;
    }
    ++since_improvement;
  }
  return since_improvement >= options_.early_stopping_patience;
}

StopReason Study::CheckStopLocked(const std::vector<FrozenTrial>& trials) {
  if (cancellation_.IsCancelled()) return StopReason::kCancelled;
  const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - started_;
  if (options_.optimization_timeout > 0.0 && elapsed.count() >= options_.optimization_timeout) {
    return StopReason::kTimeout;
  }
  int64_t n_started = 0;
  for (const FrozenTrial& trial : trials) n_started += trial.state != TrialState::kWaiting ? 1 : 0;
  if (n_started >= options_.max_trials) return StopReason::kMaxTrials;
  if (HasConverged(trials)) return StopReason::kConverged;
  const SamplingContext context{*space_, trials, options_.direction,
                                static_cast<int64_t>(trials.size())};
  if (sampler_->IsExhausted(context)) return StopReason::kExhausted;
  return StopReason::kNone;
}

StopReason Study::CheckStop() {
  std::lock_guard lock(mutex_);
  // The study may end at a stop check with no further ask (max_trials counts a dead worker's
  // RUNNING trial too), so stale trials are failed here as well, never left running.
  FailStaleLocked();
  return CheckStopLocked(StoredTrials());
}

std::optional<FrozenTrial> Study::BestTrial() {
  std::optional<FrozenTrial> best;
  for (FrozenTrial& trial : StoredTrials()) {
    if (trial.state != TrialState::kComplete || std::isnan(trial.value)) continue;
    if (best && detail::Loss(trial.value, options_.direction) >=
                    detail::Loss(best->value, options_.direction)) {
      continue;
    }
    best = std::move(trial);
  }
  return best;
}

std::vector<FrozenTrial> Study::Trials() { return StoredTrials(); }

std::vector<FrozenTrial> Study::StoredTrials() {
  std::vector<FrozenTrial> trials = storage_->GetTrials(study_id_);
  for (const FrozenTrial& trial : trials) CheckStored(trial);
  return trials;
}

FrozenTrial Study::StoredTrial(int64_t number) {
  FrozenTrial trial = storage_->GetTrial(study_id_, number);
  CheckStored(trial);
  return trial;
}

void Study::CheckStored(const FrozenTrial& trial) const {
  for (const auto& [step, value] : trial.intermediate_values) {
    if (step < 0 || step > kMaxStep) {
      throw Error(StatusCode::kIo, "storage: trial " + std::to_string(trial.number) +
                                       " of study '" + options_.study_name +
                                       "' holds an intermediate value at step " +
                                       std::to_string(step) + ", outside [0, 2^53]");
    }
  }
  if (space_->Fits(trial.params)) return;
  throw Error(StatusCode::kIo, "storage: trial " + std::to_string(trial.number) + " of study '" +
                                   options_.study_name + "' holds parameters that do not fit " +
                                   "its search space: " + detail::EncodeParams(trial.params));
}

}  // namespace kolosal::hpo
