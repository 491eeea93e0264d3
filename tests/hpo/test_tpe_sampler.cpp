#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <numbers>

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

// The density of a normal truncated to [low, high] at x, written out independently of the
// estimator's own normal helpers.
double TruncatedNormalPdf(double x, double mu, double sigma, double low, double high) {
  const auto cdf = [](double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); };
  const double z = (x - mu) / sigma;
  const double pdf = std::exp(-0.5 * z * z) / (sigma * std::sqrt(2.0 * std::numbers::pi));
  return pdf / (cdf((high - mu) / sigma) - cdf((low - mu) / sigma));
}

// The mass of that truncated normal over [cell_low, cell_high].
double TruncatedNormalMass(double cell_low, double cell_high, double mu, double sigma, double low,
                           double high) {
  const auto cdf = [](double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); };
  return (cdf((cell_high - mu) / sigma) - cdf((cell_low - mu) / sigma)) /
         (cdf((high - mu) / sigma) - cdf((low - mu) / sigma));
}

// One estimator over x in [0, 10] with observations `xs` (weights 1 each, as fewer than 25),
// the prior kernel (centre 5, sigma 10) and `clip_count` for the magic clip.
detail::ParzenEstimator FloatEstimator(const SearchSpace& space, const std::vector<ParamVector>& xs,
                                       size_t clip_count) {
  std::vector<const ParamVector*> observations;
  for (const ParamVector& row : xs) observations.push_back(&row);
  return detail::ParzenEstimator(space, {0}, observations, 1.0, clip_count);
}

// The estimator's density against the mixture written out with the bandwidths the rule gives.
void ExpectDensity(const detail::ParzenEstimator& estimator, const std::vector<double>& mus,
                   const std::vector<double>& sigmas) {
  const std::vector<double> points = {0.0, 1.3, 4.9, 5.0005, 7.5, 10.0};
  const std::vector<double> log_pdf = estimator.LogPdf(points);
  for (size_t idx = 0; idx < points.size(); ++idx) {
    double expected = TruncatedNormalPdf(points[idx], 5.0, 10.0, 0.0, 10.0);  // the prior
    for (size_t kernel = 0; kernel < mus.size(); ++kernel) {
      expected += TruncatedNormalPdf(points[idx], mus[kernel], sigmas[kernel], 0.0, 10.0);
    }
    expected /= static_cast<double>(mus.size() + 1);
    EXPECT_NEAR(std::exp(log_pdf[idx]), expected, 1e-9 * expected) << "x = " << points[idx];
  }
}

// Bandwidth = the larger gap to the neighbouring observations (the outer ones take the gap to
// their inner neighbour), clipped below at range / min(100, n + 2), n = clip_count.
TEST(TpeSampler, BandwidthIsTheNeighbourGapWithTheMagicClip) {
  const SearchSpace space =
      SearchSpace::Parse(R"({"params":[{"name":"x","type":"float","low":0,"high":10}]})");
  // Gaps 3 and 4 stay above the floor 10 / (3 + 2) = 2.
  ExpectDensity(FloatEstimator(space, {{2.0}, {5.0}, {9.0}}, 3), {2.0, 5.0, 9.0}, {3.0, 4.0, 4.0});
  // Two close observations: the gap (0.001) is clipped to 10 / (2 + 2) = 2.5 ...
  ExpectDensity(FloatEstimator(space, {{5.0}, {5.001}}, 2), {5.0, 5.001}, {2.5, 2.5});
  // ... to 10 / (8 + 2) = 1 when the clip counts 8 observations (both of TPE's estimators) ...
  ExpectDensity(FloatEstimator(space, {{5.0}, {5.001}}, 8), {5.0, 5.001}, {1.0, 1.0});
  // ... and never below range / 100, however many observations the clip counts.
  ExpectDensity(FloatEstimator(space, {{5.0}, {5.001}}, 5000), {5.0, 5.001}, {0.1, 0.1});
  // A clip count below the estimator's own observations counts those.
  ExpectDensity(FloatEstimator(space, {{5.0}, {5.001}}, 0), {5.0, 5.001}, {2.5, 2.5});
  // A single observation takes the larger gap to the range ends.
  ExpectDensity(FloatEstimator(space, {{2.0}}, 1), {2.0}, {8.0});
}

