#include "kolosal/hpo/postgres_storage.hpp"

#include <libpq-fe.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>

#include "kolosal/core/error.hpp"
#include "kolosal/hpo/detail/storage_codec.hpp"

namespace kolosal::hpo {
namespace {

constexpr const char* kNow = "extract(epoch from clock_timestamp())";

std::string Text(int64_t value) { return std::to_string(value); }

std::string Text(double value) {
  if (std::isinf(value)) return value > 0 ? "Infinity" : "-Infinity";
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), "%.17g", value);
  return buffer;
}

// The URL with a connect timeout, so an unreachable server fails instead of hanging.
std::string WithConnectTimeout(const std::string& url) {
  if (url.find("connect_timeout") != std::string::npos) return url;
  return url + (url.find('?') == std::string::npos ? "?" : "&") + "connect_timeout=10";
}

// A password in the URL stays out of error messages.
std::string Redacted(const std::string& url) {
  const size_t scheme = url.find("://");
  const size_t at = url.find('@');
  if (scheme == std::string::npos || at == std::string::npos || at < scheme) return url;
  const size_t colon = url.find(':', scheme + 3);
  if (colon == std::string::npos || colon > at) return url;
  return url.substr(0, colon) + ":***" + url.substr(at);
}

}  // namespace

// An owned PGresult.
class PostgresStorage::Result {
 public:
  explicit Result(PGresult* result) : result_(result) {}
  ~Result() { PQclear(result_); }
  Result(Result&& other) noexcept : result_(other.result_) { other.result_ = nullptr; }
  Result(const Result&) = delete;
  Result& operator=(const Result&) = delete;
  Result& operator=(Result&&) = delete;

  int Rows() const { return PQntuples(result_); }
  int64_t AffectedRows() const { return std::atoll(PQcmdTuples(result_)); }
  bool IsNull(int row, int column) const { return PQgetisnull(result_, row, column) != 0; }
  std::string String(int row, int column) const { return PQgetvalue(result_, row, column); }
  int64_t Int(int row, int column) const { return std::atoll(PQgetvalue(result_, row, column)); }
  double Double(int row, int column) const {
    if (IsNull(row, column)) return std::numeric_limits<double>::quiet_NaN();
    return std::strtod(PQgetvalue(result_, row, column), nullptr);
  }

 private:
  PGresult* result_;
};

PostgresStorage::PostgresStorage(std::string url) : url_(std::move(url)) {
  connection_ = PQconnectdb(WithConnectTimeout(url_).c_str());
  if (connection_ == nullptr || PQstatus(connection_) != CONNECTION_OK) {
    const std::string message =
        connection_ != nullptr ? PQerrorMessage(connection_) : "out of memory";
    PQfinish(connection_);
    connection_ = nullptr;
    throw Error(StatusCode::kIo,
                "postgresql storage: cannot connect to '" + Redacted(url_) + "': " + message);
  }
  PQsetNoticeProcessor(
      connection_, [](void*, const char*) {}, nullptr);
  CreateSchema();
}

PostgresStorage::~PostgresStorage() { PQfinish(connection_); }

void PostgresStorage::Reconnect() {
  if (PQstatus(connection_) == CONNECTION_OK) return;
  PQreset(connection_);
  if (PQstatus(connection_) != CONNECTION_OK) {
    throw Error(StatusCode::kIo, "postgresql storage: lost the connection to '" + Redacted(url_) +
                                     "': " + PQerrorMessage(connection_));
  }
}

PostgresStorage::Result PostgresStorage::Query(const char* sql,
                                               const std::vector<std::string>& params,
                                               const std::vector<bool>& nulls) {
  Reconnect();
  std::vector<const char*> values;
  for (size_t idx = 0; idx < params.size(); ++idx) {
    const bool is_null = idx < nulls.size() && nulls[idx];
    values.push_back(is_null ? nullptr : params[idx].c_str());
  }
  PGresult* raw = PQexecParams(connection_, sql, static_cast<int>(values.size()), nullptr,
                               values.data(), nullptr, nullptr, 0);
  const ExecStatusType status = PQresultStatus(raw);
  Result result(raw);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    const char* message = raw != nullptr ? PQresultErrorMessage(raw) : PQerrorMessage(connection_);
    throw Error(StatusCode::kIo, std::string("postgresql storage: ") + message);
  }
  return result;
}

