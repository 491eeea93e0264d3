#include "kolosal/hpo/trial.hpp"

#include <algorithm>
#include <cmath>

#include "kolosal/core/error.hpp"
#include "kolosal/core/names.hpp"
#include "kolosal/hpo/study.hpp"

namespace kolosal::hpo {

std::string_view DirectionName(Direction direction) {
  return direction == Direction::kMinimize ? "minimize" : "maximize";
}

Direction ParseDirection(std::string_view name) {
  if (name == "minimize") return Direction::kMinimize;
  if (name == "maximize") return Direction::kMaximize;
  const std::vector<std::string> names = {"minimize", "maximize"};
  ThrowInvalidArgument(UnknownNameMessage("direction", name, names));
}

std::string_view TrialStateName(TrialState state) {
  switch (state) {
    case TrialState::kWaiting:
      return "WAITING";
    case TrialState::kRunning:
      return "RUNNING";
    case TrialState::kComplete:
      return "COMPLETE";
    case TrialState::kPruned:
      return "PRUNED";
    case TrialState::kFailed:
      return "FAILED";
  }
  return "UNKNOWN";
}

TrialState ParseTrialState(std::string_view name) {
  for (TrialState state : {TrialState::kWaiting, TrialState::kRunning, TrialState::kComplete,
                           TrialState::kPruned, TrialState::kFailed}) {
    if (TrialStateName(state) == name) return state;
  }
  const std::vector<std::string> names = {"WAITING", "RUNNING", "COMPLETE", "PRUNED", "FAILED"};
  ThrowInvalidArgument(UnknownNameMessage("trial state", name, names));
}

bool IsFinished(TrialState state) {
  return state == TrialState::kComplete || state == TrialState::kPruned ||
         state == TrialState::kFailed;
}

std::optional<int64_t> FrozenTrial::LastStep() const {
  if (intermediate_values.empty()) return std::nullopt;
  return intermediate_values.back().first;
}

std::optional<double> FrozenTrial::IntermediateAt(int64_t step) const {
  const auto found = std::lower_bound(
      intermediate_values.begin(), intermediate_values.end(), step,
      [](const std::pair<int64_t, double>& entry, int64_t key) { return entry.first < key; });
  if (found == intermediate_values.end() || found->first != step) return std::nullopt;
  return found->second;
}

Trial::Trial(Study* study, int64_t number, std::shared_ptr<const SearchSpace> space,
             ParamVector params)
    : study_(study), number_(number), space_(std::move(space)), params_(std::move(params)) {}

bool Trial::HasParam(std::string_view name) const {
  const std::optional<size_t> index = space_->IndexOf(name);
  return index && *index < params_.size() && !std::isnan(params_[*index]);
}

size_t Trial::ActiveIndex(std::string_view name) const {
  const size_t index = space_->RequireIndex(name);
  if (index >= params_.size() || std::isnan(params_[index])) {
    throw Error(StatusCode::kNotFound, "trial " + std::to_string(number_) + ": parameter '" +
                                           std::string(name) +
                                           "' is inactive (its condition does not hold)");
  }
  return index;
}

double Trial::GetFloat(std::string_view name) const {
  const size_t index = ActiveIndex(name);
  if (space_->param(index).kind == ParamKind::kCategorical) {
    ThrowInvalidArgument("parameter '" + std::string(name) +
                         "' is categorical; use GetCategorical");
  }
  return params_[index];
}

int64_t Trial::GetInt(std::string_view name) const {
  const size_t index = ActiveIndex(name);
  if (space_->param(index).kind != ParamKind::kInt) {
    ThrowInvalidArgument("parameter '" + std::string(name) + "' is " +
                         std::string(ParamKindName(space_->param(index).kind)) + ", not int");
  }
  return std::llround(params_[index]);
}

std::string Trial::GetCategorical(std::string_view name) const {
  const nlohmann::json& choice =
      space_->param(ActiveIndex(name)).choices.at(static_cast<size_t>(GetCategoricalIndex(name)));
  return choice.is_string() ? choice.get<std::string>() : choice.dump();
}

int64_t Trial::GetCategoricalIndex(std::string_view name) const {
  const size_t index = ActiveIndex(name);
  if (space_->param(index).kind != ParamKind::kCategorical) {
    ThrowInvalidArgument("parameter '" + std::string(name) + "' is " +
                         std::string(ParamKindName(space_->param(index).kind)) +
                         ", not categorical");
  }
  return std::llround(params_[index]);
}

nlohmann::json Trial::Params() const { return space_->ToExternal(params_); }

void Trial::Report(int64_t step, double value) const { study_->Report(number_, step, value); }

bool Trial::ShouldPrune() const { return study_->ShouldPrune(number_); }

void Trial::PruneIfNeeded() const {
  if (ShouldPrune()) throw TrialPruned();
}

}  // namespace kolosal::hpo
