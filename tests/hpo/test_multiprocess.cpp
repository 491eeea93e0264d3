// Several worker processes sharing one study through SQLite or PostgreSQL, and a worker killed
// with SIGKILL mid-study. The workers are this test binary run again with
// --gtest_filter=HpoWorkerProcess.Run and the study described in environment variables.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <map>
#include <set>
#include <thread>

#include "kolosal/hpo/storage_registry.hpp"
#include "kolosal/hpo/study.hpp"
#include "storage_test_util.hpp"

extern char** environ;

namespace kolosal::hpo {
namespace {

constexpr const char* kSpace = R"({"params":[{"name":"x","type":"float","low":-5,"high":5},
                                             {"name":"n","type":"int","low":0,"high":10}]})";

// A negative heartbeat leaves heartbeat_interval to the storage's default.
nlohmann::json WorkerConfig(const std::string& study_name, int64_t seed, double heartbeat) {
  nlohmann::json config = {
      {"study_name", study_name}, {"max_trials", 1000000}, {"random_state", seed}};
  if (heartbeat >= 0.0) config["heartbeat_interval"] = heartbeat;
  return config;
}

double Objective(const Trial& trial) {
  const double x = trial.GetFloat("x");
  return (x - 1.0) * (x - 1.0) + 0.1 * static_cast<double>(trial.GetInt("n"));
}

std::string Env(const char* name, const char* fallback = "") {
  const char* value = std::getenv(name);
  return value != nullptr ? value : fallback;
}

// The worker: runs KOLOSAL_HPO_WORKER_TRIALS trials of the shared study.
TEST(HpoWorkerProcess, Run) {
  const std::string url = Env("KOLOSAL_HPO_WORKER_URL");
  if (url.empty()) {
    GTEST_SKIP() << "helper process of the multi-process tests (set KOLOSAL_HPO_WORKER_URL)";
  }
  const int64_t trials = std::atoll(Env("KOLOSAL_HPO_WORKER_TRIALS", "10").c_str());
  const int64_t sleep_ms = std::atoll(Env("KOLOSAL_HPO_WORKER_SLEEP_MS", "0").c_str());
  const double heartbeat = std::atof(Env("KOLOSAL_HPO_WORKER_HEARTBEAT", "-1").c_str());
  Study study(SearchSpace::Parse(kSpace),
              ParseStudyOptions(WorkerConfig(Env("KOLOSAL_HPO_WORKER_STUDY"), getpid(), heartbeat)),
              OpenStorage(url));
  OptimizeControl control;
  control.n_trials = trials;
  study.Optimize(
      [&](const Trial& trial) {
        std::this_thread::sleep_for(std::chrono::milliseconds(sleep_ms));
        return Objective(trial);
      },
      control);
}

pid_t SpawnWorker(const std::string& url, const std::string& study, int trials, int sleep_ms,
                  double heartbeat) {
  std::vector<std::string> env_strings;
  for (char** entry = environ; *entry != nullptr; ++entry) env_strings.emplace_back(*entry);
  env_strings.push_back("KOLOSAL_HPO_WORKER_URL=" + url);
  env_strings.push_back("KOLOSAL_HPO_WORKER_STUDY=" + study);
  env_strings.push_back("KOLOSAL_HPO_WORKER_TRIALS=" + std::to_string(trials));
  env_strings.push_back("KOLOSAL_HPO_WORKER_SLEEP_MS=" + std::to_string(sleep_ms));
  env_strings.push_back("KOLOSAL_HPO_WORKER_HEARTBEAT=" + std::to_string(heartbeat));
  std::vector<char*> envp;
  for (std::string& entry : env_strings) envp.push_back(entry.data());
  envp.push_back(nullptr);
  std::string exe = "/proc/self/exe";
  std::string filter = "--gtest_filter=HpoWorkerProcess.Run";
  char* argv[] = {exe.data(), filter.data(), nullptr};
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  const int error = posix_spawn(&pid, exe.c_str(), &actions, nullptr, argv, envp.data());
  posix_spawn_file_actions_destroy(&actions);
  EXPECT_EQ(error, 0) << "posix_spawn failed";
  return pid;
}

