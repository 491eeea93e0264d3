// Every sampler on search spaces at the edges of what the parser accepts: a single value, ranges
// spanning most of the doubles, log ranges over 600 decades, steps wider than the range, one
// categorical choice, choices of every JSON type, deep conditions. Each trial's values are inside
// their ranges and finite, and each sampler keeps asking past its startup trials.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "kolosal/hpo/study.hpp"

namespace kolosal::hpo {
namespace {

struct EdgeSpace {
  std::string name;
  std::string json;
};

std::vector<EdgeSpace> EdgeSpaces() {
  return {
      {"single_values", R"({"params":[{"name":"f","type":"float","low":2.5,"high":2.5},
                                      {"name":"i","type":"int","low":7,"high":7},
                                      {"name":"l","type":"float","low":3,"high":3,"log":true}]})"},
      {"huge_ranges", R"({"params":[{"name":"f","type":"float","low":-1e300,"high":1e300},
                                    {"name":"i","type":"int","low":-9007199254740992,
                                     "high":9007199254740992},
                                    {"name":"g","type":"float","low":-1.7e308,"high":1.7e308}]})"},
      {"log_decades", R"({"params":[{"name":"l","type":"float","low":1e-300,"high":1e300,
                                     "log":true},
                                    {"name":"n","type":"int","low":1,"high":9007199254740992,
                                     "log":true}]})"},
      {"tiny_ranges", R"({"params":[{"name":"f","type":"float","low":1,"high":1.0000000000000002},
                                    {"name":"d","type":"float","low":0,"high":5e-324}]})"},
      {"wide_steps", R"({"params":[{"name":"f","type":"float","low":0,"high":1,"step":5},
                                   {"name":"i","type":"int","low":0,"high":3,"step":10},
                                   {"name":"s","type":"float","low":-1,"high":1,"step":0.5}]})"},
      {"odd_choices", R"({"params":[{"name":"one","type":"categorical","choices":["only"]},
                                    {"name":"mixed","type":"categorical",
                                     "choices":[1,"a",true,false,2.5,-0.0,"1"]}]})"},
      {"deep_conditions",
       R"({"params":[{"name":"a","type":"categorical","choices":["x","y"]},
                     {"name":"b","type":"categorical","choices":["p","q"],"condition":{"a":"x"}},
                     {"name":"c","type":"float","low":0,"high":1,"condition":{"b":["q"]}},
                     {"name":"d","type":"int","low":1,"high":5,"condition":{"a":"y"}}]})"},
  };
}

const std::vector<std::string>& Samplers() {
  static const std::vector<std::string> samplers = {R"({"sampler":"random"})",
                                                    R"({"sampler":"grid"})",
                                                    R"({"sampler":"tpe"})",
                                                    R"({"sampler":"tpe_univariate"})",
                                                    R"({"hyperopt_backend":"hyperopt"})",
                                                    R"({"sampler":"gp"})",
                                                    R"({"optimization_strategy":"ADAPTIVE",
                                            "adaptation_frequency":5})"};
  return samplers;
}

// A finite objective that depends on every active value, so the model-based samplers see spread.
double Objective(const Trial& trial, const SearchSpace& space) {
  double value = 0.0;
  for (const ParamSpec& spec : space.params()) {
    if (!trial.HasParam(spec.name)) continue;
    if (spec.kind == ParamKind::kCategorical) {
      value += static_cast<double>(trial.GetCategoricalIndex(spec.name));
    } else {
      const double x = spec.kind == ParamKind::kInt ? static_cast<double>(trial.GetInt(spec.name))
                                                    : trial.GetFloat(spec.name);
      value += std::tanh(x * 1e-3) + (std::isfinite(x) ? 0.0 : 1e9);
    }
  }
  return value;
}

void RunTrials(const EdgeSpace& edge, const std::string& config) {
  std::unique_ptr<Study> study;
  ASSERT_NO_THROW(study = Study::Create(edge.json, config));
  const SearchSpace& space = study->space();
  for (int round = 0; round < 24; ++round) {
    const Trial trial = study->Ask();
    for (size_t idx = 0; idx < space.size(); ++idx) {
      const ParamSpec& spec = space.param(idx);
      const double value = trial.values()[idx];
      if (!trial.HasParam(spec.name)) continue;
      ASSERT_TRUE(std::isfinite(value)) << spec.name << " in trial " << round;
      if (spec.kind == ParamKind::kCategorical) {
        ASSERT_LT(static_cast<size_t>(value), spec.choices.size());
      } else {
        ASSERT_TRUE(spec.Contains(value)) << spec.name << " = " << value << " in trial " << round;
      }
    }
    study->Tell(trial.number(), Objective(trial, space));
  }
  EXPECT_EQ(study->Trials().size(), 24u);
}

TEST(EdgeSpaces, EverySamplerStaysInRangeAndFinite) {
  for (const EdgeSpace& edge : EdgeSpaces()) {
    for (const std::string& config : Samplers()) {
      SCOPED_TRACE(edge.name + " " + config);
      RunTrials(edge, config);
    }
  }
}

// Objective values at the edges of double (infinities, +-1e308, denormals, exact ties) do not
// make any sampler propose values outside the space or NaN.
TEST(EdgeSpaces, ExtremeObjectiveValuesKeepEverySamplerInRange) {
  const std::vector<double> values = {
      std::numeric_limits<double>::infinity(),  -1e308, 1e308, 5e-324, 0.0, 0.0,
      -std::numeric_limits<double>::infinity(), 1.0};
  const std::string space = R"({"params":[{"name":"x","type":"float","low":-3,"high":3},
                                          {"name":"n","type":"int","low":1,"high":64,"log":true},
                                          {"name":"k","type":"categorical","choices":["a","b"]}]})";
  for (const std::string& config : Samplers()) {
    SCOPED_TRACE(config);
    std::unique_ptr<Study> study = Study::Create(space, config);
    for (int round = 0; round < 30; ++round) {
      const Trial trial = study->Ask();
      const double x = trial.GetFloat("x");
      ASSERT_TRUE(x >= -3.0 && x <= 3.0) << x << " in trial " << round;
      ASSERT_TRUE(trial.GetInt("n") >= 1 && trial.GetInt("n") <= 64) << "trial " << round;
      study->Tell(trial.number(), values[static_cast<size_t>(round) % values.size()]);
    }
    ASSERT_TRUE(study->BestTrial().has_value());
    EXPECT_EQ(study->BestTrial()->value, -std::numeric_limits<double>::infinity());
  }
}

}  // namespace
}  // namespace kolosal::hpo
