#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/config_keys.hpp"
#include "kolosal/core/error.hpp"
#include "kolosal/hpo/study.hpp"
#include "kolosal/hpo/study_options.hpp"

namespace kolosal::hpo {
namespace {

std::string MessageOf(const std::string& config) {
  try {
    ParseStudyOptionsText(config);
  } catch (const Error& error) {
    return error.what();
  }
  return "";
}

TEST(StudyOptions, StrategiesMapOntoSamplers) {
  EXPECT_EQ(ParseStudyOptionsText(R"({"optimization_strategy":"GRID_SEARCH"})").sampler, "grid");
  EXPECT_EQ(ParseStudyOptionsText(R"({"optimization_strategy":"RANDOM_SEARCH"})").sampler,
            "random");
  EXPECT_EQ(ParseStudyOptionsText(R"({"optimization_strategy":"BAYESIAN_OPTIMIZATION"})").sampler,
            "gp");
  EXPECT_EQ(ParseStudyOptionsText(R"({"optimization_strategy":"TPE"})").sampler, "tpe");
  EXPECT_EQ(ParseStudyOptionsText("").sampler, "tpe");
  const StudyOptions adaptive = ParseStudyOptionsText(R"({"optimization_strategy":"ADAPTIVE"})");
  EXPECT_EQ(adaptive.sampler, "adaptive");
  EXPECT_EQ(adaptive.adaptive_base, "tpe");
  const StudyOptions hyperband = ParseStudyOptionsText(R"({"optimization_strategy":"HYPERBAND"})");
  EXPECT_EQ(hyperband.pruner, "hyperband");
  EXPECT_EQ(hyperband.sampler, "tpe");
  EXPECT_EQ(ParseStudyOptionsText(R"({"optimization_strategy":"SUCCESSIVE_HALVING"})").pruner,
            "successive_halving");
}

TEST(StudyOptions, BackendsMapOntoSamplers) {
  EXPECT_EQ(ParseStudyOptionsText(R"({"hyperopt_backend":"optuna"})").sampler, "tpe");
  EXPECT_TRUE(ParseStudyOptionsText(R"({"hyperopt_backend":"optuna"})").tpe.multivariate);
  const StudyOptions hyperopt = ParseStudyOptionsText(R"({"hyperopt_backend":"hyperopt"})");
  EXPECT_EQ(hyperopt.sampler, "tpe_hyperopt");
  EXPECT_EQ(hyperopt.tpe.n_startup_trials, 20);
  EXPECT_DOUBLE_EQ(hyperopt.tpe.gamma_factor, 0.25);
  EXPECT_EQ(ParseStudyOptionsText(R"({"hyperopt_backend":"skopt"})").sampler, "gp");
  const StudyOptions adaptive_gp =
      ParseStudyOptionsText(R"({"optimization_strategy":"ADAPTIVE","hyperopt_backend":"skopt"})");
  EXPECT_EQ(adaptive_gp.adaptive_base, "gp");
}

TEST(StudyOptions, NothingFallsBackSilently) {
  EXPECT_NE(MessageOf(R"({"optimization_strategy":"GRID_SEARCH","hyperopt_backend":"skopt"})")
                .find("does not apply"),
            std::string::npos);
  EXPECT_NE(
      MessageOf(R"({"optimization_strategy":"HYPERBAND","pruner":"median"})").find("hyperband"),
      std::string::npos);
  EXPECT_NE(MessageOf(R"({"optimization_strategy":"BAYESIAN"})").find("BAYESIAN_OPTIMIZATION"),
            std::string::npos);
  EXPECT_NE(MessageOf(R"({"hyperopt_backend":"optuan"})").find("optuna"), std::string::npos);
  EXPECT_NE(MessageOf(R"({"sampler":"tpee"})").find("did you mean 'tpe'"), std::string::npos);
}

TEST(StudyOptions, ASamplerThatContradictsTheStrategyIsAnError) {
  const struct {
    const char* config;
    const char* fragment;
  } conflicts[] = {
      {R"({"optimization_strategy":"ADAPTIVE","sampler":"random"})",
       "sampler 'random' contradicts optimization_strategy ADAPTIVE, which uses 'adaptive'"},
      {R"({"optimization_strategy":"GRID_SEARCH","sampler":"tpe"})",
       "sampler 'tpe' contradicts optimization_strategy GRID_SEARCH, which uses 'grid'"},
      {R"({"optimization_strategy":"RANDOM_SEARCH","sampler":"grid"})", "which uses 'random'"},
      {R"({"optimization_strategy":"BAYESIAN_OPTIMIZATION","sampler":"tpe"})", "uses 'gp'"},
      {R"({"optimization_strategy":"TPE","sampler":"gp"})",
       "which uses one of 'tpe', 'tpe_univariate', 'tpe_hyperopt'"},
      {R"({"optimization_strategy":"OPTUNA","sampler":"random"})", "OPTUNA"},
      {R"({"hyperopt_backend":"skopt","sampler":"tpe"})",
       "sampler 'tpe' contradicts hyperopt_backend 'skopt', which uses 'gp'"},
      {R"({"optimization_strategy":"TPE","hyperopt_backend":"hyperopt","sampler":"tpe"})",
       "optimization_strategy TPE with hyperopt_backend 'hyperopt', which uses 'tpe_hyperopt'"},
      {R"({"optimization_strategy":"HYPERBAND","hyperopt_backend":"skopt","sampler":"tpe"})",
       "uses 'gp'"},
      {R"({"hyperopt_backend":"optuna","sampler":"adaptive"})", "uses 'tpe'"},
  };
  for (const auto& conflict : conflicts) {
    SCOPED_TRACE(conflict.config);
    try {
      ParseStudyOptionsText(conflict.config);
      ADD_FAILURE() << "expected an error";
    } catch (const Error& error) {
      EXPECT_EQ(error.code(), StatusCode::kInvalidArgument);
      EXPECT_NE(std::string(error.what()).find(conflict.fragment), std::string::npos)
          << error.what();
      EXPECT_NE(std::string(error.what()).find("remove one of them"), std::string::npos);
    }
  }
  // An unknown name is still reported as unknown, not as a contradiction.
  EXPECT_NE(MessageOf(R"({"optimization_strategy":"GRID_SEARCH","sampler":"gird"})")
                .find("did you mean 'grid'"),
            std::string::npos);
}

TEST(StudyOptions, ASamplerThatAgreesWithTheStrategyIsKept) {
  const auto sampler_of = [](const char* config) { return ParseStudyOptionsText(config).sampler; };
  EXPECT_EQ(sampler_of(R"({"optimization_strategy":"GRID_SEARCH","sampler":"grid"})"), "grid");
  EXPECT_EQ(sampler_of(R"({"optimization_strategy":"RANDOM_SEARCH","sampler":"random"})"),
            "random");
  EXPECT_EQ(sampler_of(R"({"optimization_strategy":"BAYESIAN_OPTIMIZATION","sampler":"gp"})"),
            "gp");
  EXPECT_EQ(sampler_of(R"({"optimization_strategy":"TPE","sampler":"tpe_univariate"})"),
            "tpe_univariate");
  EXPECT_EQ(sampler_of(R"({"optimization_strategy":"OPTUNA","sampler":"tpe"})"), "tpe");
  EXPECT_EQ(sampler_of(R"({"hyperopt_backend":"hyperopt","sampler":"tpe_hyperopt"})"),
            "tpe_hyperopt");
  const StudyOptions adaptive = ParseStudyOptionsText(
      R"({"optimization_strategy":"ADAPTIVE","hyperopt_backend":"skopt","sampler":"adaptive"})");
  EXPECT_EQ(adaptive.sampler, "adaptive");
  EXPECT_EQ(adaptive.adaptive_base, "gp");
  // HYPERBAND and SUCCESSIVE_HALVING choose a pruner, so any sampler goes with them.
  const StudyOptions hyperband =
      ParseStudyOptionsText(R"({"optimization_strategy":"HYPERBAND","sampler":"random"})");
  EXPECT_EQ(hyperband.sampler, "random");
  EXPECT_EQ(hyperband.pruner, "hyperband");
  EXPECT_EQ(sampler_of(R"({"optimization_strategy":"SUCCESSIVE_HALVING","sampler":"gp"})"), "gp");
  // Without a strategy or backend, the sampler key alone chooses.
  EXPECT_EQ(sampler_of(R"({"sampler":"random"})"), "random");
  EXPECT_EQ(sampler_of(R"({"sampler":"adaptive"})"), "adaptive");
}

TEST(StudyOptions, TpeDefaultsAreOptuna5s) {
  for (const TpeSettings& tpe : {TpeSettings{}, ParseStudyOptionsText("").tpe,
                                 ParseStudyOptionsText(R"({"sampler":"tpe"})").tpe}) {
    EXPECT_EQ(tpe.n_startup_trials, 10);
    EXPECT_EQ(tpe.n_ei_candidates, 24);
    EXPECT_TRUE(tpe.constant_liar);
    EXPECT_TRUE(tpe.multivariate);
    EXPECT_TRUE(tpe.group);
    EXPECT_DOUBLE_EQ(tpe.prior_weight, 1.0);
    EXPECT_DOUBLE_EQ(tpe.gamma_factor, 0.1);
    EXPECT_FALSE(tpe.gamma_sqrt);
    EXPECT_EQ(tpe.gamma_cap, 25);
    EXPECT_TRUE(tpe.sample_prior_centre);
  }
  EXPECT_EQ(ParseStudyOptionsText("").sampler, "tpe");
  const TpeSettings univariate = ParseStudyOptionsText(R"({"sampler":"tpe_univariate"})").tpe;
  EXPECT_FALSE(univariate.multivariate);
  EXPECT_TRUE(univariate.constant_liar);
  const TpeSettings hyperopt = ParseStudyOptionsText(R"({"hyperopt_backend":"hyperopt"})").tpe;
  EXPECT_FALSE(hyperopt.multivariate);
  EXPECT_FALSE(hyperopt.group);
  EXPECT_FALSE(hyperopt.constant_liar);
  EXPECT_TRUE(hyperopt.gamma_sqrt);
  const TpeSettings overridden =
      ParseStudyOptionsText(R"({"group":false,"gamma":0.2,"prior_weight":2,
                                "sample_prior_centre":false})")
          .tpe;
  EXPECT_FALSE(overridden.group);
  EXPECT_DOUBLE_EQ(overridden.gamma_factor, 0.2);
  EXPECT_DOUBLE_EQ(overridden.prior_weight, 2.0);
  EXPECT_FALSE(overridden.sample_prior_centre);
}

TEST(StudyOptions, HeartbeatIsLeftToTheStorageUnlessGiven) {
  EXPECT_FALSE(ParseStudyOptionsText("").heartbeat_interval.has_value());
  EXPECT_EQ(ParseStudyOptionsText(R"({"heartbeat_interval":0})").heartbeat_interval, 0.0);
  EXPECT_EQ(ParseStudyOptionsText(R"({"heartbeat_interval":2.5})").heartbeat_interval, 2.5);
  EXPECT_EQ(ParseStudyOptionsText(R"({"heartbeat_interval":86400})").heartbeat_interval, 86400.0);
  EXPECT_NE(
      MessageOf(R"({"heartbeat_interval":1e300})").find("'heartbeat_interval' = 1e+300 is out"),
      std::string::npos);
  EXPECT_NE(MessageOf(R"({"heartbeat_interval":-1})").find("heartbeat_interval"),
            std::string::npos);
}

TEST(StudyOptions, ReadsTheGpKeys) {
  const StudyOptions defaults = ParseStudyOptionsText(R"({"sampler":"gp"})");
  EXPECT_EQ(defaults.gp.n_candidates, 300);
  EXPECT_EQ(defaults.gp.max_training_points, 100);
  EXPECT_TRUE(defaults.gp.warp_targets);
  const StudyOptions options = ParseStudyOptionsText(
      R"({"sampler":"gp","gp_candidates":1000,"gp_max_training_points":64,
          "gp_warp_targets":false})");
  EXPECT_EQ(options.gp.n_candidates, 1000);
  EXPECT_EQ(options.gp.max_training_points, 64);
  EXPECT_FALSE(options.gp.warp_targets);
  EXPECT_NE(MessageOf(R"({"gp_warp_targets":"yes"})").find("gp_warp_targets"), std::string::npos);
  EXPECT_NE(MessageOf(R"({"gp_candidates":5})").find("gp_candidates"), std::string::npos);
}

