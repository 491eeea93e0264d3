#include <gtest/gtest.h>

#include "common/test_data.hpp"
#include "kolosal/core/error.hpp"
#include "kolosal/data/csv_reader.hpp"
#include "kolosal/data/split.hpp"
#include "kolosal/data/synthetic.hpp"
#include "kolosal/train/trainer.hpp"

namespace kolosal::train {
namespace {

FitControl Control(int n_jobs = 1) {
  FitControl control;
  control.n_jobs = n_jobs;
  control.random_state = 3;
  return control;
}

TEST(FitPipeline, RecordsMetadataAndPredicts) {
  const data::Dataset dataset = data::MakeClassification(600, 4, 2, 3, 3.0, 11);
  const auto pipeline = FitPipeline(dataset, TrainSpec{}, Control());
  const nlohmann::json& metadata = pipeline.metadata();
  EXPECT_EQ(metadata.at("model_type"), "logistic_regression");
  EXPECT_EQ(metadata.at("task"), "classification");
  EXPECT_EQ(metadata.at("features").size(), 6u);
  EXPECT_GT(metadata.at("training_metrics").at("accuracy").get<double>(), 0.9);
  const std::vector<float> raw = pipeline.PredictRaw(dataset);
  ASSERT_EQ(raw.size(), 600u * 3u);
  EXPECT_NEAR(raw[0] + raw[1] + raw[2], 1.0f, 1e-5f);
}

TEST(FitPipeline, RejectsUnknownModelsAndUnlabelledData) {
  const data::Dataset dataset = data::MakeRegression(50, 3, 0.1, 1);
  try {
    FitPipeline(dataset, TrainSpec{"rigde", {}, {}}, Control());
    FAIL();
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), StatusCode::kInvalidArgument);
    EXPECT_NE(std::string(error.what()).find("did you mean 'ridge'"), std::string::npos);
  }
  data::Dataset unlabelled = dataset;
  unlabelled.clear_labels();
  EXPECT_THROW(FitPipeline(unlabelled, TrainSpec{"ridge", {}, {}}, Control()), Error);
  EXPECT_THROW(FitPipeline(dataset, TrainSpec{"logistic_regression", {}, {}}, Control()), Error);
}

TEST(FitPipeline, SaveLoadRoundTripIsBitExact) {
  const data::Dataset dataset = data::MakeRegression(300, 5, 1.0, 2);
  const auto pipeline = FitPipeline(dataset, TrainSpec{"ridge", {{"alpha", 0.1}}, {}}, Control());
  const std::vector<uint8_t> bytes = pipeline.SaveToBuffer();
  EXPECT_EQ(bytes, pipeline.SaveToBuffer());
  const auto loaded = models::TrainedPipeline::LoadFromBuffer(bytes);
  EXPECT_EQ(loaded.PredictRaw(dataset), pipeline.PredictRaw(dataset));
  EXPECT_EQ(loaded.metadata(), pipeline.metadata());
  EXPECT_EQ(loaded.SaveToBuffer(), bytes);
}

TEST(FitPipeline, CancelledByProgressCallback) {
  const data::Dataset dataset = data::MakeClassification(200, 3, 0, 2, 2.0, 5);
  FitControl control = Control();
  control.progress = [](double, std::string_view) { return false; };
  try {
    FitPipeline(dataset, TrainSpec{}, control);
    FAIL();
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), StatusCode::kCancelled);
  }
}

TEST(CrossValidate, ScoresEveryFoldDeterministically) {
  const data::Dataset dataset = data::MakeClassification(400, 4, 2, 2, 2.0, 8);
  const auto first = CrossValidate(dataset, TrainSpec{}, 4, "", Control(1));
  const auto second = CrossValidate(dataset, TrainSpec{}, 4, "", Control(2));
  EXPECT_EQ(first.metric, "accuracy");
  ASSERT_EQ(first.fold_scores.size(), 4u);
  EXPECT_EQ(first.fold_scores, second.fold_scores);
  EXPECT_GT(first.mean, 0.8);
  EXPECT_THROW(CrossValidate(dataset, TrainSpec{}, 4, "r2", Control()), Error);
  EXPECT_THROW(CrossValidate(dataset, TrainSpec{}, 4, "acuracy", Control()), Error);
}

