#include "kolosal/hpo/sqlite_storage.hpp"

#include <sqlite3.h>

#include <cmath>
#include <limits>

#include "kolosal/core/error.hpp"
#include "kolosal/hpo/detail/storage_codec.hpp"

namespace kolosal::hpo {
namespace {

constexpr int kBusyTimeoutMs = 120000;

[[noreturn]] void ThrowSqlite(sqlite3* db, const std::string& what) {
  throw Error(StatusCode::kIo, "sqlite storage: " + what + ": " +
                                   (db != nullptr ? sqlite3_errmsg(db) : "out of memory"));
}

// A prepared statement with positional binding; finalised on scope exit.
class Statement {
 public:
  Statement(sqlite3* db, const char* sql) : db_(db) {
    if (sqlite3_prepare_v2(db, sql, -1, &statement_, nullptr) != SQLITE_OK) {
      ThrowSqlite(db, "prepare");
    }
  }
  ~Statement() { sqlite3_finalize(statement_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& Bind(int64_t value) {
    Check(sqlite3_bind_int64(statement_, ++index_, value));
    return *this;
  }
  Statement& Bind(double value) {
    Check(std::isnan(value) ? sqlite3_bind_null(statement_, ++index_)
                            : sqlite3_bind_double(statement_, ++index_, value));
    return *this;
  }
  Statement& Bind(std::string_view text) {
    Check(sqlite3_bind_text(statement_, ++index_, text.data(), static_cast<int>(text.size()),
                            SQLITE_TRANSIENT));
    return *this;
  }
  /// Advances; true while a row is available.
  bool Step() {
    const int code = sqlite3_step(statement_);
    if (code == SQLITE_ROW) return true;
    if (code == SQLITE_DONE) return false;
    ThrowSqlite(db_, "step");
  }
  int64_t Int(int column) const { return sqlite3_column_int64(statement_, column); }
  double Double(int column) const {
    if (sqlite3_column_type(statement_, column) == SQLITE_NULL) {
      return std::numeric_limits<double>::quiet_NaN();
    }
    return sqlite3_column_double(statement_, column);
  }
  std::string Text(int column) const {
    const unsigned char* text = sqlite3_column_text(statement_, column);
    return text == nullptr ? std::string() : reinterpret_cast<const char*>(text);
  }

 private:
  void Check(int code) {
    if (code != SQLITE_OK) ThrowSqlite(db_, "bind");
  }

  sqlite3* db_;
  sqlite3_stmt* statement_ = nullptr;
  int index_ = 0;
};

// BEGIN IMMEDIATE ... COMMIT, rolled back when left by an exception.
class Transaction {
 public:
  explicit Transaction(sqlite3* db) : db_(db) {
    if (sqlite3_exec(db_, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) != SQLITE_OK) {
      ThrowSqlite(db_, "begin");
    }
  }
  ~Transaction() {
    if (!committed_) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void Commit() {
    if (sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK) {
      ThrowSqlite(db_, "commit");
    }
    committed_ = true;
  }

 private:
  sqlite3* db_;
  bool committed_ = false;
};

std::string StateText(TrialState state) { return std::string(TrialStateName(state)); }

}  // namespace

SqliteStorage::SqliteStorage(std::string path) : path_(std::move(path)) {
  if (path_.empty()) ThrowInvalidArgument("sqlite storage: the URL names no file (sqlite:///path)");
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX;
  if (sqlite3_open_v2(path_.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
    const std::string message = db_ != nullptr ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    db_ = nullptr;
    throw Error(StatusCode::kIo, "sqlite storage: cannot open '" + path_ + "': " + message);
  }
  sqlite3_busy_timeout(db_, kBusyTimeoutMs);
  try {
    Execute("PRAGMA journal_mode=WAL");
    Execute("PRAGMA synchronous=NORMAL");
    CreateSchema();
  } catch (...) {
    sqlite3_close(db_);
    db_ = nullptr;
    throw;
  }
}

SqliteStorage::~SqliteStorage() { sqlite3_close(db_); }

void SqliteStorage::Execute(const char* sql) {
  char* message = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &message) == SQLITE_OK) return;
  const std::string text = message != nullptr ? message : "unknown error";
  sqlite3_free(message);
  throw Error(StatusCode::kIo, "sqlite storage '" + path_ + "': " + text);
}

void SqliteStorage::CreateSchema() {
  Transaction transaction(db_);
  Execute(
      "CREATE TABLE IF NOT EXISTS kolosal_studies(id INTEGER PRIMARY KEY AUTOINCREMENT, "
      "name TEXT UNIQUE NOT NULL, direction TEXT NOT NULL, space TEXT NOT NULL, "
      "next_number INTEGER NOT NULL DEFAULT 0)");
  Execute(
      "CREATE TABLE IF NOT EXISTS kolosal_trials(study_id INTEGER NOT NULL, number INTEGER NOT "
      "NULL, state TEXT NOT NULL, value REAL, params TEXT NOT NULL DEFAULT '', datetime_start "
      "REAL, datetime_complete REAL, heartbeat REAL, PRIMARY KEY(study_id, number))");
  Execute(
      "CREATE TABLE IF NOT EXISTS kolosal_intermediate_values(study_id INTEGER NOT NULL, number "
      "INTEGER NOT NULL, step INTEGER NOT NULL, value REAL, PRIMARY KEY(study_id, number, step))");
  transaction.Commit();
}

int64_t SqliteStorage::CreateOrLoadStudy(std::string_view name, Direction direction,
                                         std::string_view space_json) {
  std::lock_guard lock(mutex_);
  Transaction transaction(db_);
  Statement select(db_, "SELECT id, direction, space FROM kolosal_studies WHERE name = ?");
  select.Bind(name);
  if (select.Step()) {
    if (select.Text(1) != DirectionName(direction) || select.Text(2) != space_json) {
      throw Error(StatusCode::kFailedPrecondition, "study '" + std::string(name) + "' exists in '" +
                                                       path_ +
                                                       "' with another direction or search space");
    }
    return select.Int(0);
  }
  Statement insert(db_, "INSERT INTO kolosal_studies(name, direction, space) VALUES (?, ?, ?)");
  insert.Bind(name).Bind(DirectionName(direction)).Bind(space_json).Step();
  const int64_t id = sqlite3_last_insert_rowid(db_);
  transaction.Commit();
  return id;
}

int64_t SqliteStorage::CreateTrial(int64_t study_id, TrialState state, const ParamVector& params) {
  std::lock_guard lock(mutex_);
  Transaction transaction(db_);
  Statement counter(db_,
                    "UPDATE kolosal_studies SET next_number = next_number + 1 WHERE id = ? "
                    "RETURNING next_number - 1");
  counter.Bind(study_id);
  if (!counter.Step()) {
    throw Error(StatusCode::kNotFound,
                "sqlite storage: no study with id " + std::to_string(study_id));
  }
  const int64_t number = counter.Int(0);
  while (counter.Step()) {
  }
  const double now = detail::NowSeconds();
  Statement insert(db_,
                   "INSERT INTO kolosal_trials(study_id, number, state, value, params, "
                   "datetime_start, heartbeat) VALUES (?, ?, ?, NULL, ?, ?, ?)");
  insert.Bind(study_id).Bind(number).Bind(StateText(state)).Bind(detail::EncodeParams(params));
  insert.Bind(now).Bind(now).Step();
  transaction.Commit();
  return number;
}

std::optional<FrozenTrial> SqliteStorage::PopWaitingTrial(int64_t study_id) {
  std::lock_guard lock(mutex_);
  Transaction transaction(db_);
  Statement select(db_,
                   "SELECT number FROM kolosal_trials WHERE study_id = ? AND state = 'WAITING' "
                   "ORDER BY number LIMIT 1");
  select.Bind(study_id);
  if (!select.Step()) return std::nullopt;
  const int64_t number = select.Int(0);
  const double now = detail::NowSeconds();
  Statement update(db_,
                   "UPDATE kolosal_trials SET state = 'RUNNING', datetime_start = ?, heartbeat = ? "
                   "WHERE study_id = ? AND number = ?");
  update.Bind(now).Bind(now).Bind(study_id).Bind(number).Step();
  FrozenTrial trial = ReadTrial(study_id, number);
  transaction.Commit();
  return trial;
}

void SqliteStorage::SetTrialParams(int64_t study_id, int64_t number, const ParamVector& params) {
  std::lock_guard lock(mutex_);
  Statement update(db_, "UPDATE kolosal_trials SET params = ? WHERE study_id = ? AND number = ?");
  update.Bind(detail::EncodeParams(params)).Bind(study_id).Bind(number).Step();
}

void SqliteStorage::RequireRunning(int64_t study_id, int64_t number) {
  Statement select(db_, "SELECT state FROM kolosal_trials WHERE study_id = ? AND number = ?");
  select.Bind(study_id).Bind(number);
  if (!select.Step()) {
    throw Error(StatusCode::kNotFound, "sqlite storage: no trial " + std::to_string(number));
  }
  const std::string state = select.Text(0);
  if (state != "RUNNING") {
    throw Error(StatusCode::kFailedPrecondition,
                "trial " + std::to_string(number) + " is " + state + ", not RUNNING");
  }
}

void SqliteStorage::SetIntermediateValue(int64_t study_id, int64_t number, int64_t step,
                                         double value) {
  std::lock_guard lock(mutex_);
  Transaction transaction(db_);
  RequireRunning(study_id, number);
  Statement insert(db_,
                   "INSERT OR REPLACE INTO kolosal_intermediate_values(study_id, number, step, "
                   "value) VALUES (?, ?, ?, ?)");
  insert.Bind(study_id).Bind(number).Bind(step).Bind(value).Step();
  transaction.Commit();
}

void SqliteStorage::FinishTrial(int64_t study_id, int64_t number, TrialState state, double value) {
  std::lock_guard lock(mutex_);
  Transaction transaction(db_);
  RequireRunning(study_id, number);
  Statement update(db_,
                   "UPDATE kolosal_trials SET state = ?, value = ?, datetime_complete = ? "
                   "WHERE study_id = ? AND number = ? AND state = 'RUNNING'");
  update.Bind(StateText(state)).Bind(value).Bind(detail::NowSeconds()).Bind(study_id).Bind(number);
  update.Step();
  transaction.Commit();
}

void SqliteStorage::RecordHeartbeat(int64_t study_id, int64_t number) {
  std::lock_guard lock(mutex_);
  Statement update(db_,
                   "UPDATE kolosal_trials SET heartbeat = ? WHERE study_id = ? AND number = ? AND "
                   "state = 'RUNNING'");
  update.Bind(detail::NowSeconds()).Bind(study_id).Bind(number).Step();
}

std::vector<int64_t> SqliteStorage::FailStaleTrials(int64_t study_id, double grace_seconds) {
  std::lock_guard lock(mutex_);
  Transaction transaction(db_);
  const double now = detail::NowSeconds();
  Statement update(db_,
                   "UPDATE kolosal_trials SET state = 'FAILED', datetime_complete = ? WHERE "
                   "study_id = ? AND state = 'RUNNING' AND heartbeat < ? RETURNING number");
  update.Bind(now).Bind(study_id).Bind(now - grace_seconds);
  std::vector<int64_t> failed;
  while (update.Step()) failed.push_back(update.Int(0));
  transaction.Commit();
  return failed;
}

FrozenTrial SqliteStorage::ReadTrial(int64_t study_id, int64_t number) {
  Statement select(db_,
                   "SELECT state, value, params, datetime_start, datetime_complete FROM "
                   "kolosal_trials WHERE study_id = ? AND number = ?");
  select.Bind(study_id).Bind(number);
  if (!select.Step()) {
    throw Error(StatusCode::kNotFound, "sqlite storage: no trial " + std::to_string(number));
  }
  FrozenTrial trial;
  trial.number = number;
  trial.state = detail::DecodeState(select.Text(0));
  trial.value = select.Double(1);
  trial.params = detail::DecodeParams(select.Text(2));
  trial.datetime_start = select.Double(3);
  trial.datetime_complete = std::isnan(select.Double(4)) ? 0.0 : select.Double(4);
  Statement values(db_,
                   "SELECT step, value FROM kolosal_intermediate_values WHERE study_id = ? AND "
                   "number = ? ORDER BY step");
  values.Bind(study_id).Bind(number);
  while (values.Step()) trial.intermediate_values.emplace_back(values.Int(0), values.Double(1));
  return trial;
}

FrozenTrial SqliteStorage::GetTrial(int64_t study_id, int64_t number) {
  std::lock_guard lock(mutex_);
  return ReadTrial(study_id, number);
}

std::vector<FrozenTrial> SqliteStorage::GetTrials(int64_t study_id) {
  std::lock_guard lock(mutex_);
  Execute("BEGIN");  // one consistent snapshot for both queries
  std::vector<FrozenTrial> trials;
  try {
    Statement select(db_,
                     "SELECT number, state, value, params, datetime_start, datetime_complete "
                     "FROM kolosal_trials WHERE study_id = ? ORDER BY number");
    select.Bind(study_id);
    while (select.Step()) {
      FrozenTrial trial;
      trial.number = select.Int(0);
      trial.state = detail::DecodeState(select.Text(1));
      trial.value = select.Double(2);
      trial.params = detail::DecodeParams(select.Text(3));
      trial.datetime_start = select.Double(4);
      trial.datetime_complete = std::isnan(select.Double(5)) ? 0.0 : select.Double(5);
      trials.push_back(std::move(trial));
    }
    Statement values(db_,
                     "SELECT number, step, value FROM kolosal_intermediate_values WHERE "
                     "study_id = ? ORDER BY number, step");
    values.Bind(study_id);
    size_t cursor = 0;
    while (values.Step()) {
      const int64_t number = values.Int(0);
      while (cursor < trials.size() && trials[cursor].number < number) ++cursor;
      if (cursor == trials.size() || trials[cursor].number != number) continue;
      trials[cursor].intermediate_values.emplace_back(values.Int(1), values.Double(2));
    }
  } catch (...) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
  Execute("COMMIT");
  return trials;
}

}  // namespace kolosal::hpo