void PostgresStorage::CreateSchema() {
  // Workers may start together: an advisory lock serialises the CREATE statements.
  const char* statements[] = {
      "SELECT pg_advisory_lock(7226587)",
      "CREATE TABLE IF NOT EXISTS kolosal_studies(id BIGSERIAL PRIMARY KEY, name TEXT UNIQUE NOT "
      "NULL, direction TEXT NOT NULL, space TEXT NOT NULL, next_number BIGINT NOT NULL DEFAULT 0)",
      "CREATE TABLE IF NOT EXISTS kolosal_trials(study_id BIGINT NOT NULL, number BIGINT NOT NULL, "
      "state TEXT NOT NULL, value DOUBLE PRECISION, params TEXT NOT NULL DEFAULT '', "
      "datetime_start DOUBLE PRECISION, datetime_complete DOUBLE PRECISION, heartbeat DOUBLE "
      "PRECISION, PRIMARY KEY(study_id, number))",
      "CREATE TABLE IF NOT EXISTS kolosal_intermediate_values(study_id BIGINT NOT NULL, number "
      "BIGINT NOT NULL, step BIGINT NOT NULL, value DOUBLE PRECISION, PRIMARY KEY(study_id, "
      "number, step))",
      "SELECT pg_advisory_unlock(7226587)"};
  for (const char* sql : statements) {
    PGresult* result = PQexec(connection_, sql);
    const ExecStatusType status = PQresultStatus(result);
    PQclear(result);
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
      const std::string message = PQerrorMessage(connection_);
      PQclear(PQexec(connection_, "SELECT pg_advisory_unlock(7226587)"));
      throw Error(StatusCode::kIo, "postgresql storage: creating the schema: " + message);
    }
  }
}

int64_t PostgresStorage::CreateOrLoadStudy(std::string_view name, Direction direction,
                                           std::string_view space_json) {
  std::lock_guard lock(mutex_);
  Query(
      "INSERT INTO kolosal_studies(name, direction, space) VALUES ($1, $2, $3) "
      "ON CONFLICT (name) DO NOTHING",
      {std::string(name), std::string(DirectionName(direction)), std::string(space_json)});
  const Result study = Query("SELECT id, direction, space FROM kolosal_studies WHERE name = $1",
                             {std::string(name)});
  if (study.Rows() != 1) throw Error(StatusCode::kIo, "postgresql storage: study vanished");
  if (study.String(0, 1) != DirectionName(direction) || study.String(0, 2) != space_json) {
    throw Error(StatusCode::kFailedPrecondition,
                "study '" + std::string(name) + "' exists with another direction or search space");
  }
  return study.Int(0, 0);
}

int64_t PostgresStorage::CreateTrial(int64_t study_id, TrialState state,
                                     const ParamVector& params) {
  std::lock_guard lock(mutex_);
  const std::string sql =
      std::string(
          "WITH counter AS (UPDATE kolosal_studies SET next_number = next_number + 1 WHERE id = "
          "$1 RETURNING next_number - 1 AS number) INSERT INTO kolosal_trials(study_id, number, "
          "state, params, datetime_start, heartbeat) SELECT $1, number, $2, $3, ") +
      kNow + ", " + kNow + " FROM counter RETURNING number";
  const Result result = Query(sql.c_str(), {Text(study_id), std::string(TrialStateName(state)),
                                            detail::EncodeParams(params)});
  if (result.Rows() != 1) {
    throw Error(StatusCode::kNotFound, "postgresql storage: no study with id " + Text(study_id));
  }
  return result.Int(0, 0);
}

std::optional<FrozenTrial> PostgresStorage::PopWaitingTrial(int64_t study_id) {
  std::lock_guard lock(mutex_);
  const std::string sql =
      std::string("UPDATE kolosal_trials SET state = 'RUNNING', datetime_start = ") + kNow +
      ", heartbeat = " + kNow +
      " WHERE study_id = $1 AND number = (SELECT number FROM kolosal_trials WHERE study_id = $1 "
      "AND state = 'WAITING' ORDER BY number LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING number";
  const Result result = Query(sql.c_str(), {Text(study_id)});
  if (result.Rows() == 0) return std::nullopt;
  return ReadTrial(study_id, result.Int(0, 0));
}

void PostgresStorage::SetTrialParams(int64_t study_id, int64_t number, const ParamVector& params) {
  std::lock_guard lock(mutex_);
  Query("UPDATE kolosal_trials SET params = $3 WHERE study_id = $1 AND number = $2",
        {Text(study_id), Text(number), detail::EncodeParams(params)});
}

void PostgresStorage::ThrowNotRunning(int64_t study_id, int64_t number) {
  const Result state = Query("SELECT state FROM kolosal_trials WHERE study_id = $1 AND number = $2",
                             {Text(study_id), Text(number)});
  if (state.Rows() == 0) {
    throw Error(StatusCode::kNotFound, "postgresql storage: no trial " + Text(number));
  }
  throw Error(StatusCode::kFailedPrecondition,
              "trial " + Text(number) + " is " + state.String(0, 0) + ", not RUNNING");
}

void PostgresStorage::SetIntermediateValue(int64_t study_id, int64_t number, int64_t step,
                                           double value) {
  std::lock_guard lock(mutex_);
  const Result result = Query(
      "INSERT INTO kolosal_intermediate_values(study_id, number, step, value) SELECT $1, $2, $3, "
      "$4::double precision WHERE EXISTS (SELECT 1 FROM kolosal_trials WHERE study_id = $1 AND "
      "number = $2 AND state = 'RUNNING') ON CONFLICT (study_id, number, step) DO UPDATE SET "
      "value = EXCLUDED.value",
      {Text(study_id), Text(number), Text(step), Text(value)},
      {false, false, false, std::isnan(value)});
  if (result.AffectedRows() == 0) ThrowNotRunning(study_id, number);
}

