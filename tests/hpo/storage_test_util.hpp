#pragma once

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>

namespace kolosal::hpo::testing {

/// The PostgreSQL URL of the test server, or "" (scripts/postgres-test.sh setup prints it).
inline std::string PostgresUrl() {
  const char* url = std::getenv("KOLOSAL_TEST_POSTGRES_URL");
  return url != nullptr ? url : "";
}

/// A study name no other test run uses, so tests can share one database.
inline std::string UniqueStudyName(const std::string& prefix) {
  static std::atomic<int> counter{0};
  const auto now = std::chrono::system_clock::now().time_since_epoch().count();
  return prefix + "_" + std::to_string(getpid()) + "_" + std::to_string(now) + "_" +
         std::to_string(counter++);
}

/// A fresh SQLite file in the temp folder; removed with its WAL files on destruction.
class TempSqliteFile {
 public:
  TempSqliteFile()
      : path_((std::filesystem::temp_directory_path() / (UniqueStudyName("kolosal_hpo") + ".db"))
                  .string()) {}
  ~TempSqliteFile() {
    std::error_code ignored;
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
      std::filesystem::remove(path_ + suffix, ignored);
    }
  }
  TempSqliteFile(const TempSqliteFile&) = delete;
  TempSqliteFile& operator=(const TempSqliteFile&) = delete;

  const std::string& path() const { return path_; }
  std::string url() const { return "sqlite:///" + path_; }

 private:
  std::string path_;
};

/// Runs `sql` on the SQLite file at `path`, as another program sharing the study would (waiting
/// up to 10 s for other writers); returns how many rows it changed, or -1 when it cannot open.
inline int ExecuteSqlite(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) {
    ADD_FAILURE() << "cannot open " << path << ": " << sqlite3_errmsg(db);
    sqlite3_close(db);
    return -1;
  }
  sqlite3_busy_timeout(db, 10000);
  char* message = nullptr;
  EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message), SQLITE_OK)
      << (message != nullptr ? message : "") << " in " << sql;
  sqlite3_free(message);
  const int changed = sqlite3_changes(db);
  sqlite3_close(db);
  return changed;
}

/// True when KOLOSAL_REQUIRE_POSTGRES=1: a missing KOLOSAL_TEST_POSTGRES_URL then fails the
/// PostgreSQL tests instead of skipping them (scripts/test.sh sets it where a server must run).
inline bool PostgresRequired() {
  const char* required = std::getenv("KOLOSAL_REQUIRE_POSTGRES");
  return required != nullptr && std::string(required) == "1";
}

}  // namespace kolosal::hpo::testing

/// Skips the test with a clear message when no PostgreSQL server is configured, or fails it
/// when KOLOSAL_REQUIRE_POSTGRES=1.
#define KOLOSAL_REQUIRE_POSTGRES(var)                                                         \
  const std::string var = ::kolosal::hpo::testing::PostgresUrl();                             \
  if (var.empty()) {                                                                          \
    if (::kolosal::hpo::testing::PostgresRequired()) {                                        \
      GTEST_FAIL() << "KOLOSAL_REQUIRE_POSTGRES=1 but KOLOSAL_TEST_POSTGRES_URL is not set; " \
                      "start a server with `eval \"$(scripts/postgres-test.sh start)\"`";     \
    }                                                                                         \
    GTEST_SKIP() << "KOLOSAL_TEST_POSTGRES_URL is not set; start a server with "              \
                    "`eval \"$(scripts/postgres-test.sh start)\"`";                           \
  }
