#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "common/expect_error.hpp"
#include "common/test_data.hpp"
#include "kolosal/core/error.hpp"
#include "kolosal/data/csv_reader.hpp"
#include "kolosal/data/synthetic.hpp"
#include "kolosal/train/tuner.hpp"

namespace kolosal::train {
namespace {

using kolosal::testing::ExpectError;

FitControl Control() {
  FitControl control;
  control.random_state = 7;
  return control;
}

TuneOptions Options(int64_t n_trials, nlohmann::json study_config = nlohmann::json::object()) {
  TuneOptions options;
  options.n_trials = n_trials;
  options.cv_folds = 3;
  options.study_config = std::move(study_config);
  return options;
}

std::vector<double> CompleteValues(const nlohmann::json& summary) {
  std::vector<double> values;
  for (const nlohmann::json& trial : summary.at("trials")) {
    if (trial.at("state") == "COMPLETE") values.push_back(trial.at("value").get<double>());
  }
  return values;
}

std::string TempDbPath(const std::string& name) {
  const std::filesystem::path path =
      std::filesystem::temp_directory_path() / (name + "_" + std::to_string(::getpid()) + ".db");
  std::filesystem::remove(path);
  return path.string();
}

TEST(TuneModel, MaximisesR2AndRefitsTheBestParams) {
  const data::Dataset dataset = data::MakeRegression(300, 5, 5.0, 3);
  const TuneResult result =
      TuneModel(dataset, TrainSpec{"ridge", {}, {}},
                Options(8, {{"optimization_strategy", "RANDOM_SEARCH"}}), Control());
  const nlohmann::json& summary = result.summary;
  EXPECT_EQ(summary.at("metric"), "r2");
  EXPECT_EQ(summary.at("direction"), "maximize");
  EXPECT_EQ(summary.at("n_trials"), 8);
  EXPECT_EQ(summary.at("n_trials_run"), 8);
  EXPECT_EQ(summary.at("sampler"), "random");
  const std::vector<double> values = CompleteValues(summary);
  ASSERT_EQ(values.size(), 8u);
  EXPECT_DOUBLE_EQ(summary.at("best_score").get<double>(),
                   *std::max_element(values.begin(), values.end()));
  const nlohmann::json& metadata = result.pipeline.metadata();
  EXPECT_EQ(metadata.at("tuning"), summary);
  EXPECT_EQ(metadata.at("params").at("alpha"), summary.at("best_params").at("alpha"));
  EXPECT_GT(summary.at("best_score").get<double>(), 0.9);
}

TEST(TuneModel, LossMetricsAreMinimised) {
  const data::Dataset dataset = data::MakeRegression(200, 3, 1.0, 4);
  TuneOptions options = Options(5);
  options.metric = "rmse";
  const TuneResult result = TuneModel(dataset, TrainSpec{"ridge", {}, {}}, options, Control());
  EXPECT_EQ(result.summary.at("direction"), "minimize");
  const std::vector<double> values = CompleteValues(result.summary);
  EXPECT_DOUBLE_EQ(result.summary.at("best_score").get<double>(),
                   *std::min_element(values.begin(), values.end()));
}

TEST(TuneModel, SameSeedSameStudy) {
  const data::Dataset dataset = data::MakeClassification(200, 3, 1, 2, 2.0, 5);
  const TrainSpec spec{"logistic_regression", {{"max_iter", 200}}, {}};
  const TuneResult first = TuneModel(dataset, spec, Options(6), Control());
  const TuneResult second = TuneModel(dataset, spec, Options(6), Control());
  EXPECT_EQ(first.summary.at("best_params"), second.summary.at("best_params"));
  EXPECT_EQ(first.summary.at("trials"), second.summary.at("trials"));
  EXPECT_EQ(first.pipeline.metadata().at("params").at("max_iter"), 200);
}

TEST(TuneModel, PrunerStopsWeakTrialsFromFoldReports) {
  const data::Dataset dataset = data::MakeRegression(300, 4, 1.0, 6);
  TuneOptions options = Options(16, {{"optimization_strategy", "RANDOM_SEARCH"},
                                     {"pruner", {{"name", "median"}, {"n_startup_trials", 2}}}});
  options.cv_folds = 4;
  options.search_space = nlohmann::json::parse(
      R"({"params":[{"name":"alpha","type":"float","low":1e-3,"high":1e7,"log":true}]})");
  const TuneResult result = TuneModel(dataset, TrainSpec{"ridge", {}, {}}, options, Control());
  EXPECT_GT(result.summary.at("n_pruned").get<int64_t>(), 0);
  EXPECT_EQ(
      result.summary.at("n_complete").get<int64_t>() + result.summary.at("n_pruned").get<int64_t>(),
      16);
}

TEST(TuneModel, SqliteStudyResumesAcrossCalls) {
  const std::string db = TempDbPath("kolosal_tuner_resume");
  const data::Dataset dataset = data::MakeRegression(150, 3, 1.0, 8);
  TuneOptions options = Options(3, {{"study_name", "ridge_resume"}});
  options.storage_url = "sqlite://" + db;
  const TuneResult first = TuneModel(dataset, TrainSpec{"ridge", {}, {}}, options, Control());
  const TuneResult second = TuneModel(dataset, TrainSpec{"ridge", {}, {}}, options, Control());
  EXPECT_EQ(first.summary.at("n_trials"), 3);
  EXPECT_EQ(second.summary.at("n_trials"), 6);
  EXPECT_EQ(second.summary.at("n_trials_run"), 3);
  EXPECT_EQ(second.summary.at("study_name"), "ridge_resume");
  EXPECT_GE(second.summary.at("best_score").get<double>(),
            first.summary.at("best_score").get<double>());
  std::filesystem::remove(db);
}

TEST(TuneModel, ProgressAndTrialEventsRunPerTrial) {
  const data::Dataset dataset = data::MakeRegression(120, 3, 1.0, 9);
  TuneOptions options = Options(4);
  std::vector<TunedTrial> events;
  options.on_trial = [&](const TunedTrial& trial) {
    events.push_back(trial);
    return true;
  };
  FitControl control = Control();
  int tuning_calls = 0;
  control.progress = [&](double fraction, std::string_view stage) {
    if (stage == "tuning") {
      ++tuning_calls;
      EXPECT_GT(fraction, 0.0);
      EXPECT_LE(fraction, 1.0);
    }
    return true;
  };
  TuneModel(dataset, TrainSpec{"ridge", {}, {}}, options, control);
  ASSERT_EQ(events.size(), 4u);
  EXPECT_EQ(tuning_calls, 4);
  for (size_t idx = 0; idx < events.size(); ++idx) {
    EXPECT_EQ(events[idx].index, static_cast<int64_t>(idx + 1));
    EXPECT_EQ(events[idx].n_trials, 4);
    EXPECT_EQ(events[idx].state, "COMPLETE");
    EXPECT_TRUE(events[idx].params.contains("alpha"));
    ASSERT_TRUE(events[idx].best_number.has_value());
  }
}

TEST(TuneModel, CancellationStopsTheStudy) {
  const data::Dataset dataset = data::MakeRegression(120, 3, 1.0, 10);
  TuneOptions options = Options(10);
  options.on_trial = [](const TunedTrial& trial) { return trial.index < 2; };
  ExpectError(
      [&] {
        TuneModel(dataset, TrainSpec{"ridge", {}, {}}, options, Control());
      },
      StatusCode::kCancelled, "cancelled");
  FitControl control = Control();
  control.cancellation = std::make_shared<CancellationToken>();
  control.cancellation->Cancel();
  ExpectError(
      [&] {
        TuneModel(dataset, TrainSpec{"ridge", {}, {}}, Options(3), control);
      },
      StatusCode::kCancelled);
}

TEST(TuneModel, EveryTrialFailingReportsTheFirstFailure) {
  const data::Dataset dataset = data::MakeRegression(100, 3, 1.0, 11);
  TuneOptions options = Options(2);
  options.search_space =
      nlohmann::json::parse(R"({"params":[{"name":"alpah","type":"float","low":0.1,"high":1}]})");
  ExpectError(
      [&] {
        TuneModel(dataset, TrainSpec{"ridge", {}, {}}, options, Control());
      },
      StatusCode::kInvalidArgument, "no trial completed", "alpah");
}

TEST(TuneModel, RejectsBadInput) {
  data::Dataset unlabelled = data::MakeRegression(50, 3, 1.0, 12);
  const data::Dataset dataset = unlabelled;
  unlabelled.clear_labels();
  ExpectError(
      [&] {
        TuneModel(unlabelled, TrainSpec{"ridge", {}, {}}, Options(2), Control());
      },
      StatusCode::kInvalidArgument, "no target");
  TuneOptions accuracy = Options(2);
  accuracy.metric = "accuracy";
  ExpectError(
      [&] {
        TuneModel(dataset, TrainSpec{"ridge", {}, {}}, accuracy, Control());
      },
      StatusCode::kInvalidArgument, "metric 'accuracy' is for classification");
  TuneOptions unreachable = Options(2);
  unreachable.storage_url = "sqlite:///nonexistent-dir/kolosal/study.db";
  ExpectError(
      [&] {
        TuneModel(dataset, TrainSpec{"ridge", {}, {}}, unreachable, Control());
      },
      StatusCode::kIo);
  ExpectError(
      [&] {
        TuneModel(dataset, TrainSpec{"rigde", {}, {}}, Options(2), Control());
      },
      StatusCode::kInvalidArgument, "did you mean 'ridge'");
  ExpectError(
      [&] {
        TuneModel(dataset, TrainSpec{"logistic_regression", {}, {}}, Options(2), Control());
      },
      StatusCode::kInvalidArgument, "does not support regression");
  ExpectError(
      [&] {
        TuneModel(dataset, TrainSpec{"ridge", {{"alpah", 1}}, {}}, Options(2), Control());
      },
      StatusCode::kInvalidArgument, "did you mean 'alpha'");
}

TEST(ParseTuneConfig, SplitsTunerAndStudyKeys) {
  TuneOptions options = ParseTuneConfig(nlohmann::json::object());
  EXPECT_EQ(options.n_trials, 20);
  EXPECT_FALSE(options.search_space.has_value());
  options = ParseTuneConfig({{"max_trials", 50}, {"optimization_strategy", "ADAPTIVE"}});
  EXPECT_EQ(options.n_trials, -1);
  EXPECT_EQ(options.study_config.at("max_trials"), 50);
  options = ParseTuneConfig({{"n_trials", 7}, {"max_trials", 50}, {"search_space", {}}});
  EXPECT_EQ(options.n_trials, 7);
  EXPECT_FALSE(options.study_config.contains("n_trials"));
}

TEST(ParseTuneConfig, UnknownKeysSuggestTheNearestOne) {
  ExpectError(
      [] {
        ParseTuneConfig({{"n_trial", 3}});
      },
      StatusCode::kInvalidArgument, "tune config", "did you mean 'n_trials'");
  ExpectError(
      [] {
        ParseTuneConfig({{"max_trial", 3}});
      },
      StatusCode::kInvalidArgument, "did you mean 'max_trials'");
  ExpectError(
      [] {
        ParseTuneConfig({{"direction", "maximize"}});
      },
      StatusCode::kInvalidArgument, "follows from the metric");
  ExpectError([] { ParseTuneConfig({{"n_trials", 0}}); }, StatusCode::kInvalidArgument, "n_trials");
}

TEST(ResolveSearchSpace, FixedParamsLeaveTheDefaultSpace) {
  const nlohmann::json l2 =
      ResolveSearchSpace(TrainSpec{"logistic_regression", {{"penalty", "l2"}}, {}}, std::nullopt);
  std::vector<std::string> names;
  for (const nlohmann::json& param : l2.at("params")) names.push_back(param.at("name"));
  EXPECT_EQ(names, (std::vector<std::string>{"C", "class_weight", "max_iter"}));

  const nlohmann::json elastic = ResolveSearchSpace(
      TrainSpec{"logistic_regression", {{"penalty", "elasticnet"}}, {}}, std::nullopt);
  bool has_free_l1_ratio = false;
  for (const nlohmann::json& param : elastic.at("params")) {
    if (param.at("name") == "l1_ratio") has_free_l1_ratio = !param.contains("condition");
  }
  EXPECT_TRUE(has_free_l1_ratio);
}

TEST(ResolveSearchSpace, RejectsOverlapsAndEmptySpaces) {
  const nlohmann::json space =
      nlohmann::json::parse(R"({"params":[{"name":"alpha","type":"float","low":0.1,"high":1}]})");
  ExpectError(
      [&] {
        ResolveSearchSpace(TrainSpec{"ridge", {{"alpha", 1.0}}, {}}, space);
      },
      StatusCode::kInvalidArgument, "'alpha' is also fixed");
  ExpectError(
      [] {
        ResolveSearchSpace(TrainSpec{"ridge", {{"alpha", 1.0}}, {}}, std::nullopt);
      },
      StatusCode::kInvalidArgument, "nothing to tune: params fix every parameter");
  ExpectError(
      [] {
        ResolveSearchSpace(TrainSpec{"linear_regression", {}, {}}, std::nullopt);
      },
      StatusCode::kInvalidArgument,
      "nothing to tune: 'linear_regression' has no hyperparameters in its default search space");
  ExpectError(
      [] {
        ResolveSearchSpace(TrainSpec{"ridge", {}, {}},
                           nlohmann::json::parse(R"({"params":[{"name":"alpha","type":"float",
                                                 "low":2,"high":1}]})"));
      },
      StatusCode::kInvalidArgument, "low");
}

TEST(TuneModel, TunesLogisticRegressionOnSonar) {
  KOLOSAL_REQUIRE_DATASET(path, "sonar.csv");
  data::CsvOptions csv;
  csv.target = "Class";
  const data::Dataset dataset = data::ReadCsv(path, csv);
  TuneOptions options = Options(6);
  options.cv_folds = 4;
  const TuneResult result =
      TuneModel(dataset, TrainSpec{"logistic_regression", {}, {}}, options, Control());
  EXPECT_EQ(result.summary.at("metric"), "accuracy");
  EXPECT_GT(result.summary.at("best_score").get<double>(), 0.7);
  EXPECT_EQ(result.pipeline.metadata().at("tuning").at("n_trials"), 6);
  EXPECT_GT(result.pipeline.Evaluate(dataset).front().second, 0.7);
}

}  // namespace
}  // namespace kolosal::train
