#pragma once

#include <mutex>
#include <string>
#include <vector>

#include "kolosal/hpo/storage.hpp"

struct pg_conn;

namespace kolosal::hpo {

/// A study kept in PostgreSQL (through libpq), for workers on many machines, the way Optuna's
/// RDB storage scales. Trial numbers come from a per-study counter row updated in the same
/// statement that inserts the trial, so concurrent workers never share a number; waiting trials
/// are taken with FOR UPDATE SKIP LOCKED; times (heartbeats included) are the server's clock,
/// so machines with skewed clocks agree on staleness. One connection per object, serialised by a
/// mutex, re-established once when it drops.
class PostgresStorage : public Storage {
 public:
  /// Connects to `url` (postgresql://user[:password]@host[:port]/db[?options]); throws
  /// Error(kIo) when the server cannot be reached.
  explicit PostgresStorage(std::string url);
  ~PostgresStorage() override;

  std::string Url() const override { return url_; }
  double DefaultHeartbeatInterval() const override { return kPersistentHeartbeatInterval; }
  int64_t CreateOrLoadStudy(std::string_view name, Direction direction,
                            std::string_view space_json) override;
  int64_t CreateTrial(int64_t study_id, TrialState state, const ParamVector& params) override;
  std::optional<FrozenTrial> PopWaitingTrial(int64_t study_id) override;
  void SetTrialParams(int64_t study_id, int64_t number, const ParamVector& params) override;
  void SetIntermediateValue(int64_t study_id, int64_t number, int64_t step, double value) override;
  void FinishTrial(int64_t study_id, int64_t number, TrialState state, double value) override;
  void RecordHeartbeat(int64_t study_id, int64_t number) override;
  std::vector<int64_t> FailStaleTrials(int64_t study_id, double grace_seconds) override;
  std::vector<FrozenTrial> GetTrials(int64_t study_id) override;
  FrozenTrial GetTrial(int64_t study_id, int64_t number) override;

 private:
  class Result;
  Result Query(const char* sql, const std::vector<std::string>& params,
               const std::vector<bool>& nulls = {});
  void CreateSchema();
  void Reconnect();
  void ThrowNotRunning(int64_t study_id, int64_t number);
  FrozenTrial ReadTrial(int64_t study_id, int64_t number);

  std::string url_;
  pg_conn* connection_ = nullptr;
  std::mutex mutex_;
};

}  // namespace kolosal::hpo
