#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kolosal/hpo/trial.hpp"

namespace kolosal::hpo {

/// The heartbeat interval (seconds) of studies on a storage that outlives its processes (SQLite,
/// PostgreSQL) when the config does not set heartbeat_interval: a worker killed mid-trial has
/// that trial failed once its heartbeat is twice this old, instead of left RUNNING forever.
inline constexpr double kPersistentHeartbeatInterval = 60.0;

/// Where a study's trials live. Every method is thread-safe, and the SQLite and PostgreSQL
/// storages are also safe across processes: trial numbers are assigned atomically, so no
/// number is ever used twice. Trials are addressed by (study id, trial number). Failures of the
/// backend throw Error(kIo).
class Storage {
 public:
  Storage() = default;
  Storage(const Storage&) = delete;
  Storage& operator=(const Storage&) = delete;
  virtual ~Storage() = default;

  /// The URL this storage was opened with ("memory", "sqlite:///...", "postgresql://...").
  virtual std::string Url() const = 0;
  /// The heartbeat interval (seconds) of a study whose config leaves heartbeat_interval unset:
  /// 0 (off) unless trials can outlive the process that runs them, as they do in a file or a
  /// database server.
  virtual double DefaultHeartbeatInterval() const { return 0.0; }

  /// Creates the study `name`, or loads it when it exists; returns its id. Loading a study whose
  /// direction or search space differs throws Error(kFailedPrecondition).
  virtual int64_t CreateOrLoadStudy(std::string_view name, Direction direction,
                                    std::string_view space_json) = 0;

  /// Creates a trial with the next number in `state` (RUNNING or WAITING) and returns the
  /// number. Its start time and heartbeat are now; `params` may be empty (not yet sampled).
  virtual int64_t CreateTrial(int64_t study_id, TrialState state, const ParamVector& params) = 0;
  /// Atomically turns the oldest WAITING trial into RUNNING and returns it, if there is one.
  virtual std::optional<FrozenTrial> PopWaitingTrial(int64_t study_id) = 0;
  virtual void SetTrialParams(int64_t study_id, int64_t number, const ParamVector& params) = 0;
  /// Records (step, value) of a RUNNING trial; a second report of a step overwrites the first.
  /// Throws Error(kFailedPrecondition) when the trial is not RUNNING.
  virtual void SetIntermediateValue(int64_t study_id, int64_t number, int64_t step,
                                    double value) = 0;
  /// Moves a RUNNING trial to a finished state. Throws Error(kFailedPrecondition) when the trial
  /// is already finished (or waiting), and Error(kNotFound) when it does not exist.
  virtual void FinishTrial(int64_t study_id, int64_t number, TrialState state, double value) = 0;
  virtual void RecordHeartbeat(int64_t study_id, int64_t number) = 0;
  /// Marks FAILED every RUNNING trial whose last heartbeat is older than `grace_seconds`, and
  /// returns their numbers.
  virtual std::vector<int64_t> FailStaleTrials(int64_t study_id, double grace_seconds) = 0;

  /// Every trial of the study in number order.
  virtual std::vector<FrozenTrial> GetTrials(int64_t study_id) = 0;
  /// One trial; throws Error(kNotFound) when it does not exist.
  virtual FrozenTrial GetTrial(int64_t study_id, int64_t number) = 0;
};

/// Builds a storage from the part of a URL after "scheme://" (and the whole URL).
using StorageFactory =
    std::function<std::unique_ptr<Storage>(std::string_view location, std::string_view url)>;

}  // namespace kolosal::hpo
