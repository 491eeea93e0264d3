#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <set>
#include <thread>

#include "kolosal/core/error.hpp"
#include "kolosal/hpo/in_memory_storage.hpp"
#include "kolosal/hpo/storage_registry.hpp"
#include "kolosal/hpo/study.hpp"

namespace kolosal::hpo {
namespace {

constexpr const char* kSpace = R"({"params":[{"name":"x","type":"float","low":-5,"high":5},
                                             {"name":"k","type":"categorical","choices":["a","b"]}]})";

double Quadratic(const Trial& trial) {
  const double x = trial.GetFloat("x");
  return x * x + (trial.GetCategorical("k") == "a" ? 0.0 : 1.0);
}

StatusCode CodeOf(const std::function<void()>& action) {
  try {
    action();
  } catch (const Error& error) {
    return error.code();
  }
  return StatusCode::kOk;
}

TEST(Study, AskTellAndTypedGetters) {
  auto study = Study::Create(kSpace, R"({"max_trials":5})");
  const Trial trial = study->Ask();
  EXPECT_TRUE(trial.HasParam("x"));
  EXPECT_FALSE(trial.HasParam("y"));
  EXPECT_EQ(CodeOf([&] { trial.GetInt("x"); }), StatusCode::kInvalidArgument);
  EXPECT_EQ(CodeOf([&] { trial.GetFloat("k"); }), StatusCode::kInvalidArgument);
  EXPECT_EQ(CodeOf([&] { trial.GetFloat("y"); }), StatusCode::kNotFound);
  study->Tell(trial.number(), 3.0);
  ASSERT_TRUE(study->BestTrial().has_value());
  EXPECT_EQ(study->BestTrial()->value, 3.0);
}

TEST(Study, TellingAFinishedTrialIsAnError) {
  auto study = Study::Create(kSpace, "");
  const Trial trial = study->Ask();
  study->Tell(trial.number(), 1.0);
  EXPECT_EQ(CodeOf([&] { study->Tell(trial.number(), 2.0); }), StatusCode::kFailedPrecondition);
  EXPECT_EQ(CodeOf([&] { study->TellPruned(trial.number()); }), StatusCode::kFailedPrecondition);
  EXPECT_EQ(CodeOf([&] { study->Report(trial.number(), 1, 1.0); }),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(CodeOf([&] { study->Tell(99, 2.0); }), StatusCode::kNotFound);
}

TEST(Study, NanValueFailsTheTrial) {
  auto study = Study::Create(kSpace, "");
  const Trial trial = study->Ask();
  study->Tell(trial.number(), std::nan(""));
  EXPECT_EQ(study->Trials()[0].state, TrialState::kFailed);
  EXPECT_FALSE(study->BestTrial().has_value());
}

TEST(Study, BadStorageUrlsAreErrors) {
  EXPECT_EQ(CodeOf([] { OpenStorage("sqlite:///no/such/folder/study.db"); }), StatusCode::kIo);
  EXPECT_EQ(CodeOf([] { OpenStorage("postgresql://nobody@127.0.0.1:1/none"); }), StatusCode::kIo);
  try {
    OpenStorage("sqlit:///tmp/x.db");
    FAIL() << "expected an error";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), StatusCode::kInvalidArgument);
    EXPECT_NE(std::string(error.what()).find("did you mean 'sqlite'"), std::string::npos);
  }
  EXPECT_EQ(CodeOf([] { OpenStorage("/tmp/x.db"); }), StatusCode::kInvalidArgument);
}

TEST(Study, OptimizeStopsAtMaxTrials) {
  auto study = Study::Create(kSpace, R"({"max_trials":30})");
  EXPECT_EQ(study->Optimize(Quadratic), StopReason::kMaxTrials);
  EXPECT_EQ(study->Trials().size(), 30u);
  EXPECT_LT(study->BestTrial()->value, 1.0);
}

TEST(Study, ParallelTrialsUseDistinctNumbersAndRespectTheBudget) {
  auto study = Study::Create(kSpace, R"({"max_trials":40,"n_jobs":3})");
  std::atomic<int> calls{0};
  study->Optimize([&](const Trial& trial) {
    ++calls;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
    return Quadratic(trial);
  });
  EXPECT_EQ(calls.load(), 40);
  std::set<int64_t> numbers;
  for (const FrozenTrial& trial : study->Trials()) {
    numbers.insert(trial.number);
    EXPECT_EQ(trial.state, TrialState::kComplete);
  }
  EXPECT_EQ(numbers.size(), 40u);
}