TEST(FitPipeline, MetadataSummarisesTheFittedModel) {
  const data::Dataset dataset = data::MakeClassification(400, 4, 2, 3, 2.0, 31);
  const auto forest = FitPipeline(
      dataset, TrainSpec{"random_forest", {{"n_estimators", 20}, {"oob_score", true}}, {}},
      Control());
  const nlohmann::json& summary = forest.metadata().at("model_summary");
  EXPECT_EQ(summary.at("n_trees"), 20);
  const double oob = summary.at("oob_score").get<double>();
  EXPECT_GT(oob, 0.6);
  EXPECT_LE(oob, 1.0);
  const auto no_oob =
      FitPipeline(dataset, TrainSpec{"random_forest", {{"n_estimators", 5}}, {}}, Control());
  EXPECT_FALSE(no_oob.metadata().at("model_summary").contains("oob_score"));

  // Early stopping keeps the best rounds; softmax grows one tree per class and round.
  const auto boosted = FitPipeline(
      dataset,
      TrainSpec{"gradient_boosting",
                {{"n_estimators", 1000}, {"learning_rate", 0.3}, {"early_stopping_rounds", 5}},
                {}},
      Control());
  const nlohmann::json& rounds = boosted.metadata().at("model_summary");
  EXPECT_LT(rounds.at("n_rounds").get<int64_t>(), 1000);
  EXPECT_EQ(rounds.at("n_trees").get<int64_t>(), 3 * rounds.at("n_rounds").get<int64_t>());
  EXPECT_EQ(FitPipeline(dataset, TrainSpec{}, Control()).metadata().at("model_summary"),
            nlohmann::json::object());
}

// --- sample weights ------------------------------------------------------------------------

/// `dataset` with rows 0, 3, 6, ... weighted `weight` (the rest 1), and the same data with those
/// rows repeated `weight` times instead.
std::pair<data::Dataset, data::Dataset> WeightedAndRepeated(const data::Dataset& dataset,
                                                            int weight) {
  data::Dataset weighted = dataset;
  data::Labels labels = dataset.labels();
  std::vector<int64_t> repeated_rows;
  for (int64_t row = 0; row < dataset.n_rows(); ++row) {
    const int copies = row % 3 == 0 ? weight : 1;
    labels.weights.push_back(static_cast<float>(copies));
    for (int copy = 0; copy < copies; ++copy) repeated_rows.push_back(row);
  }
  labels.weight_name = "w";
  weighted.set_labels(std::move(labels));
  return {std::move(weighted), dataset.Take(repeated_rows)};
}

void ExpectSamePredictions(const models::TrainedPipeline& lhs, const models::TrainedPipeline& rhs,
                           const data::Dataset& dataset, float tolerance) {
  const std::vector<float> expected = rhs.PredictRaw(dataset);
  const std::vector<float> actual = lhs.PredictRaw(dataset);
  ASSERT_EQ(actual.size(), expected.size());
  for (size_t idx = 0; idx < actual.size(); ++idx) {
    EXPECT_NEAR(actual[idx], expected[idx], tolerance) << "output " << idx;
  }
}

TEST(FitPipeline, AnIntegerWeightEqualsRepeatingTheRow) {
  prep::PreprocessingConfig no_scaling;
  no_scaling.scaler = "none";
  const data::Dataset regression = data::MakeRegression(200, 4, 0.5, 21);
  const auto [weighted, repeated] = WeightedAndRepeated(regression, 3);
  const TrainSpec ols{"linear_regression", {}, no_scaling};
  const auto from_weights = FitPipeline(weighted, ols, Control());
  ExpectSamePredictions(from_weights, FitPipeline(repeated, ols, Control()), regression, 1e-3f);
  EXPECT_EQ(from_weights.metadata().at("weight_column"), "w");
  // The weights change the fit: it is not the unweighted one.
  const std::vector<float> unweighted =
      FitPipeline(regression, ols, Control()).PredictRaw(regression);
  EXPECT_NE(from_weights.PredictRaw(regression), unweighted);

  const data::Dataset classification =
      data::MakeClassification(120, 3, 1, 2, 1.0, 22);  // < 255 distinct values: same bins
  const auto [weighted_classes, repeated_classes] = WeightedAndRepeated(classification, 2);
  // min_samples_leaf counts rows (as LightGBM's min_data_in_leaf), so repeats count more there.
  for (const TrainSpec& spec :
       {TrainSpec{"decision_tree", {{"max_depth", 4}}, std::nullopt},
        TrainSpec{
            "gradient_boosting", {{"n_estimators", 30}, {"min_samples_leaf", 1}}, std::nullopt},
        TrainSpec{"logistic_regression", {}, no_scaling}}) {
    SCOPED_TRACE(spec.model);
    ExpectSamePredictions(FitPipeline(weighted_classes, spec, Control()),
                          FitPipeline(repeated_classes, spec, Control()), classification, 1e-4f);
  }
}