TEST(StudyOptions, UnknownKeysSuggestTheNearest) {
  const std::string message = MessageOf(R"({"max_trial":10})");
  EXPECT_NE(message.find("did you mean 'max_trials'"), std::string::npos) << message;
  EXPECT_NE(MessageOf(R"({"n_jobs":0})").find("n_jobs"), std::string::npos);
  EXPECT_NE(MessageOf(R"({"direction":"minimise"})").find("minimize"), std::string::npos);
  EXPECT_FALSE(MessageOf(R"({"max_trials":0})").empty());
}

TEST(StudyOptions, ReadsTheProductKeys) {
  const StudyOptions options = ParseStudyOptionsText(
      R"({"max_trials":7,"optimization_timeout":60,"adaptation_frequency":5,
          "early_stopping_patience":9,"convergence_tolerance":0.01,"n_jobs":2,"random_state":3,
          "direction":"maximize","pruner":"median","n_startup_trials":4,"n_ei_candidates":48,
          "multivariate":false,"constant_liar":false,"heartbeat_interval":30,
          "study_name":"s1"})");
  EXPECT_EQ(options.max_trials, 7);
  EXPECT_EQ(options.adaptation_frequency, 5);
  EXPECT_EQ(options.early_stopping_patience, 9);
  EXPECT_EQ(options.n_jobs, 2);
  EXPECT_EQ(options.random_state, 3u);
  EXPECT_EQ(options.direction, Direction::kMaximize);
  EXPECT_EQ(options.tpe.n_startup_trials, 4);
  EXPECT_EQ(options.tpe.n_ei_candidates, 48);
  EXPECT_FALSE(options.tpe.multivariate);
  EXPECT_FALSE(options.tpe.constant_liar);
  EXPECT_EQ(options.heartbeat_interval, 30.0);
  EXPECT_EQ(options.study_name, "s1");
}

