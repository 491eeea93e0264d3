#include <gtest/gtest.h>

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
  EXPECT_EQ(options.study_name, "s1");
}

}  // namespace
}  // namespace kolosal::hpo