int WaitFor(pid_t pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  return status;
}

std::vector<FrozenTrial> StudyTrials(const std::string& url, const std::string& study) {
  Study reader(SearchSpace::Parse(kSpace), ParseStudyOptions(WorkerConfig(study, 0, 0.0)),
               OpenStorage(url));
  return reader.Trials();
}

void RunFourWorkers(const std::string& url) {
  const std::string study = testing::UniqueStudyName("four_workers");
  // Create the study first so every worker loads the same one.
  StudyTrials(url, study);
  std::vector<pid_t> workers;
  // The workers heartbeat at the storage's default interval.
  for (int idx = 0; idx < 4; ++idx) workers.push_back(SpawnWorker(url, study, 25, 0, -1.0));
  for (pid_t pid : workers) {
    const int status = WaitFor(pid);
    ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "worker failed: " << status;
  }
  const std::vector<FrozenTrial> trials = StudyTrials(url, study);
  std::set<int64_t> numbers;
  double minimum = std::numeric_limits<double>::infinity();
  int complete = 0;
  for (const FrozenTrial& trial : trials) {
    numbers.insert(trial.number);
    complete += trial.state == TrialState::kComplete;
    minimum = std::min(minimum, trial.value);
  }
  EXPECT_EQ(trials.size(), 100u);
  EXPECT_EQ(complete, 100);
  EXPECT_EQ(numbers.size(), 100u);
  Study reader(SearchSpace::Parse(kSpace), ParseStudyOptions(WorkerConfig(study, 0, 0.0)),
               OpenStorage(url));
  ASSERT_TRUE(reader.BestTrial().has_value());
  EXPECT_EQ(reader.BestTrial()->value, minimum);
  EXPECT_EQ(reader.HistoryJson()["best_value"], minimum);
}

TEST(MultiProcess, FourSqliteWorkersShareOneStudy) {
  testing::TempSqliteFile file;
  RunFourWorkers(file.url());
}

TEST(MultiProcess, FourPostgresWorkersShareOneStudy) {
  KOLOSAL_REQUIRE_POSTGRES(url);
  RunFourWorkers(url);
}

int CountComplete(const std::vector<FrozenTrial>& trials) {
  return static_cast<int>(std::count_if(trials.begin(), trials.end(), [](const FrozenTrial& trial) {
    return trial.state == TrialState::kComplete;
  }));
}

void KillAndResume(const std::string& url) {
  constexpr double kHeartbeat = 0.5;
  const std::string study = testing::UniqueStudyName("killed");
  StudyTrials(url, study);
  const pid_t worker = SpawnWorker(url, study, 100000, 30, kHeartbeat);
  for (int poll = 0; poll < 1200 && CountComplete(StudyTrials(url, study)) < 5; ++poll) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_EQ(kill(worker, SIGKILL), 0);
  const int status = WaitFor(worker);
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);

  // Past the grace period (twice the heartbeat) the killed worker's trial is stale. The study
  // is read after it: a PostgreSQL server still commits a statement the worker sent before it
  // died (seen: a sixth trial completed after the kill).
  std::this_thread::sleep_for(std::chrono::duration<double>(2.5 * kHeartbeat));
  std::map<int64_t, double> finished;
  int64_t last_number = -1;
  for (const FrozenTrial& trial : StudyTrials(url, study)) {
    last_number = std::max(last_number, trial.number);
    if (trial.state == TrialState::kComplete) finished[trial.number] = trial.value;
  }
  ASSERT_GE(finished.size(), 5u);
  Study resumed(SearchSpace::Parse(kSpace), ParseStudyOptions(WorkerConfig(study, 1, kHeartbeat)),
                OpenStorage(url));
  OptimizeControl control;
  control.n_trials = 5;
  resumed.Optimize(Objective, control);

  const std::vector<FrozenTrial> after = resumed.Trials();
  std::set<int64_t> numbers;
  for (const FrozenTrial& trial : after) {
    EXPECT_TRUE(numbers.insert(trial.number).second) << "number used twice: " << trial.number;
    EXPECT_NE(trial.state, TrialState::kRunning) << "trial " << trial.number << " left running";
    const auto kept = finished.find(trial.number);
    if (kept != finished.end()) {
      EXPECT_EQ(trial.state, TrialState::kComplete);
      EXPECT_EQ(trial.value, kept->second);
    }
  }
  EXPECT_EQ(CountComplete(after), static_cast<int>(finished.size()) + 5);
  EXPECT_EQ(after.size(), static_cast<size_t>(last_number + 1 + 5));
}

