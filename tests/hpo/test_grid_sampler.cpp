#include <gtest/gtest.h>

#include <set>

#include "kolosal/hpo/grid_sampler.hpp"
#include "kolosal/hpo/in_memory_storage.hpp"
#include "kolosal/hpo/study.hpp"

namespace kolosal::hpo {
namespace {

TEST(GridSampler, CoversItsGridExactlyOnceThenStops) {
  const SearchSpace space = SearchSpace::Parse(
      R"({"params":[{"name":"kernel","type":"categorical","choices":["rbf","linear","poly"]},
                    {"name":"n","type":"int","low":1,"high":4}]})");
  StudyOptions options =
      ParseStudyOptionsText(R"({"optimization_strategy":"GRID_SEARCH","max_trials":100})");
  Study study(space, options, std::make_unique<InMemoryStorage>());
  const StopReason reason =
      study.Optimize([](const Trial& trial) { return static_cast<double>(trial.GetInt("n")); });
  EXPECT_EQ(reason, StopReason::kExhausted);
  std::set<std::pair<std::string, int64_t>> seen;
  for (const FrozenTrial& trial : study.Trials()) {
    const nlohmann::json params = space.ToExternal(trial.params);
    seen.insert({params["kernel"].get<std::string>(), params["n"].get<int64_t>()});
  }
  EXPECT_EQ(study.Trials().size(), 12u);
  EXPECT_EQ(seen.size(), 12u);
}

// Workers of one study that ask before either's trial is stored see the same trials; each
// takes a random point of those left, so they rarely take the same one.
TEST(GridSampler, WorkersAskingAtOnceRarelyTakeTheSamePoint) {
  const SearchSpace space =
      SearchSpace::Parse(R"({"params":[{"name":"n","type":"int","low":0,"high":99}]})");
  GridSampler first_worker(10);
  GridSampler second_worker(10);
  const std::vector<FrozenTrial> trials;
  int same = 0;
  for (uint64_t pair = 0; pair < 20; ++pair) {
    Rng first_rng(2 * pair);
    Rng second_rng(2 * pair + 1);
    const ParamVector first =
        first_worker.Sample({space, trials, Direction::kMinimize, 0}, first_rng);
    const ParamVector second =
        second_worker.Sample({space, trials, Direction::kMinimize, 1}, second_rng);
    same += first == second ? 1 : 0;
  }
  EXPECT_LE(same, 1);  // 0.2 expected of 20 pairs over 100 points
}

TEST(GridSampler, ConditionalParametersOnlyMultiplyWhereActive) {
  const SearchSpace space = SearchSpace::Parse(
      R"({"params":[{"name":"kernel","type":"categorical","choices":["rbf","linear"]},
                    {"name":"gamma","type":"float","low":0.001,"high":1,"log":true,
                     "condition":{"kernel":["rbf"]}}]})");
  const GridSampler sampler(/*points_per_param=*/5);
  // rbf x 5 gammas + linear alone.
  EXPECT_EQ(sampler.EnumerateGrid(space).size(), 6u);
}

TEST(GridSampler, FloatAxesAreEvenInSamplingCoordinates) {
  const SearchSpace space = SearchSpace::Parse(
      R"({"params":[{"name":"lr","type":"float","low":0.001,"high":1,"log":true}]})");
  const GridSampler sampler(/*points_per_param=*/4);
  const std::vector<ParamVector> grid = sampler.EnumerateGrid(space);
  ASSERT_EQ(grid.size(), 4u);
  EXPECT_NEAR(grid[1][0], 0.01, 1e-12);
  EXPECT_NEAR(grid[2][0], 0.1, 1e-12);
}

}  // namespace
}  // namespace kolosal::hpo
