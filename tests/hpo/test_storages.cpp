// The same behaviour checked on every storage: memory, SQLite and (when configured) PostgreSQL.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <set>
#include <thread>
#include <vector>

#include "kolosal/core/error.hpp"
#include "kolosal/hpo/storage_registry.hpp"
#include "storage_test_util.hpp"

namespace kolosal::hpo {
namespace {

class StorageTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "memory") {
      url_ = "memory";
    } else if (GetParam() == "sqlite") {
      url_ = file_.url();
    } else {
      KOLOSAL_REQUIRE_POSTGRES(postgres_url);
      url_ = postgres_url;
    }
    storage_ = OpenStorage(url_);
    study_ = storage_->CreateOrLoadStudy(testing::UniqueStudyName("conformance"),
                                         Direction::kMinimize, R"({"params":[]})");
  }

  testing::TempSqliteFile file_;
  std::string url_;
  std::unique_ptr<Storage> storage_;
  int64_t study_ = 0;
};

TEST_P(StorageTest, StudiesLoadByNameAndCheckTheirSpace) {
  const std::string name = testing::UniqueStudyName("named");
  const int64_t id = storage_->CreateOrLoadStudy(name, Direction::kMinimize, "{\"a\":1}");
  EXPECT_EQ(storage_->CreateOrLoadStudy(name, Direction::kMinimize, "{\"a\":1}"), id);
  try {
    storage_->CreateOrLoadStudy(name, Direction::kMinimize, "{\"a\":2}");
    FAIL() << "expected an error";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), StatusCode::kFailedPrecondition);
  }
  EXPECT_THROW(storage_->CreateOrLoadStudy(name, Direction::kMaximize, "{\"a\":1}"), Error);
}

TEST_P(StorageTest, TrialLifeCycle) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  EXPECT_EQ(storage_->CreateTrial(study_, TrialState::kRunning, {}), 0);
  EXPECT_EQ(storage_->CreateTrial(study_, TrialState::kRunning, {1.5, nan}), 1);
  storage_->SetTrialParams(study_, 0, {0.25, 2.0});
  storage_->SetIntermediateValue(study_, 0, 3, 9.0);
  storage_->SetIntermediateValue(study_, 0, 1, 7.0);
  storage_->SetIntermediateValue(study_, 0, 3, 8.0);  // overwrites
  storage_->SetIntermediateValue(study_, 0, 5, nan);
  storage_->FinishTrial(study_, 0, TrialState::kComplete, 0.125);
  storage_->FinishTrial(study_, 1, TrialState::kComplete, -std::numeric_limits<double>::infinity());
  try {
    storage_->FinishTrial(study_, 0, TrialState::kComplete, 1.0);
    FAIL() << "expected an error";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), StatusCode::kFailedPrecondition);
  }
  EXPECT_THROW(storage_->SetIntermediateValue(study_, 0, 9, 1.0), Error);
  EXPECT_THROW(storage_->GetTrial(study_, 7), Error);

  const std::vector<FrozenTrial> trials = storage_->GetTrials(study_);
  ASSERT_EQ(trials.size(), 2u);
  EXPECT_EQ(trials[0].state, TrialState::kComplete);
  EXPECT_EQ(trials[0].value, 0.125);
  EXPECT_EQ(trials[0].params, (ParamVector{0.25, 2.0}));
  ASSERT_EQ(trials[0].intermediate_values.size(), 3u);
  EXPECT_EQ(trials[0].intermediate_values[0], (std::pair<int64_t, double>{1, 7.0}));
  EXPECT_EQ(trials[0].intermediate_values[1], (std::pair<int64_t, double>{3, 8.0}));
  EXPECT_TRUE(std::isnan(trials[0].intermediate_values[2].second));
  EXPECT_TRUE(std::isnan(trials[1].params[1]));
  EXPECT_EQ(trials[1].value, -std::numeric_limits<double>::infinity());
  EXPECT_GT(trials[0].datetime_complete, 0.0);
  const FrozenTrial single = storage_->GetTrial(study_, 0);
  ASSERT_EQ(single.intermediate_values.size(), 3u);
  EXPECT_EQ(single.intermediate_values[1], trials[0].intermediate_values[1]);
  EXPECT_EQ(single.params, trials[0].params);
}

TEST_P(StorageTest, WaitingTrialsArePoppedOnceInOrder) {
  storage_->CreateTrial(study_, TrialState::kWaiting, {1.0});
  storage_->CreateTrial(study_, TrialState::kWaiting, {2.0});
  const std::optional<FrozenTrial> first = storage_->PopWaitingTrial(study_);
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->number, 0);
  EXPECT_EQ(first->state, TrialState::kRunning);
  EXPECT_EQ(first->params, ParamVector{1.0});
  EXPECT_EQ(storage_->PopWaitingTrial(study_)->number, 1);
  EXPECT_FALSE(storage_->PopWaitingTrial(study_).has_value());
}

TEST_P(StorageTest, StaleRunningTrialsFail) {
  storage_->CreateTrial(study_, TrialState::kRunning, {1.0});
  storage_->CreateTrial(study_, TrialState::kRunning, {2.0});
  storage_->FinishTrial(study_, 1, TrialState::kComplete, 1.0);
  EXPECT_TRUE(storage_->FailStaleTrials(study_, 3600.0).empty());
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_EQ(storage_->FailStaleTrials(study_, 0.0), std::vector<int64_t>{0});
  EXPECT_EQ(storage_->GetTrial(study_, 0).state, TrialState::kFailed);
  EXPECT_EQ(storage_->GetTrial(study_, 1).state, TrialState::kComplete);
}

TEST_P(StorageTest, ConcurrentCreatesGetDistinctNumbers) {
  std::vector<std::thread> threads;
  std::vector<std::vector<int64_t>> numbers(4);
  for (int thread = 0; thread < 4; ++thread) {
    threads.emplace_back([&, thread] {
      for (int idx = 0; idx < 25; ++idx) {
        numbers[thread].push_back(storage_->CreateTrial(study_, TrialState::kRunning, {}));
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  std::set<int64_t> all;
  for (const auto& list : numbers) all.insert(list.begin(), list.end());
  EXPECT_EQ(all.size(), 100u);
  EXPECT_EQ(*all.rbegin(), 99);
}

INSTANTIATE_TEST_SUITE_P(AllStorages, StorageTest,
                         ::testing::Values("memory", "sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace kolosal::hpo
