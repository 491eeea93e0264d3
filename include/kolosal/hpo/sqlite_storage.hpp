#pragma once

#include <mutex>
#include <string>

#include "kolosal/hpo/storage.hpp"

struct sqlite3;

namespace kolosal::hpo {

/// A study kept in an SQLite file: embedded, durable and resumable. Several processes on one
/// machine may share the file (WAL journal, a busy timeout, and immediate transactions for
/// every write); trial numbers come from a per-study counter updated in the same transaction
/// that inserts the trial, so none is ever used twice, even after a SIGKILL. One connection
/// per object, serialised by a mutex.
class SqliteStorage : public Storage {
 public:
  /// Opens (creating if needed) the database file at `path`; throws Error(kIo) when it cannot.
  explicit SqliteStorage(std::string path);
  ~SqliteStorage() override;

  std::string Url() const override { return "sqlite:///" + path_; }
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
  void CreateSchema();
  void Execute(const char* sql);
  void RequireRunning(int64_t study_id, int64_t number);
  FrozenTrial ReadTrial(int64_t study_id, int64_t number);

  std::string path_;
  sqlite3* db_ = nullptr;
  std::mutex mutex_;
};

}  // namespace kolosal::hpo
