#include <gtest/gtest.h>

#include <cmath>

#include "kolosal/core/error.hpp"
#include "kolosal/hpo/in_memory_storage.hpp"
#include "kolosal/hpo/sampler_registry.hpp"
#include "kolosal/hpo/study.hpp"

namespace kolosal::hpo {
namespace {

constexpr const char* kMixedSpace = R"({"params":[
  {"name":"x","type":"float","low":-3,"high":3},
  {"name":"s","type":"float","low":0,"high":1,"step":0.1},
  {"name":"lr","type":"float","low":1e-5,"high":1e-1,"log":true},
  {"name":"n","type":"int","low":1,"high":1000,"log":true},
  {"name":"k","type":"int","low":2,"high":20,"step":3},
  {"name":"kernel","type":"categorical","choices":["rbf","linear","poly"]},
  {"name":"gamma","type":"float","low":1e-3,"high":10,"log":true,"condition":{"kernel":["rbf","poly"]}},
  {"name":"degree","type":"int","low":2,"high":5,"condition":{"kernel":["poly"]}},
  {"name":"flag","type":"categorical","choices":[true,false,3]},
  {"name":"fixed","type":"float","low":2,"high":2}]})";

double MixedObjective(const Trial& trial) {
  double value = std::abs(trial.GetFloat("x") - 0.5) + trial.GetFloat("s") +
                 std::abs(std::log10(trial.GetFloat("lr")) + 3.0) +
                 std::log(static_cast<double>(trial.GetInt("n"))) * 0.1 +
                 static_cast<double>(trial.GetInt("k")) * 0.01;
  if (trial.HasParam("gamma")) value += std::abs(std::log10(trial.GetFloat("gamma")));
  if (trial.HasParam("degree")) value += static_cast<double>(trial.GetInt("degree")) * 0.1;
  value += trial.GetCategorical("flag") == "true" ? 0.0 : 0.5;
  return value + trial.GetFloat("fixed");
}

TEST(SamplerRegistry, EverySamplerProposesValidParametersOnAMixedConditionalSpace) {
  for (const std::string& name : SamplerRegistry::Builtin().Names()) {
    SCOPED_TRACE(name);
    nlohmann::json config = {{"sampler", name},           {"max_trials", 30},
                             {"random_state", 4},         {"n_startup_trials", 5},
                             {"adaptation_frequency", 5}, {"gp_candidates", 200},
                             {"grid_points", 2}};
    Study study(SearchSpace::Parse(kMixedSpace), ParseStudyOptions(config),
                std::make_unique<InMemoryStorage>());
    study.Optimize(MixedObjective);
    const std::vector<FrozenTrial> trials = study.Trials();
    ASSERT_EQ(trials.size(), 30u);
    for (const FrozenTrial& trial : trials) {
      EXPECT_EQ(trial.state, TrialState::kComplete);
      for (size_t idx = 0; idx < trial.params.size(); ++idx) {
        const bool active = study.space().IsActive(idx, trial.params);
        ASSERT_EQ(std::isnan(trial.params[idx]), !active) << study.space().param(idx).name;
        if (active) {
          EXPECT_TRUE(study.space().param(idx).Contains(trial.params[idx]))
              << study.space().param(idx).name << " = " << trial.params[idx];
        }
      }
    }
  }
}

TEST(SamplerRegistry, UnknownNamesSuggestTheNearest) {
  try {
    SamplerRegistry::Builtin().Find("tpee");
    FAIL() << "expected an error";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("did you mean 'tpe'"), std::string::npos);
  }
  EXPECT_EQ(SamplerRegistry::Builtin().Names().size(), 7u);
}

TEST(SamplerRegistry, ParallelWorkersSpreadOutWithTheConstantLiar) {
  for (const char* name : {"tpe", "gp"}) {
    SCOPED_TRACE(name);
    nlohmann::json config = {{"sampler", name},   {"max_trials", 24},      {"n_jobs", 3},
                             {"random_state", 1}, {"n_startup_trials", 6}, {"gp_candidates", 200}};
    Study study(SearchSpace::Parse(R"({"params":[{"name":"x","type":"float","low":-5,"high":5}]})"),
                ParseStudyOptions(config), std::make_unique<InMemoryStorage>());
    study.Optimize([](const Trial& trial) {
      const double x = trial.GetFloat("x");
      return x * x;
    });
    EXPECT_EQ(study.Trials().size(), 24u);
    EXPECT_LT(study.BestTrial()->value, 0.5);
  }
}

}  // namespace
}  // namespace kolosal::hpo
