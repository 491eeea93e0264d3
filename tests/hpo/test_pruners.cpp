#include <gtest/gtest.h>

#include "kolosal/core/error.hpp"
#include "kolosal/hpo/hyperband_pruner.hpp"
#include "kolosal/hpo/median_pruner.hpp"
#include "kolosal/hpo/pruner_registry.hpp"
#include "kolosal/hpo/successive_halving_pruner.hpp"

namespace kolosal::hpo {
namespace {

FrozenTrial MakeTrial(int64_t number, TrialState state, std::vector<double> curve) {
  FrozenTrial trial;
  trial.number = number;
  trial.state = state;
  for (size_t step = 0; step < curve.size(); ++step) {
    trial.intermediate_values.emplace_back(static_cast<int64_t>(step), curve[step]);
  }
  trial.value = curve.empty() ? 0.0 : curve.back();
  return trial;
}

bool Ask(Pruner& pruner, const std::vector<FrozenTrial>& trials, size_t index,
         Direction direction = Direction::kMinimize) {
  return pruner.ShouldPrune(PruningContext{trials[index], trials, direction});
}

TEST(MedianPruner, PrunesBelowTheMedianAfterStartup) {
  MedianPruner pruner(MedianPruner::Options{});
  std::vector<FrozenTrial> trials;
  for (int idx = 0; idx < 5; ++idx) {
    trials.push_back(MakeTrial(idx, TrialState::kComplete, {1.0 + idx, 0.5 + idx}));
  }
  trials.push_back(MakeTrial(5, TrialState::kRunning, {10.0}));  // median at step 0 is 3.0
  EXPECT_TRUE(Ask(pruner, trials, 5));
  trials[5] = MakeTrial(5, TrialState::kRunning, {2.0});
  EXPECT_FALSE(Ask(pruner, trials, 5));
  // Maximizing flips the rule.
  trials[5] = MakeTrial(5, TrialState::kRunning, {10.0});
  EXPECT_FALSE(Ask(pruner, trials, 5, Direction::kMaximize));
  // Fewer completed trials than n_startup_trials: no pruning.
  trials.erase(trials.begin());
  trials[4] = MakeTrial(5, TrialState::kRunning, {10.0});
  EXPECT_FALSE(Ask(pruner, trials, 4));
}

TEST(MedianPruner, HonoursWarmupSteps) {
  MedianPruner pruner(MedianPruner::Options{.n_startup_trials = 1, .n_warmup_steps = 2});
  std::vector<FrozenTrial> trials = {MakeTrial(0, TrialState::kComplete, {1, 1, 1, 1}),
                                     MakeTrial(1, TrialState::kRunning, {5, 5})};
  EXPECT_FALSE(Ask(pruner, trials, 1));  // last step 1 < 2
  trials[1] = MakeTrial(1, TrialState::kRunning, {5, 5, 5});
  EXPECT_TRUE(Ask(pruner, trials, 1));
}

TEST(SuccessiveHalvingPruner, KeepsTheTopQuarterAtEachRung) {
  SuccessiveHalvingPruner pruner(
      SuccessiveHalvingPruner::Options{.min_resource = 1, .reduction_factor = 4});
  std::vector<FrozenTrial> trials;
  // Eight trials reached rung 0 (step 1) with values 1..8.
  for (int idx = 0; idx < 8; ++idx) {
    trials.push_back(MakeTrial(idx, TrialState::kPruned, {0.0, 1.0 + idx}));
  }
  // With 9 competitors the promotable index is 9 // 4 - 1 = 1: the best two go on.
  trials.push_back(MakeTrial(8, TrialState::kRunning, {0.0, 1.5}));
  EXPECT_FALSE(Ask(pruner, trials, 8));
  trials[8] = MakeTrial(8, TrialState::kRunning, {0.0, 2.5});
  EXPECT_TRUE(Ask(pruner, trials, 8));
  // Before the first rung nothing is pruned.
  trials[8] = MakeTrial(8, TrialState::kRunning, {100.0});
  EXPECT_FALSE(Ask(pruner, trials, 8));
}

TEST(SuccessiveHalvingPruner, AutoMinResourceWaitsForACompletedTrial) {
  SuccessiveHalvingPruner pruner(SuccessiveHalvingPruner::Options{});
  std::vector<FrozenTrial> trials = {MakeTrial(0, TrialState::kRunning, {5.0, 5.0})};
  EXPECT_FALSE(Ask(pruner, trials, 0));
  std::vector<double> long_curve(300, 1.0);
  trials.insert(trials.begin(), MakeTrial(0, TrialState::kComplete, long_curve));
  trials[1].number = 1;
  trials[1].intermediate_values = {{0, 5.0}, {1, 5.0}, {2, 9.0}};
  // min_resource = 299 // 100 = 2; at step 2 the trial (9) loses to the completed one (1).
  EXPECT_TRUE(Ask(pruner, trials, 1));
}

// Rung steps beyond int64_t (1000^60 here) saturate instead of overflowing, so no rung past the
// largest reportable step (2^53) is ever reached; the trial is never pruned there.
TEST(SuccessiveHalvingPruner, RungStepsSaturateInsteadOfOverflowing) {
  SuccessiveHalvingPruner pruner(SuccessiveHalvingPruner::Options{
      .min_resource = 1, .reduction_factor = 1000, .min_early_stopping_rate = 60});
  std::vector<FrozenTrial> trials = {MakeTrial(0, TrialState::kComplete, {1.0}),
                                     MakeTrial(1, TrialState::kRunning, {9.0})};
  trials[1].intermediate_values.emplace_back(kMaxStep, 9.0);
  EXPECT_FALSE(Ask(pruner, trials, 1));
  SuccessiveHalvingPruner steep(
      SuccessiveHalvingPruner::Options{.min_resource = 1, .reduction_factor = 1000});
  EXPECT_FALSE(Ask(steep, trials, 1));
}

TEST(HyperbandPruner, SpreadsTrialsOverBracketsAndPrunesWithinThem) {
  HyperbandPruner pruner(HyperbandPruner::Options{.min_resource = 1, .max_resource = 27});
  std::vector<FrozenTrial> none;
  EXPECT_EQ(pruner.BracketCount(none), 4);
  std::vector<int> counts(4, 0);
  for (int64_t number = 0; number < 2000; ++number) ++counts[pruner.BracketOf(number, 4)];
  for (int count : counts) EXPECT_GT(count, 0);
  // Bracket budgets are ceil(4 * 3^s / (s + 1)): 27, 12, 6, 4 (bracket 0 is the most aggressive).
  EXPECT_GT(counts[0], counts[3]);
  // Within bracket b, a trial far worse than its peers is pruned at its first rung 3^b.
  std::vector<FrozenTrial> trials;
  std::vector<int64_t> bracket0;
  for (int64_t number = 0; bracket0.size() < 9; ++number) {
    if (pruner.BracketOf(number, 4) == 0) bracket0.push_back(number);
  }
  for (size_t idx = 0; idx < 8; ++idx) {
    trials.push_back(MakeTrial(bracket0[idx], TrialState::kPruned, {0.0, 1.0 + idx}));
  }
  trials.push_back(MakeTrial(bracket0[8], TrialState::kRunning, {0.0, 100.0}));
  EXPECT_TRUE(Ask(pruner, trials, 8));
  trials[8] = MakeTrial(bracket0[8], TrialState::kRunning, {0.0, 0.5});
  EXPECT_FALSE(Ask(pruner, trials, 8));
}

// max_resource "auto" is one more than the deepest last step over all completed trials, not the
// first one found: 9 and 27 steps give 27 = 3^3, so 4 brackets, where 9 alone would give 3.
TEST(HyperbandPruner, AutoMaxResourceTakesTheDeepestCompletedTrial) {
  HyperbandPruner pruner(HyperbandPruner::Options{.min_resource = 1, .max_resource = std::nullopt});
  std::vector<FrozenTrial> trials = {
      MakeTrial(0, TrialState::kRunning, std::vector<double>(50, 1)),
      MakeTrial(1, TrialState::kComplete, std::vector<double>(9, 1)),
      MakeTrial(2, TrialState::kPruned, std::vector<double>(40, 1)),
      MakeTrial(3, TrialState::kComplete, std::vector<double>(27, 1))};
  EXPECT_EQ(pruner.BracketCount(trials), 4);
  HyperbandPruner waiting(
      HyperbandPruner::Options{.min_resource = 1, .max_resource = std::nullopt});
  EXPECT_EQ(waiting.BracketCount(std::span(trials).first(1)), std::nullopt);
}

TEST(PrunerRegistry, ParsesNamesAndOptionsAndRejectsUnknownOnes) {
  EXPECT_EQ(CreatePruner("none"), nullptr);
  EXPECT_EQ(CreatePruner("median")->Name(), "median");
  EXPECT_EQ(CreatePruner(nlohmann::json{{"name", "hyperband"}, {"reduction_factor", 2}})->Name(),
            "hyperband");
  try {
    CreatePruner("medain");
    FAIL() << "expected an error";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("did you mean 'median'"), std::string::npos);
  }
  EXPECT_THROW(CreatePruner(nlohmann::json{{"name", "median"}, {"n_startup_trails", 3}}), Error);
}

}  // namespace
}  // namespace kolosal::hpo
