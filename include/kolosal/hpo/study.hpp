#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "kolosal/core/fit_control.hpp"
#include "kolosal/hpo/pruner.hpp"
#include "kolosal/hpo/sampler.hpp"
#include "kolosal/hpo/search_space.hpp"
#include "kolosal/hpo/storage.hpp"
#include "kolosal/hpo/study_options.hpp"
#include "kolosal/hpo/trial.hpp"

namespace kolosal::hpo {

/// Why a study stopped (or would stop now).
enum class StopReason { kNone, kMaxTrials, kTimeout, kConverged, kCancelled, kExhausted };

/// "none", "max_trials", "timeout", "converged", "cancelled" or "exhausted".
std::string_view StopReasonName(StopReason reason);

/// The objective of Study::Optimize: returns the value of a trial's parameters. It may call
/// trial.Report / trial.ShouldPrune and throw TrialPruned; any other exception fails the trial.
using Objective = std::function<double(const Trial& trial)>;

/// What Study::Optimize receives besides the objective. Callbacks (progress and log) run on the
/// thread that called Optimize, between trials.
struct OptimizeControl {
  /// Run at most this many trials in this call (besides max_trials for the whole study);
  /// -1 means no per-call limit.
  int64_t n_trials = -1;
  /// Called after each trial finishes; returning false stops the study (like Cancel()).
  std::function<bool(const FrozenTrial& trial)> on_trial_finished;
  LogCallback log;
  /// Cancels from another thread; the study's own Cancel() does the same.
  std::shared_ptr<CancellationToken> cancellation;
};

/// A hyperparameter optimization study (the engine's "optimizer"): an ask/tell interface over a
/// search space, a sampler, a pruner and a storage. Ask() hands out a trial, the caller
/// evaluates it and Tell()s the result, so an objective written in any language needs no
/// callback. Optimize() is the convenience loop that runs trials in parallel on oneTBB.
///
/// Every method is thread-safe. Several Study objects (in one or many processes) may share a
/// study through an SQLite or PostgreSQL storage: trial numbers stay distinct, and each
/// sampler sees every worker's trials, with running ones counted by the constant liar.
class Study {
 public:
  /// Creates the study, or resumes it when the storage already holds a study named
  /// options.study_name (then enqueue_trials and warm_start are not applied again).
  Study(SearchSpace space, StudyOptions options, std::unique_ptr<Storage> storage);
  ~Study();
  Study(const Study&) = delete;
  Study& operator=(const Study&) = delete;

  /// Parses the space (JSON text), the config (JSON text, "" for defaults) and opens the storage
  /// URL ("" or "memory", "sqlite:///abs/path.db", "postgresql://user@host:port/db").
  static std::unique_ptr<Study> Create(std::string_view space_json, std::string_view config_json,
                                       std::string_view storage_url = "");

  /// Starts a new trial: the oldest enqueued parameter set if any, else the sampler's proposal.
  Trial Ask();
  /// Ends a trial as COMPLETE with `value` (a NaN value fails it, as in Optuna). Telling a trial
  /// that is not running throws Error(kFailedPrecondition).
  void Tell(int64_t number, double value);
  /// Ends a trial as PRUNED; its value is its last intermediate value.
  void TellPruned(int64_t number);
  /// Ends a trial as FAILED.
  void TellFailed(int64_t number);
  /// Records an intermediate value of a running trial at `step`.
  void Report(int64_t number, int64_t step, double value);
  /// True when the pruner says the running trial should stop now.
  bool ShouldPrune(int64_t number);

  /// Queues a parameter set ({"name": value}; missing parameters are sampled) to be asked first.
  void Enqueue(const nlohmann::json& params);
  /// Adds the finished trials of an earlier study (HistoryJson() output, its "trials" array, or
  /// objects with "params" and "value"); COMPLETE trials whose parameters fit this space are
  /// kept. Returns how many were added.
  int64_t WarmStart(const nlohmann::json& history);

  /// Runs trials until max_trials, the timeout, convergence, cancellation or the per-call
  /// limit; n_jobs of them at a time on a oneTBB arena. Returns why it stopped.
  StopReason Optimize(const Objective& objective, const OptimizeControl& control = {});

  /// Why the study would stop now, or kNone.
  StopReason CheckStop();
  /// Asks Optimize (and CheckStop) to stop; running trials finish normally.
  void Cancel();

  /// The best COMPLETE trial, if any.
  std::optional<FrozenTrial> BestTrial();
  /// Every trial in number order.
  std::vector<FrozenTrial> Trials();
  /// {"study_name", "direction", "n_trials", "best_trial", "best_value", "best_params",
  ///  "trials": [{"number", "state", "value", "params", "intermediate_values",
  ///  "datetime_start", "datetime_complete", "duration"}]}.
  nlohmann::json HistoryJson();

  const SearchSpace& space() const { return *space_; }
  const StudyOptions& options() const { return options_; }
  const Sampler& sampler() const { return *sampler_; }
  Storage& storage() { return *storage_; }
  int64_t study_id() const { return study_id_; }

 private:
  /// The storage's trials, each checked against the space (another program may have written
  /// them): throws Error(kIo) naming a trial whose parameters do not fit.
  std::vector<FrozenTrial> StoredTrials();
  FrozenTrial StoredTrial(int64_t number);
  void CheckStored(const FrozenTrial& trial) const;
  /// Starts a trial; the caller holds mutex_ and has failed stale trials first.
  Trial AskLocked();
  ParamVector SampleLocked(int64_t number, const ParamVector& fixed);
  /// Fails (and with retry_failed_trials re-enqueues) RUNNING trials whose heartbeat is older
  /// than twice the interval.
  void FailStaleLocked();
  double HeartbeatInterval() const { return options_.heartbeat_interval.value_or(0.0); }
  void Finish(int64_t number, TrialState state, double value);
  StopReason CheckStopLocked(const std::vector<FrozenTrial>& trials);
  bool HasConverged(const std::vector<FrozenTrial>& trials) const;
  void ApplyInitialTrials();
  void HeartbeatLoop(std::stop_token stop);
  std::optional<Trial> AskWithinBudget(int64_t& started_in_call, int64_t call_limit);
  void RunWorker(const Objective& objective, const OptimizeControl& control,
                 int64_t& started_in_call, std::thread::id caller);
  void RunTrial(const Objective& objective, const Trial& trial);
  void DeliverEvents(const OptimizeControl& control);

  std::shared_ptr<const SearchSpace> space_;
  StudyOptions options_;
  std::unique_ptr<Storage> storage_;
  std::unique_ptr<Sampler> sampler_;
  std::unique_ptr<Pruner> pruner_;
  int64_t study_id_ = 0;

  std::mutex mutex_;
  std::chrono::steady_clock::time_point started_;
  CancellationToken cancellation_;

  std::mutex running_mutex_;
  std::set<int64_t> running_;
  std::condition_variable_any heartbeat_wake_;
  std::jthread heartbeat_thread_;

  std::mutex events_mutex_;
  std::vector<FrozenTrial> finished_events_;
  std::vector<std::string> pending_logs_;
};

}  // namespace kolosal::hpo