TEST(Study, ConvergenceEndsTheStudy) {
  auto study = Study::Create(kSpace, R"({"max_trials":100,"early_stopping_patience":5})");
  EXPECT_EQ(study->Optimize([](const Trial&) { return 1.0; }), StopReason::kConverged);
  EXPECT_EQ(study->Trials().size(), 6u);
}

// Every trial improves, but by 1e-6 (and 5e-6 over the five trials of the patience), well
// under the tolerance of 1e-4 * |best| = 1e-3: the study still converges after five trials.
TEST(Study, ImprovementsBelowTheToleranceStillConverge) {
  auto study = Study::Create(
      kSpace, R"({"max_trials":100,"early_stopping_patience":5,"convergence_tolerance":1e-4})");
  EXPECT_EQ(study->Optimize([](const Trial& trial) {
    return 10.0 - 1e-6 * static_cast<double>(trial.number());
  }),
            StopReason::kConverged);
  EXPECT_EQ(study->Trials().size(), 6u);
}

// Improvements larger than the tolerance keep the study running to max_trials, in either
// direction; so does a creep of gains each below the tolerance that add up to more than it.
TEST(Study, ImprovementsAboveTheToleranceKeepTheStudyRunning) {
  auto falling = Study::Create(kSpace, R"({"max_trials":30,"early_stopping_patience":3})");
  EXPECT_EQ(falling->Optimize(
                [](const Trial& trial) { return 100.0 - static_cast<double>(trial.number()); }),
            StopReason::kMaxTrials);
  EXPECT_EQ(falling->Trials().size(), 30u);

  auto rising =
      Study::Create(kSpace, R"({"max_trials":30,"early_stopping_patience":3,"direction":"maximize",
                  "convergence_tolerance":0.01})");
  EXPECT_EQ(rising->Optimize(
                [](const Trial& trial) { return 0.02 * static_cast<double>(trial.number()); }),
            StopReason::kMaxTrials);

  // 0.6 x the tolerance per trial: every second trial has gained 1.2 x the tolerance.
  auto creeping = Study::Create(
      kSpace, R"({"max_trials":30,"early_stopping_patience":3,"convergence_tolerance":0.01})");
  EXPECT_EQ(creeping->Optimize(
                [](const Trial& trial) { return -0.006 * static_cast<double>(trial.number()); }),
            StopReason::kMaxTrials);
  EXPECT_EQ(creeping->Trials().size(), 30u);
}

TEST(Study, TimeoutEndsTheStudy) {
  auto study = Study::Create(kSpace, R"({"max_trials":100000,"optimization_timeout":0.2})");
  const StopReason reason = study->Optimize([](const Trial& trial) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    return Quadratic(trial);
  });
  EXPECT_EQ(reason, StopReason::kTimeout);
  EXPECT_LT(study->Trials().size(), 100000u);
}

TEST(Study, CancellationFromTheProgressCallbackAndTheToken) {
  auto study = Study::Create(kSpace, R"({"max_trials":100})");
  OptimizeControl control;
  control.on_trial_finished = [](const FrozenTrial& trial) { return trial.number < 2; };
  EXPECT_EQ(study->Optimize(Quadratic, control), StopReason::kCancelled);
  EXPECT_EQ(study->Trials().size(), 3u);

  auto other = Study::Create(kSpace, R"({"max_trials":100})");
  OptimizeControl token_control;
  token_control.cancellation = std::make_shared<CancellationToken>();
  EXPECT_EQ(other->Optimize(
                [&](const Trial& trial) {
                  if (trial.number() == 4) token_control.cancellation->Cancel();
                  return Quadratic(trial);
                },
                token_control),
            StopReason::kCancelled);
  EXPECT_EQ(other->Trials().size(), 5u);
}

TEST(Study, ObjectiveExceptionsFailTheTrialAndTheStudyGoesOn) {
  auto study = Study::Create(kSpace, R"({"max_trials":6,"n_jobs":2})");
  OptimizeControl control;
  std::vector<std::string> messages;
  const std::thread::id caller = std::this_thread::get_id();
  control.log = [&](LogLevel, std::string_view message) {
    EXPECT_EQ(std::this_thread::get_id(), caller);
    messages.emplace_back(message);
  };
  study->Optimize(
      [](const Trial& trial) -> double {
        if (trial.number() % 2 == 0) throw std::runtime_error("boom");
        if (trial.number() == 5) throw 42;
        return Quadratic(trial);
      },
      control);
  EXPECT_EQ(messages.size(), 4u);
  int failed = 0;
  for (const FrozenTrial& trial : study->Trials()) failed += trial.state == TrialState::kFailed;
  EXPECT_EQ(failed, 4);
}