void PostgresStorage::FinishTrial(int64_t study_id, int64_t number, TrialState state,
                                  double value) {
  std::lock_guard lock(mutex_);
  const std::string sql = std::string(
                              "UPDATE kolosal_trials SET state = $3, value = $4::double precision, "
                              "datetime_complete = ") +
                          kNow + " WHERE study_id = $1 AND number = $2 AND state = 'RUNNING'";
  const Result result = Query(
      sql.c_str(), {Text(study_id), Text(number), std::string(TrialStateName(state)), Text(value)},
      {false, false, false, std::isnan(value)});
  if (result.AffectedRows() == 0) ThrowNotRunning(study_id, number);
}

void PostgresStorage::RecordHeartbeat(int64_t study_id, int64_t number) {
  std::lock_guard lock(mutex_);
  const std::string sql = std::string("UPDATE kolosal_trials SET heartbeat = ") + kNow +
                          " WHERE study_id = $1 AND number = $2 AND state = 'RUNNING'";
  Query(sql.c_str(), {Text(study_id), Text(number)});
}

std::vector<int64_t> PostgresStorage::FailStaleTrials(int64_t study_id, double grace_seconds) {
  std::lock_guard lock(mutex_);
  const std::string sql = std::string(
                              "UPDATE kolosal_trials SET state = 'FAILED', "
                              "datetime_complete = ") +
                          kNow + " WHERE study_id = $1 AND state = 'RUNNING' AND heartbeat < " +
                          kNow + " - $2::double precision RETURNING number";
  const Result result = Query(sql.c_str(), {Text(study_id), Text(grace_seconds)});
  std::vector<int64_t> failed;
  for (int row = 0; row < result.Rows(); ++row) failed.push_back(result.Int(row, 0));
  return failed;
}

namespace {

FrozenTrial TrialFromRow(const auto& rows, int row, int first_column) {
  FrozenTrial trial;
  trial.state = detail::DecodeState(rows.String(row, first_column));
  trial.value = rows.Double(row, first_column + 1);
  trial.params = detail::DecodeParams(rows.String(row, first_column + 2));
  trial.datetime_start = rows.Double(row, first_column + 3);
  const double complete = rows.Double(row, first_column + 4);
  trial.datetime_complete = std::isnan(complete) ? 0.0 : complete;
  return trial;
}

}  // namespace

FrozenTrial PostgresStorage::ReadTrial(int64_t study_id, int64_t number) {
  const Result rows = Query(
      "SELECT state, value, params, datetime_start, datetime_complete FROM kolosal_trials "
      "WHERE study_id = $1 AND number = $2",
      {Text(study_id), Text(number)});
  if (rows.Rows() == 0) {
    throw Error(StatusCode::kNotFound, "postgresql storage: no trial " + Text(number));
  }
  FrozenTrial trial = TrialFromRow(rows, 0, 0);
  trial.number = number;
  const Result values = Query(
      "SELECT step, value FROM kolosal_intermediate_values WHERE study_id = $1 AND number = $2 "
      "ORDER BY step",
      {Text(study_id), Text(number)});
  for (int row = 0; row < values.Rows(); ++row) {
    trial.intermediate_values.emplace_back(values.Int(row, 0), values.Double(row, 1));
  }
  return trial;
}

FrozenTrial PostgresStorage::GetTrial(int64_t study_id, int64_t number) {
  std::lock_guard lock(mutex_);
  return ReadTrial(study_id, number);
}

std::vector<FrozenTrial> PostgresStorage::GetTrials(int64_t study_id) {
  std::lock_guard lock(mutex_);
  // One statement, so trials and their intermediate values come from the same snapshot.
  const Result rows = Query(
      "SELECT t.number, t.state, t.value, t.params, t.datetime_start, t.datetime_complete, "
      "(SELECT string_agg(i.step::text || ':' || COALESCE(i.value::text, 'NaN'), ',' ORDER BY "
      "i.step) FROM kolosal_intermediate_values i WHERE i.study_id = t.study_id AND i.number = "
      "t.number) FROM kolosal_trials t WHERE t.study_id = $1 ORDER BY t.number",
      {Text(study_id)});
  std::vector<FrozenTrial> trials;
  trials.reserve(static_cast<size_t>(rows.Rows()));
  for (int row = 0; row < rows.Rows(); ++row) {
    FrozenTrial trial = TrialFromRow(rows, row, 1);
    trial.number = rows.Int(row, 0);
    if (!rows.IsNull(row, 6)) {
      const std::string packed = rows.String(row, 6);
      for (size_t begin = 0; begin < packed.size();) {
        size_t end = packed.find(',', begin);
        if (end == std::string::npos) end = packed.size();
        const std::string entry = packed.substr(begin, end - begin);
        const size_t colon = entry.find(':');
        trial.intermediate_values.emplace_back(std::atoll(entry.substr(0, colon).c_str()),
                                               std::strtod(entry.c_str() + colon + 1, nullptr));
        begin = end + 1;
      }
    }
    trials.push_back(std::move(trial));
  }
  return trials;
}

}  // namespace kolosal::hpo