// Ints (log too) and stepped floats score the mass of their cell, +-step/2 (log ints: the cell
// [v - 0.5, v + 0.5] in log space), so the masses of all grid values sum to 1.
TEST(TpeSampler, DiscreteParametersScoreTheMassOfTheirCell) {
  const SearchSpace space = SearchSpace::Parse(
      R"({"params":[{"name":"n","type":"int","low":1,"high":64,"log":true},
                    {"name":"s","type":"float","low":0,"high":2,"step":0.25}]})");
  std::vector<ParamVector> data = {{3.0, 0.5}, {20.0, 1.75}, {4.0, 0.75}};
  std::vector<const ParamVector*> observations;
  for (const ParamVector& row : data) observations.push_back(&row);

  const detail::ParzenEstimator log_int(space, {0}, observations, 1.0);
  std::vector<double> ints;
  for (int n = 1; n <= 64; ++n) ints.push_back(n);
  const std::vector<double> int_masses = log_int.LogPdf(ints);
  double total = 0.0;
  for (double log_mass : int_masses) total += std::exp(log_mass);
  EXPECT_NEAR(total, 1.0, 1e-9);
  // The mass of n = 4 written out: sampling range [log 0.5, log 64.5]; kernels at log 3,
  // log 20 and log 4 with the neighbour gaps (clip floor: range / 5), and the prior.
  const double low = std::log(0.5);
  const double high = std::log(64.5);
  const double floor = (high - low) / 5.0;
  const std::vector<double> mus = {std::log(3.0), std::log(20.0), std::log(4.0),
                                   0.5 * (low + high)};
  const std::vector<double> sigmas = {std::max(std::log(4.0) - std::log(3.0), floor),
                                      std::max(std::log(20.0) - std::log(4.0), floor),
                                      std::max(std::log(20.0) - std::log(4.0), floor), high - low};
  double expected = 0.0;
  for (size_t kernel = 0; kernel < mus.size(); ++kernel) {
    expected +=
        TruncatedNormalMass(std::log(3.5), std::log(4.5), mus[kernel], sigmas[kernel], low, high) /
        4.0;
  }
  EXPECT_NEAR(std::exp(int_masses[3]), expected, 1e-9);

  const detail::ParzenEstimator stepped(space, {1}, observations, 1.0);
  std::vector<double> steps;
  for (int idx = 0; idx <= 8; ++idx) steps.push_back(0.25 * idx);
  total = 0.0;
  for (double log_mass : stepped.LogPdf(steps)) total += std::exp(log_mass);
  EXPECT_NEAR(total, 1.0, 1e-9);
  // Every sample lands on the grid.
  Rng rng(7);
  for (double value : stepped.Sample(200, rng)) {
    EXPECT_DOUBLE_EQ(value, 0.25 * std::round(value / 0.25));
  }
  for (double value : log_int.Sample(200, rng)) EXPECT_EQ(value, std::round(value));
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

// Pruned trials rank after every completed one, the deepest first and, at the same depth, by
// their last value; the shallow pruned trial with the best value stays bad.
TEST(TpeSampler, PrunedTrialsRankByTheDeepestStepReached) {
  const SearchSpace space =
      SearchSpace::Parse(R"({"params":[{"name":"x","type":"float","low":0,"high":100}]})");
  std::vector<FrozenTrial> trials;
  const auto add = [&](TrialState state, double value,
                       std::vector<std::pair<int64_t, double>> steps) {
    FrozenTrial trial;
    trial.number = static_cast<int64_t>(trials.size());
    trial.state = state;
    trial.value = value;
    trial.params = {static_cast<double>(trial.number)};
    trial.intermediate_values = std::move(steps);
    trials.push_back(std::move(trial));
  };
  add(TrialState::kComplete, 100.0, {{0, 100.0}});      // 0: the only completed one
  add(TrialState::kPruned, 5.0, {{0, 9.0}, {9, 5.0}});  // 1: depth 9, last 5
  add(TrialState::kPruned, 0.0, {{0, 0.0}, {7, 0.0}});  // 2: depth 7, the best value
  add(TrialState::kPruned, 3.0, {{0, 8.0}, {9, 3.0}});  // 3: depth 9, last 3
  for (int idx = 0; idx < 17; ++idx) add(TrialState::kPruned, 1.0, {{idx % 5, 1.0}});
  const TpeSampler sampler(TpeSettings{});
  ASSERT_EQ(sampler.GammaCount(trials.size()), 3u);  // ceil(0.1 * 21)
  const TpeSampler::Split split = sampler.SplitTrials(
      {space, trials, Direction::kMinimize, static_cast<int64_t>(trials.size())});
  std::vector<double> below;
  for (const ParamVector* params : split.below) below.push_back((*params)[0]);
  EXPECT_EQ(below, (std::vector<double>{0.0, 1.0, 3.0}));
  EXPECT_EQ(split.above.size(), trials.size() - 3);
}

std::vector<ParamVector> ParamsOf(Study& study) {
  std::vector<ParamVector> params;
  for (const FrozenTrial& trial : study.Trials()) params.push_back(trial.params);
  return params;
}

