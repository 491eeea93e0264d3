#include <gtest/gtest.h>

#include <cmath>

#include "kolosal/hpo/detail/normal.hpp"
#include "kolosal/hpo/detail/parzen_estimator.hpp"
#include "kolosal/hpo/in_memory_storage.hpp"
#include "kolosal/hpo/study.hpp"
#include "kolosal/hpo/tpe_sampler.hpp"

namespace kolosal::hpo {
namespace {

constexpr const char* kSpace = R"({"params":[
  {"name":"x","type":"float","low":-5,"high":10},
  {"name":"lr","type":"float","low":1e-4,"high":1,"log":true},
  {"name":"n","type":"int","low":1,"high":64,"log":true},
  {"name":"kernel","type":"categorical","choices":["rbf","linear"]},
  {"name":"gamma","type":"float","low":1e-4,"high":1,"log":true,"condition":{"kernel":["rbf"]}}]})";

TEST(TpeSampler, FirstStartupTrialIsThePriorCentre) {
  auto study = Study::Create(kSpace, R"({"sampler":"tpe"})");
  const Trial first = study->Ask();
  EXPECT_DOUBLE_EQ(first.GetFloat("x"), 2.5);
  EXPECT_NEAR(first.GetFloat("lr"), 1e-2, 1e-12);
  EXPECT_EQ(first.GetInt("n"), 8);
  EXPECT_EQ(first.GetCategorical("kernel"), "rbf");
  EXPECT_NEAR(first.GetFloat("gamma"), 1e-2, 1e-12);
  study->Tell(first.number(), 1.0);
  // Later startup trials are random.
  const Trial second = study->Ask();
  EXPECT_NE(second.GetFloat("x"), 2.5);
}

TEST(TpeSampler, GammaAndWeightsFollowOptuna) {
  const TpeSampler sampler{TpeSettings{}};
  EXPECT_EQ(sampler.GammaCount(10), 1u);
  EXPECT_EQ(sampler.GammaCount(11), 2u);
  EXPECT_EQ(sampler.GammaCount(1000), 25u);
  const std::vector<double> few = detail::DefaultTpeWeights(10);
  EXPECT_EQ(few, std::vector<double>(10, 1.0));
  const std::vector<double> many = detail::DefaultTpeWeights(50);
  EXPECT_NEAR(many.front(), 1.0 / 50.0, 1e-12);
  EXPECT_NEAR(many[24], 1.0, 1e-12);
  EXPECT_DOUBLE_EQ(many.back(), 1.0);
  TpeSettings hyperopt;
  hyperopt.gamma_factor = 0.25;
  hyperopt.gamma_sqrt = true;
  EXPECT_EQ(TpeSampler(hyperopt).GammaCount(100), 3u);
}

TEST(TpeSampler, GroupsFollowConditions) {
  const SearchSpace space = SearchSpace::Parse(kSpace);
  const TpeSampler grouped{TpeSettings{}};
  const auto groups = grouped.Groups(space);
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[0].size(), 4u);
  EXPECT_EQ(groups[1], std::vector<size_t>{4});
  TpeSettings univariate;
  univariate.multivariate = false;
  EXPECT_EQ(TpeSampler(univariate).Groups(space).size(), 5u);
}

TEST(TpeSampler, ParzenMassesAreNormalised) {
  const SearchSpace space = SearchSpace::Parse(
      R"({"params":[{"name":"n","type":"int","low":1,"high":20},
                    {"name":"c","type":"categorical","choices":["a","b","c"]}]})");
  std::vector<ParamVector> data = {{3.0, 0.0}, {7.0, 2.0}, {8.0, 2.0}};
  std::vector<const ParamVector*> observations;
  for (const ParamVector& row : data) observations.push_back(&row);
  const detail::ParzenEstimator estimator(space, {0, 1}, observations, 1.0);
  std::vector<double> grid;
  for (int n = 1; n <= 20; ++n) {
    for (int c = 0; c < 3; ++c) {
      grid.push_back(n);
      grid.push_back(c);
    }
  }
  double total = 0.0;
  for (double log_mass : estimator.LogPdf(grid)) total += std::exp(log_mass);
  EXPECT_NEAR(total, 1.0, 1e-9);
}

TEST(TpeSampler, NormalMassesAreAccurateInBothTailsAndEmptyIntervals) {
  EXPECT_NEAR(std::exp(detail::LogNormalMass(-1.0, 1.0)), 0.6826894921, 1e-9);
  EXPECT_NEAR(detail::LogNormalMass(30.0, 31.0), detail::LogNormalMass(-31.0, -30.0), 1e-9);
  EXPECT_TRUE(std::isfinite(detail::LogNormalMass(40.0, 41.0)));
  EXPECT_EQ(detail::LogNormalMass(0.0, 0.0), -std::numeric_limits<double>::infinity());
  EXPECT_NEAR(detail::NormalQuantile(detail::NormalCdf(1.3)), 1.3, 1e-9);
}

TEST(TpeSampler, ConcentratesNearTheOptimum) {
  auto study = Study::Create(R"({"params":[{"name":"x","type":"float","low":-10,"high":10}]})",
                             R"({"sampler":"tpe","max_trials":60,"random_state":3})");
  study->Optimize([](const Trial& trial) {
    const double x = trial.GetFloat("x");
    return (x - 3.0) * (x - 3.0);
  });
  EXPECT_LT(study->BestTrial()->value, 0.05);
}

TEST(TpeSampler, HandlesConditionalSpacesAndPrunedTrials) {
  auto study = Study::Create(kSpace, R"({"sampler":"tpe","max_trials":40,"random_state":5})");
  study->Optimize([](const Trial& trial) {
    double value = std::abs(trial.GetFloat("x") - 1.0) + std::log10(trial.GetFloat("lr")) * 0.1;
    if (trial.HasParam("gamma")) value += std::abs(std::log10(trial.GetFloat("gamma")) + 2.0);
    trial.Report(0, value + 1.0);
    if (trial.number() % 7 == 3) throw TrialPruned();
    return value;
  });
  size_t pruned = 0;
  for (const FrozenTrial& trial : study->Trials()) {
    pruned += trial.state == TrialState::kPruned ? 1 : 0;
    for (size_t idx = 0; idx < trial.params.size(); ++idx) {
      EXPECT_EQ(std::isnan(trial.params[idx]), !study->space().IsActive(idx, trial.params));
    }
  }
  EXPECT_GT(pruned, 0u);
  EXPECT_EQ(study->Trials().size(), 40u);
}

TEST(TpeSampler, SameSeedSameTrials) {
  const auto run = [] {
    auto study = Study::Create(kSpace, R"({"max_trials":25,"random_state":11})");
    study->Optimize([](const Trial& trial) { return trial.GetFloat("x"); });
    std::vector<ParamVector> params;
    for (const FrozenTrial& trial : study->Trials()) params.push_back(trial.params);
    return params;
  };
  const std::vector<ParamVector> first = run();
  const std::vector<ParamVector> second = run();
  ASSERT_EQ(first.size(), second.size());
  for (size_t idx = 0; idx < first.size(); ++idx) {
    for (size_t dim = 0; dim < first[idx].size(); ++dim) {
      if (std::isnan(first[idx][dim])) {
        EXPECT_TRUE(std::isnan(second[idx][dim]));
        continue;
      }
      EXPECT_EQ(first[idx][dim], second[idx][dim]);
    }
  }
}

}  // namespace
}  // namespace kolosal::hpo