TEST(Study, EnqueuedParametersComeFirstAndWarmStartAddsHistory) {
  auto first = Study::Create(kSpace, R"({"max_trials":8})");
  first->Optimize(Quadratic);
  const nlohmann::json history = first->HistoryJson();

  auto second = Study::Create(kSpace, R"({"max_trials":20})");
  EXPECT_EQ(second->WarmStart(history), 8);
  second->Enqueue({{"x", 0.25}, {"k", "b"}});
  const Trial trial = second->Ask();
  EXPECT_EQ(trial.GetFloat("x"), 0.25);
  EXPECT_EQ(trial.GetCategorical("k"), "b");
  EXPECT_EQ(trial.number(), 8);  // numbered when enqueued, after the 8 warm-start trials
  EXPECT_EQ(second->BestTrial()->value, first->BestTrial()->value);
  EXPECT_THROW(second->Enqueue({{"x", 99.0}}), Error);

  // Through the config, applied once when the study is new.
  nlohmann::json config = {{"max_trials", 3},
                           {"warm_start", history},
                           {"enqueue_trials", nlohmann::json::array({{{"x", 1.5}, {"k", "a"}}})}};
  auto third = Study::Create(kSpace, config.dump());
  EXPECT_EQ(third->Trials().size(), 9u);
  EXPECT_EQ(third->Ask().GetFloat("x"), 1.5);
}

TEST(Study, ReportedStepsLieWithinZeroToTwoToThe53) {
  auto study = Study::Create(kSpace, "");
  const Trial trial = study->Ask();
  EXPECT_EQ(CodeOf([&] { trial.Report(-1, 1.0); }), StatusCode::kInvalidArgument);
  EXPECT_EQ(CodeOf([&] { trial.Report(kMaxStep + 1, 1.0); }), StatusCode::kInvalidArgument);
  EXPECT_EQ(CodeOf([&] { trial.Report(kMaxStep, 1.0); }), StatusCode::kOk);
}

