#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

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
  } else if (strategy == "ADAPTIVE+GP") {
    config["optimization_strategy"] = "ADAPTIVE";
    config["hyperopt_backend"] = "skopt";
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

// The median final regret over the benchmark's 20 seeds (fewer make the medians coin flips) of
// 100-trial studies with `strategy`.
double MedianRegret(const TestFunction& function, const std::string& strategy) {
  std::vector<double> regrets;
  for (int seed = 0; seed < 20; ++seed)
    regrets.push_back(FinalRegret(function, strategy, seed, 100));
  return Median(regrets);
}

// The rule must help: on every benchmark function ADAPTIVE's median regret over fixed seeds is
// no worse than that of the TPE sampler it wraps.
TEST(AdaptiveSampler, DoesNotDoWorseThanTheSamplerItWraps) {
  for (const TestFunction& function : StandardTestFunctions()) {
    EXPECT_LE(MedianRegret(function, "ADAPTIVE"), MedianRegret(function, "tpe")) << function.name;
  }
}

// The same around the GP. On Styblinski–Tang each coordinate has two basins 5.6 apart (a range
// of 10), and the region around the best trials holds only one: the GP's one-exchange candidates
// (MoveOne) are what carry a coordinate across (docs/hpo.md).
TEST(AdaptiveSampler, DoesNotDoWorseThanTheGpItWraps) {
  for (const TestFunction& function : StandardTestFunctions()) {
    EXPECT_LE(MedianRegret(function, "ADAPTIVE+GP"), MedianRegret(function, "gp")) << function.name;
  }
}

// Records the space and trials it is asked with.
class RecordingSampler : public Sampler {
 public:
  explicit RecordingSampler(bool learns_beyond_space) : learns_beyond_space_(learns_beyond_space) {}
  std::string_view Name() const override { return "recording"; }
  bool LearnsBeyondSpace() const override { return learns_beyond_space_; }
  ParamVector Sample(const SamplingContext& context, Rng& rng) override {
    space_low = context.space.param(0).low;
    space_high = context.space.param(0).high;
    seen.clear();
    for (const FrozenTrial& trial : context.trials) {
      if (!trial.params.empty()) seen.push_back(trial.params[0]);
    }
    return RandomSampler().Sample(context, rng);
  }
  double space_low = 0.0;
  double space_high = 0.0;
  std::vector<double> seen;

 private:
  bool learns_beyond_space_;
};

// Inside the region a sampler that learns beyond its space (the GP) also sees the trials within
// one region width of it; any other sees only the trials inside.
TEST(AdaptiveSampler, GivesTheNearbyTrialsToSamplersThatLearnBeyondTheirSpace) {
  const SearchSpace space =
      SearchSpace::Parse(R"({"params":[{"name":"x","type":"float","low":0,"high":100}]})");
  std::vector<FrozenTrial> trials;
  for (int idx = 0; idx < 20; ++idx) {
    FrozenTrial trial;
    trial.number = idx;
    trial.state = TrialState::kComplete;
    trial.params = {idx * 5.0};
    trial.value = idx * 5.0;
    trials.push_back(trial);
  }
  FrozenTrial running;
  running.number = 20;
  trials.push_back(running);
  // Best four: 0..15; padded by their width and kept inside [0, 100]: [0, 45].
  const auto expected_seen = [](double limit) {
    std::vector<double> values;
    for (int idx = 0; idx < 20 && idx * 5.0 <= limit; ++idx) values.push_back(idx * 5.0);
    return values;
  };
  for (const bool learns_beyond : {false, true}) {
    auto recording = std::make_unique<RecordingSampler>(learns_beyond);
    RecordingSampler* recorded = recording.get();
    AdaptiveSampler sampler(std::move(recording), 10, 0.0);
    Rng rng(7);
    sampler.Sample({space, trials, Direction::kMinimize, 20}, rng);
    EXPECT_EQ(recorded->space_low, 0.0);
    EXPECT_EQ(recorded->space_high, 45.0);
    EXPECT_EQ(recorded->seen, expected_seen(learns_beyond ? 90.0 : 45.0)) << learns_beyond;
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
