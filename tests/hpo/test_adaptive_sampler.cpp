#include <gtest/gtest.h>

#include <algorithm>

#include "kolosal/hpo/adaptive_sampler.hpp"
#include "kolosal/hpo/in_memory_storage.hpp"
#include "kolosal/hpo/random_sampler.hpp"
#include "kolosal/hpo/study.hpp"
#include "kolosal/hpo/test_functions.hpp"

namespace kolosal::hpo {
namespace {

double FinalRegret(const TestFunction& function, const std::string& strategy, int seed,
                   int trials) {
  nlohmann::json config = {{"max_trials", trials}, {"random_state", seed}};
  if (strategy == "ADAPTIVE") {
    config["optimization_strategy"] = "ADAPTIVE";
  } else {
    config["sampler"] = strategy;
  }
  Study study(function.space, ParseStudyOptions(config), std::make_unique<InMemoryStorage>());
  study.Optimize([&](const Trial& trial) { return function.evaluate(trial.values()); });
  return study.BestTrial()->value - function.optimum;
}

double Median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const size_t mid = values.size() / 2;
  return values.size() % 2 == 1 ? values[mid] : 0.5 * (values[mid - 1] + values[mid]);
}

// The rule must help: on every benchmark function ADAPTIVE's median regret over fixed seeds is
// no worse than that of the TPE sampler it wraps.
TEST(AdaptiveSampler, DoesNotDoWorseThanTheSamplerItWraps) {
  constexpr int kSeeds = 20;  // the benchmark's seeds: fewer make the medians coin flips
  constexpr int kTrials = 100;
  for (const TestFunction& function : StandardTestFunctions()) {
    std::vector<double> adaptive;
    std::vector<double> wrapped;
    for (int seed = 0; seed < kSeeds; ++seed) {
      adaptive.push_back(FinalRegret(function, "ADAPTIVE", seed, kTrials));
      wrapped.push_back(FinalRegret(function, "tpe", seed, kTrials));
    }
    EXPECT_LE(Median(adaptive), Median(wrapped)) << function.name;
  }
}

TEST(AdaptiveSampler, RegionShrinksAroundTheBestTrialsAndKeepsAMinimumWidth) {
  const SearchSpace space = SearchSpace::Parse(
      R"({"params":[{"name":"x","type":"float","low":0,"high":100},
                    {"name":"c","type":"categorical","choices":["a","b"]}]})");
  std::vector<FrozenTrial> trials;
  for (int idx = 0; idx < 20; ++idx) {
    FrozenTrial trial;
    trial.number = idx;
    trial.state = TrialState::kComplete;
    trial.params = {static_cast<double>(idx * 5), static_cast<double>(idx % 2)};
    trial.value = std::abs(idx * 5 - 50.0);
    trials.push_back(trial);
  }
  const AdaptiveSampler sampler(std::make_unique<RandomSampler>(), 10, 0.2);
  const std::optional<SearchSpace> region = sampler.Region(space, trials, Direction::kMinimize);
  ASSERT_TRUE(region.has_value());
  EXPECT_GT(region->param(0).low, 0.0);
  EXPECT_LT(region->param(0).high, 100.0);
  EXPECT_LE(region->param(0).low, 45.0);
  EXPECT_GE(region->param(0).high, 55.0);
  EXPECT_GE(region->param(0).high - region->param(0).low, 10.0);
  EXPECT_EQ(region->param(1).choices.size(), 2u);
  // Before the second adaptation point there is no region.
  trials.resize(15);
  EXPECT_FALSE(sampler.Region(space, trials, Direction::kMinimize).has_value());
}

}  // namespace
}  // namespace kolosal::hpo
