#include "kolosal/hpo/in_memory_storage.hpp"

#include <algorithm>

#include "kolosal/core/error.hpp"
#include "kolosal/hpo/detail/storage_codec.hpp"

namespace kolosal::hpo {

InMemoryStorage::StudyData& InMemoryStorage::StudyAt(int64_t study_id) {
  if (study_id < 0 || static_cast<size_t>(study_id) >= studies_.size()) {
    throw Error(StatusCode::kNotFound, "storage: no study with id " + std::to_string(study_id));
  }
  return studies_[static_cast<size_t>(study_id)];
}

FrozenTrial& InMemoryStorage::RunningTrial(int64_t study_id, int64_t number) {
  StudyData& study = StudyAt(study_id);
  if (number < 0 || static_cast<size_t>(number) >= study.trials.size()) {
    throw Error(StatusCode::kNotFound, "storage: no trial " + std::to_string(number));
  }
  FrozenTrial& trial = study.trials[static_cast<size_t>(number)];
  if (trial.state != TrialState::kRunning) {
    throw Error(StatusCode::kFailedPrecondition, "trial " + std::to_string(number) + " is " +
                                                     std::string(TrialStateName(trial.state)) +
                                                     ", not RUNNING");
  }
  return trial;
}

int64_t InMemoryStorage::CreateOrLoadStudy(std::string_view name, Direction direction,
                                           std::string_view space_json) {
  std::lock_guard lock(mutex_);
  for (size_t idx = 0; idx < studies_.size(); ++idx) {
    const StudyData& study = studies_[idx];
    if (study.name != name) continue;
    if (study.direction != direction || study.space_json != space_json) {
      throw Error(StatusCode::kFailedPrecondition,
                  "study '" + std::string(name) + "' exists with another direction or space");
    }
    return static_cast<int64_t>(idx);
  }
  studies_.push_back({std::string(name), direction, std::string(space_json), {}, {}});
  return static_cast<int64_t>(studies_.size() - 1);
}

int64_t InMemoryStorage::CreateTrial(int64_t study_id, TrialState state,
                                     const ParamVector& params) {
  std::lock_guard lock(mutex_);
  StudyData& study = StudyAt(study_id);
  FrozenTrial trial;
  trial.number = static_cast<int64_t>(study.trials.size());
  trial.state = state;
  trial.params = params;
  trial.value = std::numeric_limits<double>::quiet_NaN();
  trial.datetime_start = detail::NowSeconds();
  study.trials.push_back(std::move(trial));
  study.heartbeats.push_back(detail::NowSeconds());
  return study.trials.back().number;
}

std::optional<FrozenTrial> InMemoryStorage::PopWaitingTrial(int64_t study_id) {
  std::lock_guard lock(mutex_);
  StudyData& study = StudyAt(study_id);
  for (size_t idx = 0; idx < study.trials.size(); ++idx) {
    FrozenTrial& trial = study.trials[idx];
    if (trial.state != TrialState::kWaiting) continue;
    trial.state = TrialState::kRunning;
    trial.datetime_start = detail::NowSeconds();
    study.heartbeats[idx] = trial.datetime_start;
    return trial;
  }
  return std::nullopt;
}

void InMemoryStorage::SetTrialParams(int64_t study_id, int64_t number, const ParamVector& params) {
  std::lock_guard lock(mutex_);
  RunningTrial(study_id, number).params = params;
}

void InMemoryStorage::SetIntermediateValue(int64_t study_id, int64_t number, int64_t step,
                                           double value) {
  std::lock_guard lock(mutex_);
  auto& values = RunningTrial(study_id, number).intermediate_values;
  const auto found = std::lower_bound(
      values.begin(), values.end(), step,
      [](const std::pair<int64_t, double>& entry, int64_t key) { return entry.first < key; });
  if (found != values.end() && found->first == step) {
    found->second = value;
    return;
  }
  values.insert(found, {step, value});
}

void InMemoryStorage::FinishTrial(int64_t study_id, int64_t number, TrialState state,
                                  double value) {
  std::lock_guard lock(mutex_);
  FrozenTrial& trial = RunningTrial(study_id, number);
  trial.state = state;
  trial.value = value;
  trial.datetime_complete = detail::NowSeconds();
}

void InMemoryStorage::RecordHeartbeat(int64_t study_id, int64_t number) {
  std::lock_guard lock(mutex_);
  StudyData& study = StudyAt(study_id);
  if (number >= 0 && static_cast<size_t>(number) < study.heartbeats.size()) {
    study.heartbeats[static_cast<size_t>(number)] = detail::NowSeconds();
  }
}

std::vector<int64_t> InMemoryStorage::FailStaleTrials(int64_t study_id, double grace_seconds) {
  std::lock_guard lock(mutex_);
  StudyData& study = StudyAt(study_id);
  const double now = detail::NowSeconds();
  std::vector<int64_t> failed;
  for (size_t idx = 0; idx < study.trials.size(); ++idx) {
    FrozenTrial& trial = study.trials[idx];
    if (trial.state != TrialState::kRunning || now - study.heartbeats[idx] <= grace_seconds) {
      continue;
    }
    trial.state = TrialState::kFailed;
    trial.datetime_complete = now;
    failed.push_back(trial.number);
  }
  return failed;
}

std::vector<FrozenTrial> InMemoryStorage::GetTrials(int64_t study_id) {
  std::lock_guard lock(mutex_);
  return StudyAt(study_id).trials;
}

FrozenTrial InMemoryStorage::GetTrial(int64_t study_id, int64_t number) {
  std::lock_guard lock(mutex_);
  StudyData& study = StudyAt(study_id);
  if (number < 0 || static_cast<size_t>(number) >= study.trials.size()) {
    throw Error(StatusCode::kNotFound, "storage: no trial " + std::to_string(number));
  }
  return study.trials[static_cast<size_t>(number)];
}

}  // namespace kolosal::hpo
