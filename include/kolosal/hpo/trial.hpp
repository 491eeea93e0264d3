#pragma once

#include <cstdint>
#include <exception>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kolosal/hpo/search_space.hpp"

namespace kolosal::hpo {

/// Whether a study looks for the smallest or the largest objective value.
enum class Direction { kMinimize, kMaximize };

/// "minimize" or "maximize".
std::string_view DirectionName(Direction direction);
/// Parses "minimize" / "maximize"; throws Error(kInvalidArgument) otherwise.
Direction ParseDirection(std::string_view name);

/// The life cycle of a trial: WAITING (enqueued, not yet asked) -> RUNNING -> COMPLETE, PRUNED
/// or FAILED.
enum class TrialState { kWaiting, kRunning, kComplete, kPruned, kFailed };

/// "WAITING", "RUNNING", "COMPLETE", "PRUNED" or "FAILED".
std::string_view TrialStateName(TrialState state);
/// Parses a name given by TrialStateName; throws Error(kInvalidArgument) otherwise.
TrialState ParseTrialState(std::string_view name);
/// True for COMPLETE, PRUNED and FAILED.
bool IsFinished(TrialState state);

/// A snapshot of one trial as the storage holds it.
struct FrozenTrial {
  int64_t number = -1;
  TrialState state = TrialState::kRunning;
  /// The objective value (COMPLETE), the last intermediate value (PRUNED), or NaN.
  double value = 0.0;
  /// The parameters in internal form; empty while a RUNNING trial is still being sampled.
  ParamVector params;
  /// (step, value) pairs sorted by step.
  std::vector<std::pair<int64_t, double>> intermediate_values;
  /// Seconds since the Unix epoch; 0 when unknown.
  double datetime_start = 0.0;
  double datetime_complete = 0.0;

  /// The largest reported step, if any.
  std::optional<int64_t> LastStep() const;
  /// The value reported at `step`, if any.
  std::optional<double> IntermediateAt(int64_t step) const;
};

/// The largest step of an intermediate value: steps are iterations or epochs, and pruners
/// compute with them (Hyperband's max_resource is the largest step + 1).
inline constexpr int64_t kMaxStep = int64_t{1} << 53;

/// Thrown by an objective (or by Trial::PruneIfNeeded) to end the trial as PRUNED.
class TrialPruned : public std::exception {
 public:
  const char* what() const noexcept override { return "trial pruned"; }
};

class Study;

/// A trial handed out by Study::Ask(): its number and parameters, plus the link back to the
/// study for Report/ShouldPrune. Cheap to copy. The study must outlive the trial. Getters are
/// safe from any thread; Report/ShouldPrune are as thread-safe as the study (they are).
class Trial {
 public:
  Trial(Study* study, int64_t number, std::shared_ptr<const SearchSpace> space, ParamVector params);

  int64_t number() const { return number_; }
  const ParamVector& values() const { return params_; }
  const SearchSpace& space() const { return *space_; }

  /// True when the parameter exists and is active in this trial (conditions hold).
  bool HasParam(std::string_view name) const;
  /// The value of a float or int parameter. Throws Error(kNotFound) for an unknown or inactive
  /// parameter and Error(kInvalidArgument) for a categorical one.
  double GetFloat(std::string_view name) const;
  /// The value of an int parameter (a float parameter is rejected).
  int64_t GetInt(std::string_view name) const;
  /// The choice of a categorical parameter: the string itself, or the JSON text of a number or
  /// boolean choice.
  std::string GetCategorical(std::string_view name) const;
  /// The index of the choice of a categorical parameter in its `choices`.
  int64_t GetCategoricalIndex(std::string_view name) const;
  /// {"name": value, ...} of the active parameters.
  nlohmann::json Params() const;

  /// Records an intermediate objective value at `step` (see Study::Report).
  void Report(int64_t step, double value) const;
  /// Asks the study's pruner whether to stop this trial now (see Study::ShouldPrune).
  bool ShouldPrune() const;
  /// Throws TrialPruned when ShouldPrune() says so.
  void PruneIfNeeded() const;

 private:
  size_t ActiveIndex(std::string_view name) const;

  Study* study_;
  int64_t number_;
  std::shared_ptr<const SearchSpace> space_;
  ParamVector params_;
};

}  // namespace kolosal::hpo