// The defaults, not only as settings (test_study_options.cpp) but as the sampler behaves: the
// first 10 trials are startup trials (the prior centre, then exactly the random sampler's draws
// for the same seed), and an empty config samples like the explicit Optuna 5.0 settings.
TEST(TpeSampler, DefaultsAreTenStartupTrialsAndTwentyFourCandidates) {
  const char* space = R"({"params":[{"name":"x","type":"float","low":-5,"high":5},
                                    {"name":"y","type":"float","low":-5,"high":5}]})";
  const auto run = [&](const nlohmann::json& config) {
    nlohmann::json full = config;
    full["max_trials"] = 30;
    full["random_state"] = 4;
    auto study = Study::Create(space, full.dump());
    study->Optimize([](const Trial& trial) {
      return std::abs(trial.GetFloat("x") - 1.0) + std::abs(trial.GetFloat("y"));
    });
    return ParamsOf(*study);
  };
  const std::vector<ParamVector> defaults = run(nlohmann::json::object());
  const std::vector<ParamVector> random = run({{"sampler", "random"}});
  EXPECT_EQ(defaults[0], (ParamVector{0.0, 0.0}));  // the prior centre
  for (size_t idx = 1; idx < 10; ++idx) EXPECT_EQ(defaults[idx], random[idx]) << "trial " << idx;
  for (size_t idx = 10; idx < 30; ++idx) EXPECT_NE(defaults[idx], random[idx]) << "trial " << idx;

  const std::vector<ParamVector> explicit_defaults = run({{"sampler", "tpe"},
                                                          {"n_startup_trials", 10},
                                                          {"n_ei_candidates", 24},
                                                          {"multivariate", true},
                                                          {"group", true},
                                                          {"constant_liar", true},
                                                          {"gamma", 0.1},
                                                          {"prior_weight", 1.0},
                                                          {"sample_prior_centre", true}});
  EXPECT_EQ(defaults, explicit_defaults);
  EXPECT_NE(defaults, run({{"n_ei_candidates", 23}}));
  EXPECT_NE(defaults, run({{"n_ei_candidates", 48}}));
  EXPECT_NE(defaults, run({{"n_startup_trials", 9}}));
}

// The constant liar: trials asked but not told yet (running in other workers) count as bad
// observations, so the next ask moves away from them. Twenty told trials, then five asks with
// nothing told in between. Without the liar each pending ask sees the same twenty trials, so
// pending trials change nothing; with it, every later ask differs and the five points spread.
TEST(TpeSampler, TheConstantLiarSeesPendingTrials) {
  const char* space = R"({"params":[{"name":"x","type":"float","low":-5,"high":5},
                                    {"name":"y","type":"float","low":-5,"high":5}]})";
  const auto min_pairwise_distance = [](const std::vector<ParamVector>& points) {
    double minimum = std::numeric_limits<double>::infinity();
    for (size_t lhs = 0; lhs < points.size(); ++lhs) {
      for (size_t rhs = lhs + 1; rhs < points.size(); ++rhs) {
        minimum = std::min(
            minimum, std::hypot(points[lhs][0] - points[rhs][0], points[lhs][1] - points[rhs][1]));
      }
    }
    return minimum;
  };
  double spread_with_liar = 0.0;
  double spread_without = 0.0;
  for (uint64_t seed : {1, 2, 3, 4, 5}) {
    SCOPED_TRACE(seed);
    std::vector<std::vector<ParamVector>> pending(2);
    std::vector<std::vector<ParamVector>> told(2);
    for (bool liar : {false, true}) {
      const nlohmann::json config = {
          {"max_trials", 100}, {"random_state", seed}, {"constant_liar", liar}};
      auto study = Study::Create(space, config.dump());
      OptimizeControl control;
      control.n_trials = 20;
      study->Optimize(
          [](const Trial& trial) {
            const double x = trial.GetFloat("x") - 1.0;
            const double y = trial.GetFloat("y") + 1.0;
            return x * x + y * y;
          },
          control);
      told[liar] = ParamsOf(*study);
      for (int ask = 0; ask < 5; ++ask) pending[liar].push_back(study->Ask().values());
    }
    // With one trial at a time nothing is pending, so the liar changes none of the first 21.
    EXPECT_EQ(told[true], told[false]);
    EXPECT_EQ(pending[true][0], pending[false][0]);
    // Later asks see the pending ones only through the liar (a candidate far from every
    // observation can still win with it, so not every ask need move).
    EXPECT_NE(pending[true], pending[false]);
    spread_with_liar += min_pairwise_distance(pending[true]);
    spread_without += min_pairwise_distance(pending[false]);
  }
  EXPECT_GT(spread_with_liar, spread_without);
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