TEST(FitPipeline, ZeroWeightRowsAreIgnored) {
  prep::PreprocessingConfig no_scaling;
  no_scaling.scaler = "none";
  const data::Dataset dataset = data::MakeRegression(150, 3, 0.5, 23);
  data::Dataset weighted = dataset;
  data::Labels labels = dataset.labels();
  std::vector<int64_t> kept;
  for (int64_t row = 0; row < dataset.n_rows(); ++row) {
    // Rows with zero weight get a wild target that would pull an unweighted fit far away.
    const bool drop = row % 4 == 1;
    labels.weights.push_back(drop ? 0.0f : 1.0f);
    if (drop) {
      labels.values[static_cast<size_t>(row)] = 1e4f;
    } else {
      kept.push_back(row);
    }
  }
  weighted.set_labels(std::move(labels));
  const TrainSpec ols{"linear_regression", {}, no_scaling};
  ExpectSamePredictions(FitPipeline(weighted, ols, Control()),
                        FitPipeline(dataset.Take(kept), ols, Control()), dataset, 1e-2f);
}

TEST(FitPipeline, WeightedFitsAreTheSameWithOneOrTwoThreads) {
  const data::Dataset dataset = data::MakeClassification(3000, 5, 2, 3, 1.0, 25);
  data::Dataset weighted = dataset;
  data::Labels labels = dataset.labels();
  for (int64_t row = 0; row < dataset.n_rows(); ++row) {
    labels.weights.push_back(0.25f + static_cast<float>((row * 7919) % 13) / 4.0f);
  }
  weighted.set_labels(std::move(labels));
  for (const std::string model : {"gradient_boosting", "random_forest", "logistic_regression"}) {
    SCOPED_TRACE(model);
    const TrainSpec spec{model, {}, std::nullopt};
    EXPECT_EQ(FitPipeline(weighted, spec, Control(1)).SaveToBuffer(),
              FitPipeline(weighted, spec, Control(2)).SaveToBuffer());
  }
}

TEST(CrossValidate, FoldsCarryTheirRowsWeights) {
  const data::Dataset dataset = data::MakeClassification(300, 4, 1, 2, 1.5, 24);
  data::Dataset unit = dataset;
  data::Labels labels = dataset.labels();
  labels.weights.assign(static_cast<size_t>(dataset.n_rows()), 1.0f);
  unit.set_labels(labels);
  const TrainSpec forest{"random_forest", {{"n_estimators", 10}}, std::nullopt};
  EXPECT_EQ(CrossValidate(unit, forest, 3, "", Control()).fold_scores,
            CrossValidate(dataset, forest, 3, "", Control()).fold_scores);
  // Weighting one class up moves every fold's score.
  for (size_t row = 0; row < labels.weights.size(); ++row) {
    labels.weights[row] = labels.values[row] == 1.0f ? 20.0f : 1.0f;
  }
  data::Dataset skewed = dataset;
  skewed.set_labels(labels);
  EXPECT_NE(CrossValidate(skewed, forest, 3, "", Control()).fold_scores,
            CrossValidate(dataset, forest, 3, "", Control()).fold_scores);
}