TEST(MultiProcess, SqliteStudyResumesAfterSigkill) {
  testing::TempSqliteFile file;
  KillAndResume(file.url());
}

TEST(MultiProcess, PostgresStudyResumesAfterSigkill) {
  KOLOSAL_REQUIRE_POSTGRES(url);
  KillAndResume(url);
}

// Asks from `worker` once a dead worker's trial 0 is stale, with retry_failed_trials: trial 0
// is FAILED, a live worker's trial 1 is still RUNNING, and the new trial asks trial 0's
// parameters again. Returns the new trial.
Trial ExpectDeadTrialRetried(Study& worker, const ParamVector& dead_params) {
  Trial retry = worker.Ask();
  const std::vector<FrozenTrial> trials = worker.Trials();
  EXPECT_EQ(trials[0].state, TrialState::kFailed);
  EXPECT_EQ(trials[1].state, TrialState::kRunning) << "a live worker's trial was failed";
  EXPECT_EQ(retry.values(), dead_params);
  return retry;
}

TEST(Heartbeat, DeadWorkersTrialsFailAndCanBeRetried) {
  testing::TempSqliteFile file;
  const std::string study = testing::UniqueStudyName("heartbeat");
  // A 1 s heartbeat (2 s grace) leaves a loaded machine room to keep the live trial fresh.
  nlohmann::json config = WorkerConfig(study, 1, 1.0);
  config["retry_failed_trials"] = true;
  ParamVector dead_params;
  {
    Study dead(SearchSpace::Parse(kSpace), ParseStudyOptions(config), OpenStorage(file.url()));
    dead_params = dead.Ask().values();
  }  // the "worker" dies: its heartbeat stops with the trial still running
  Study alive(SearchSpace::Parse(kSpace), ParseStudyOptions(config), OpenStorage(file.url()));
  const Trial living = alive.Ask();
  std::this_thread::sleep_for(std::chrono::milliseconds(2600));
  Study other(SearchSpace::Parse(kSpace), ParseStudyOptions(config), OpenStorage(file.url()));
  ExpectDeadTrialRetried(other, dead_params);
  alive.Tell(living.number(), 1.0);
}

// Moves a trial's heartbeat `seconds` into the past, as if its worker had died that long ago,
// so the default grace of 120 s can be tested without waiting for it.
void AgeHeartbeat(const std::string& url, int64_t study_id, int64_t number, double seconds) {
  const std::string sql =
      "UPDATE kolosal_trials SET heartbeat = heartbeat - " + std::to_string(seconds) +
      " WHERE study_id = " + std::to_string(study_id) + " AND number = " + std::to_string(number);
  const std::string sqlite_scheme = "sqlite://";
  if (url.starts_with(sqlite_scheme)) {
    EXPECT_EQ(testing::ExecuteSqlite(url.substr(sqlite_scheme.size()), sql), 1);
    return;
  }
  PGconn* connection = PQconnectdb(url.c_str());
  ASSERT_EQ(PQstatus(connection), CONNECTION_OK) << PQerrorMessage(connection);
  PGresult* result = PQexec(connection, sql.c_str());
  EXPECT_EQ(PQresultStatus(result), PGRES_COMMAND_OK) << PQerrorMessage(connection);
  EXPECT_STREQ(PQcmdTuples(result), "1");
  PQclear(result);
  PQfinish(connection);
}