TEST(Study, WarmStartNeedsAListOfTrials) {
  auto study = Study::Create(kSpace, "");
  EXPECT_EQ(CodeOf([&] {
              study->WarmStart({{"history", nlohmann::json::array()}});
            }),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(CodeOf([&] { study->WarmStart({{"trials", 3}}); }), StatusCode::kInvalidArgument);
  EXPECT_EQ(CodeOf([&] { study->WarmStart(42); }), StatusCode::kInvalidArgument);
  // Entries that are not usable trials are skipped, not errors.
  const nlohmann::json mixed =
      nlohmann::json::array({1,
                             "x",
                             {{"params", {{"x", 0.5}, {"k", "a"}}}, {"value", "bad"}},
                             {{"params", {{"x", 9.0}, {"k", "a"}}}, {"value", 1.0}},
                             {{"params", {{"x", 0.5}, {"k", "a"}}}, {"value", 2.0}}});
  EXPECT_EQ(study->WarmStart(mixed), 1);
}

TEST(Study, HistoryJsonHasBestAndEveryTrial) {
  auto study = Study::Create(kSpace, R"({"max_trials":4,"direction":"maximize"})");
  study->Optimize([](const Trial& trial) {
    trial.Report(0, 0.5);
    trial.Report(1, 0.75);
    return Quadratic(trial);
  });
  const nlohmann::json history = study->HistoryJson();
  EXPECT_EQ(history["direction"], "maximize");
  EXPECT_EQ(history["trials"].size(), 4u);
  double best = -1e300;
  for (const nlohmann::json& trial : history["trials"]) {
    best = std::max(best, trial["value"].get<double>());
    EXPECT_EQ(trial["intermediate_values"]["1"], 0.75);
    EXPECT_GE(trial["duration"].get<double>(), 0.0);
    EXPECT_TRUE(trial["params"].contains("x"));
  }
  EXPECT_EQ(history["best_value"], best);
  EXPECT_TRUE(history["best_params"].contains("k"));
}

// best_trial, best_value and best_params name one trial, the best, in the history and the API.
TEST(Study, BestTrialIsTheTrialWithTheBestValue) {
  for (const char* direction : {"minimize", "maximize"}) {
    SCOPED_TRACE(direction);
    const nlohmann::json config = {{"max_trials", 12}, {"direction", direction}};
    auto study = Study::Create(kSpace, config.dump());
    // Distinct values whose best is neither the first nor the last trial.
    study->Optimize([](const Trial& trial) {
      return static_cast<double>((trial.number() * 7) % 12) + 0.5 * trial.GetFloat("x");
    });
    const std::vector<FrozenTrial> trials = study->Trials();
    const bool maximize = std::string(direction) == "maximize";
    const FrozenTrial* expected = &trials.front();
    for (const FrozenTrial& trial : trials) {
      if (maximize ? trial.value > expected->value : trial.value < expected->value) {
        expected = &trial;
      }
    }
    const std::optional<FrozenTrial> best = study->BestTrial();
    ASSERT_TRUE(best.has_value());
    EXPECT_EQ(best->number, expected->number);
    EXPECT_EQ(best->value, expected->value);
    EXPECT_EQ(best->params, expected->params);

    const nlohmann::json history = study->HistoryJson();
    EXPECT_EQ(history["best_trial"], expected->number);
    EXPECT_EQ(history["best_value"], expected->value);
    EXPECT_EQ(history["best_params"], study->space().ToExternal(expected->params));
    const nlohmann::json& listed = history["trials"][static_cast<size_t>(expected->number)];
    EXPECT_EQ(listed["number"], history["best_trial"]);
    EXPECT_EQ(listed["value"], history["best_value"]);
    EXPECT_EQ(listed["params"], history["best_params"]);
  }
  auto empty = Study::Create(kSpace, "");
  const nlohmann::json history = empty->HistoryJson();
  EXPECT_TRUE(history["best_trial"].is_null());
  EXPECT_TRUE(history["best_value"].is_null());
  EXPECT_TRUE(history["best_params"].is_null());
}

TEST(Study, PrunerStopsWeakTrialsThroughOptimize) {
  auto study =
      Study::Create(kSpace, R"({"max_trials":30,"pruner":{"name":"median","n_startup_trials":3}})");
  study->Optimize([](const Trial& trial) {
    const double base = Quadratic(trial);
    for (int step = 0; step < 5; ++step) {
      trial.Report(step, base + 5 - step);
      trial.PruneIfNeeded();
    }
    return base;
  });
  int pruned = 0;
  for (const FrozenTrial& trial : study->Trials()) pruned += trial.state == TrialState::kPruned;
  EXPECT_GT(pruned, 0);
}

// The two pruning strategies run a whole study: weak trials stop early, and the best survive.
TEST(Study, HyperbandAndSuccessiveHalvingStrategiesPruneThroughOptimize) {
  for (const char* strategy : {"HYPERBAND", "SUCCESSIVE_HALVING"}) {
    SCOPED_TRACE(strategy);
    nlohmann::json config = {{"max_trials", 60}, {"optimization_strategy", strategy}};
    auto study = Study::Create(kSpace, config.dump());
    study->Optimize([](const Trial& trial) {
      const double base = Quadratic(trial);
      for (int step = 0; step < 27; ++step) {
        trial.Report(step, base + 1.0 / (step + 1));
        trial.PruneIfNeeded();
      }
      return base;
    });
    int pruned = 0;
    int complete = 0;
    for (const FrozenTrial& trial : study->Trials()) {
      pruned += trial.state == TrialState::kPruned;
      complete += trial.state == TrialState::kComplete;
    }
    EXPECT_EQ(pruned + complete, 60);
    EXPECT_GT(pruned, 10);
    EXPECT_GT(complete, 0);
    EXPECT_EQ(study->BestTrial()->state, TrialState::kComplete);
  }
}

// An enqueued parent that switches on a conditional child the sampler did not draw gets the child
// sampled, never pinned to its lower bound.
TEST(Study, PartlyEnqueuedTrialsSampleTheChildrenTheyActivate) {
  constexpr const char* kConditional = R"({"params":[
      {"name":"kernel","type":"categorical","choices":["linear","rbf"]},
      {"name":"gamma","type":"float","low":1e-4,"high":10,"log":true,
       "condition":{"kernel":"rbf"}}]})";
  auto study = Study::Create(kConditional, R"({"sampler":"random"})");
  for (int idx = 0; idx < 20; ++idx) study->Enqueue({{"kernel", "rbf"}});
  std::set<double> gammas;
  for (int idx = 0; idx < 20; ++idx) {
    const Trial trial = study->Ask();
    ASSERT_EQ(trial.GetCategorical("kernel"), "rbf");
    ASSERT_TRUE(trial.HasParam("gamma"));
    gammas.insert(trial.GetFloat("gamma"));
    study->Tell(trial.number(), 1.0);
  }
  EXPECT_EQ(gammas.size(), 20u);
  EXPECT_FALSE(gammas.contains(1e-4));
}

}  // namespace
}  // namespace kolosal::hpo