// Every key the study config accepts (as its unknown-key error lists them), given values of the
// wrong type, out of range or at the edge of range: a study is created and runs a few trials,
// or the config is an Error(kInvalidArgument) naming the key. Nothing else escapes.
TEST(StudyOptions, EveryKeyRejectsOrRunsWithAnyValue) {
  const std::vector<std::string> keys =
      testing::AcceptedKeys([](const nlohmann::json& config) { ParseStudyOptions(config); });
  ASSERT_GT(keys.size(), 20u);
  constexpr const char* kSpace = R"({"params":[{"name":"x","type":"float","low":0,"high":1}]})";
  const testing::KeyValueCounts counts =
      testing::CheckEveryKeyValue(keys, [&](const std::string& key, const nlohmann::json& value) {
        nlohmann::json config = {{key, value}};
        if (key != "max_trials") config["max_trials"] = 4;
        auto study = Study::Create(kSpace, config.dump());
        // Only a few asks: a valid huge value (a timeout of 1e300 s) must not make this slow.
        for (int idx = 0; idx < 3; ++idx) {
          const Trial trial = study->Ask();
          study->Tell(trial.number(), trial.GetFloat("x"));
        }
        study->CheckStop();
      });
  EXPECT_GT(counts.rejected, static_cast<int>(keys.size()));
}

}  // namespace
}  // namespace kolosal::hpo