TEST(Evaluate, MapsClassesByName) {
  const data::Dataset dataset = data::MakeClassification(300, 3, 0, 3, 3.0, 4);
  const auto pipeline = FitPipeline(dataset, TrainSpec{}, Control());
  // Keep only rows of classes c1 and c2, and rename the dictionary order: still scored right.
  std::vector<int64_t> rows;
  for (int64_t row = 0; row < dataset.n_rows(); ++row) {
    if (dataset.labels().values[static_cast<size_t>(row)] != 0.0f) rows.push_back(row);
  }
  data::Dataset subset = dataset.Take(rows);
  data::Labels relabelled = subset.labels();
  relabelled.classes = {"c2", "c1"};
  for (float& value : relabelled.values) value = value == 1.0f ? 1.0f : 0.0f;
  subset.set_labels(relabelled);
  for (const auto& [name, value] : pipeline.Evaluate(subset)) {
    if (name == "accuracy") {
      EXPECT_GT(value, 0.9);
    }
  }
  relabelled.classes = {"c2", "unknown"};
  subset.set_labels(relabelled);
  EXPECT_THROW(pipeline.Evaluate(subset), Error);
}

TEST(FitPipeline, SpamReachesTheIssueAccuracy) {
  KOLOSAL_REQUIRE_DATASET(path, "spam.csv");
  data::CsvOptions csv;
  csv.target = "type";
  const data::Dataset dataset = data::ReadCsv(path, csv);
  const auto split = data::TrainTestSplit(dataset.n_rows(), 0.25, 42, &dataset.labels());
  const auto pipeline = FitPipeline(dataset.Take(split.train), TrainSpec{}, Control(2));
  for (const auto& [name, value] : pipeline.Evaluate(dataset.Take(split.test))) {
    if (name == "accuracy") {
      EXPECT_GE(value, 0.92);
    }
  }
}

// Tree models take categorical columns natively by default and as one-hot indicator columns
// when asked; both learn a class that depends on the category alone.
TEST(FitPipeline, TreeModelsLearnCategoriesNativelyAndOneHot) {
  std::string csv_text = "colour,size,label\n";
  const char* colours[] = {"red", "green", "blue", "grey", "pink"};
  for (int row = 0; row < 400; ++row) {
    const int colour = (row * 7) % 5;
    csv_text += std::string(colours[colour]) + "," + std::to_string((row * 13) % 17) + "," +
                (colour == 1 || colour == 3 ? "yes" : "no") + "\n";
  }
  data::CsvOptions csv;
  csv.target = "label";
  const data::Dataset dataset = data::ParseCsv(csv_text, csv);
  for (const std::string model : {"decision_tree", "random_forest", "gradient_boosting"}) {
    for (const std::string encoder : {"native", "onehot"}) {
      TrainSpec spec{model, {}, {}};
      spec.preprocessing = prep::PreprocessingConfig::FromJson({{"encoder", encoder}});
      const auto pipeline = FitPipeline(dataset, spec, Control());
      // native: colour codes and size; onehot: five indicators and size.
      EXPECT_EQ(pipeline.model().n_features(), encoder == "native" ? 2 : 6) << model << encoder;
      EXPECT_EQ(pipeline.metadata().at("training_metrics").at("accuracy").get<double>(), 1.0)
          << model << " " << encoder;
      const auto loaded = models::TrainedPipeline::LoadFromBuffer(pipeline.SaveToBuffer());
      EXPECT_EQ(loaded.PredictRaw(dataset), pipeline.PredictRaw(dataset)) << model << encoder;
    }
  }
}

TEST(FitPipeline, MissingValuesAndCategoricalsNeedNoManualWork) {
  KOLOSAL_REQUIRE_DATASET(credit, "credit_data.csv");
  KOLOSAL_REQUIRE_DATASET(ames, "ames.csv");
  data::CsvOptions csv;
  csv.target = "Status";
  const auto credit_model =
      FitPipeline(data::ReadCsv(credit, csv), TrainSpec{"logistic_regression", {}, {}}, Control());
  EXPECT_GT(credit_model.metadata().at("training_metrics").at("accuracy").get<double>(), 0.75);
  csv.target = "Sale_Price";
  const auto ames_model =
      FitPipeline(data::ReadCsv(ames, csv), TrainSpec{"ridge", {}, {}}, Control());
  EXPECT_GT(ames_model.metadata().at("training_metrics").at("r2").get<double>(), 0.8);
}

}  // namespace
}  // namespace kolosal::train