Study OpenStudy(const std::string& url, const nlohmann::json& config) {
  return Study(SearchSpace::Parse(kSpace), ParseStudyOptions(config), OpenStorage(url));
}

// With no heartbeat_interval in the config, storages that outlive their workers heartbeat
// every 60 s; memory does not (its trials die with the process); 0 still turns it off.
void ExpectDefaultHeartbeat(const std::string& url) {
  const std::string name = testing::UniqueStudyName("default_heartbeat");
  EXPECT_EQ(OpenStudy(url, {{"study_name", name}}).options().heartbeat_interval, 60.0);
  EXPECT_EQ(kPersistentHeartbeatInterval, 60.0);
  EXPECT_EQ(OpenStudy(url, {{"study_name", name}, {"heartbeat_interval", 0}})
                .options()
                .heartbeat_interval,
            0.0);
  EXPECT_EQ(OpenStudy(url, {{"study_name", name}, {"heartbeat_interval", 5}})
                .options()
                .heartbeat_interval,
            5.0);
}

// A worker dies mid-trial with the default heartbeat: once the heartbeat is older than the
// grace (2 x 60 s) the next ask fails the trial and, with retry_failed_trials, asks its
// parameters again; a live worker's trial stays running. With heartbeat_interval 0 the dead
// trial is left alone, as asked.
void ExpectDefaultHeartbeatFailsDeadTrials(const std::string& url) {
  const std::string name = testing::UniqueStudyName("dead_worker");
  const nlohmann::json config = {{"study_name", name}, {"retry_failed_trials", true}};
  ParamVector dead_params;
  int64_t study_id = 0;
  {
    Study dead = OpenStudy(url, config);
    study_id = dead.study_id();
    dead_params = dead.Ask().values();
  }  // the worker dies: its heartbeat stops with trial 0 running
  Study alive = OpenStudy(url, config);
  const Trial living = alive.Ask();
  AgeHeartbeat(url, study_id, 0, 2.0 * kPersistentHeartbeatInterval - 10.0);
  EXPECT_EQ(OpenStudy(url, config).CheckStop(), StopReason::kNone);
  EXPECT_EQ(alive.Trials()[0].state, TrialState::kRunning) << "failed within the grace";
  AgeHeartbeat(url, study_id, 0, 20.0);  // now 130 s old

  nlohmann::json disabled = config;
  disabled["heartbeat_interval"] = 0;
  EXPECT_EQ(OpenStudy(url, disabled).CheckStop(), StopReason::kNone);
  EXPECT_EQ(alive.Trials()[0].state, TrialState::kRunning) << "heartbeat_interval 0 failed it";

  Study other = OpenStudy(url, config);
  const Trial retry = ExpectDeadTrialRetried(other, dead_params);
  alive.Tell(living.number(), 1.0);
  other.Tell(retry.number(), 2.0);
}

TEST(Heartbeat, PersistentStoragesDefaultToSixtySeconds) {
  testing::TempSqliteFile file;
  ExpectDefaultHeartbeat(file.url());
  Study in_memory(SearchSpace::Parse(kSpace), ParseStudyOptions(nlohmann::json::object()),
                  OpenStorage("memory"));
  EXPECT_EQ(in_memory.options().heartbeat_interval, 0.0);
}

TEST(Heartbeat, PostgresDefaultsToSixtySeconds) {
  KOLOSAL_REQUIRE_POSTGRES(url);
  ExpectDefaultHeartbeat(url);
}

TEST(Heartbeat, DefaultHeartbeatFailsADeadWorkersTrialOnSqlite) {
  testing::TempSqliteFile file;
  ExpectDefaultHeartbeatFailsDeadTrials(file.url());
}

TEST(Heartbeat, DefaultHeartbeatFailsADeadWorkersTrialOnPostgres) {
  KOLOSAL_REQUIRE_POSTGRES(url);
  ExpectDefaultHeartbeatFailsDeadTrials(url);
}

}  // namespace
}  // namespace kolosal::hpo
