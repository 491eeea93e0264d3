// TrainedPipeline::LoadFromBuffer's own consistency checks. The io layer's tests cover the frame
// (magic, version, size, CRC); here every payload has a valid frame around contents that do not
// fit together, so only the pipeline's checks can reject them.
#include <gtest/gtest.h>

#include <cstring>
#include <functional>
#include <limits>
#include <msgpack.hpp>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "kolosal/core/error.hpp"
#include "kolosal/core/fit_control.hpp"
#include "kolosal/data/synthetic.hpp"
#include "kolosal/io/model_file.hpp"
#include "kolosal/io/msgpack_io.hpp"
#include "kolosal/models/registry.hpp"
#include "kolosal/models/trained_pipeline.hpp"
#include "linear_test_helpers.hpp"

namespace kolosal::models {
namespace {

using kolosal::testing::ExpectError;
using PackValue = std::function<void(io::Packer&)>;

/// `type` (default params) with its default preprocessing on `dataset`.
TrainedPipeline FitType(const data::Dataset& dataset, const std::string& type,
                        nlohmann::json metadata = nlohmann::json::object()) {
  const ModelEntry& entry = ModelRegistry::Builtin().Find(type);
  prep::Pipeline pipeline(DefaultPreprocessing(entry.traits));
  const data::FeatureMatrix matrix = pipeline.FitTransform(dataset);
  const data::Labels& labels = dataset.labels();
  const TrainData train{matrix.view(),   labels.values, {},
                        matrix.features, labels.task,   labels.n_classes()};
  std::unique_ptr<Model> model =
      entry.create(nlohmann::json::object(), labels.task)->Fit(train, FitControl{});
  return TrainedPipeline(std::move(pipeline), std::move(model), labels.classes, "y",
                         std::move(metadata));
}

/// A logistic regression on `n_features` informative features and `n_classes` classes, with the
/// model type's default preprocessing.
TrainedPipeline FitSmall(int n_features, int n_classes) {
  return FitType(data::MakeClassification(200, n_features, 0, n_classes, 3.0, 7),
                 "logistic_regression", {{"note", "test"}});
}

/// Packs `object` with the value at `path` (a chain of map keys) replaced by `replacement`.
void PackReplacing(io::Packer& packer, const msgpack::object& object,
                   std::span<const std::string_view> path, const PackValue& replacement) {
  if (path.empty()) {
    replacement(packer);
    return;
  }
  ASSERT_EQ(object.type, msgpack::type::MAP) << "no map at '" << path.front() << "'";
  bool found = false;
  packer.pack_map(object.via.map.size);
  for (const msgpack::object_kv& entry : std::span(object.via.map.ptr, object.via.map.size)) {
    packer.pack(entry.key);
    if (entry.key.as<std::string_view>() != path.front()) {
      packer.pack(entry.val);
      continue;
    }
    found = true;
    PackReplacing(packer, entry.val, path.subspan(1), replacement);
  }
  ASSERT_TRUE(found) << "no key '" << path.front() << "'";
}

/// The model file `bytes` with one value replaced, re-framed with a fresh size and checksum.
std::vector<uint8_t> Rewrite(std::span<const uint8_t> bytes, std::vector<std::string_view> path,
                             const PackValue& replacement) {
  const msgpack::object_handle handle = io::UnpackPayload(io::UnframePayload(bytes));
  msgpack::sbuffer buffer;
  io::Packer packer(buffer);
  PackReplacing(packer, handle.get(), path, replacement);
  return io::FramePayload(std::string_view(buffer.data(), buffer.size()));
}

PackValue String(std::string value) {
  return [value = std::move(value)](io::Packer& packer) { packer.pack(value); };
}

void ExpectCorrupt(std::span<const uint8_t> bytes, std::string_view message) {
  ExpectError([&] { TrainedPipeline::LoadFromBuffer(bytes); }, StatusCode::kCorruptModel, message);
}

class TrainedPipelineLoadTest : public ::testing::Test {
 protected:
  const TrainedPipeline binary_ = FitSmall(2, 2);
  const std::vector<uint8_t> bytes_ = binary_.SaveToBuffer();
};

TEST_F(TrainedPipelineLoadTest, AnUnchangedRewriteLoads) {
  // The rewriting itself yields a loadable file, so each failure below comes from its change.
  const TrainedPipeline loaded =
      TrainedPipeline::LoadFromBuffer(Rewrite(bytes_, {"target"}, String("renamed")));
  EXPECT_EQ(loaded.target_name(), "renamed");
  EXPECT_EQ(loaded.classes(), binary_.classes());
  EXPECT_EQ(loaded.metadata(), binary_.metadata());
}

TEST_F(TrainedPipelineLoadTest, AnotherFormatNameIsNotAKolosalModel) {
  ExpectCorrupt(Rewrite(bytes_, {"format"}, String("other-model")),
                "corrupt model: not a Kolosal model payload");
}

TEST_F(TrainedPipelineLoadTest, MetadataMustBeJson) {
  ExpectCorrupt(Rewrite(bytes_, {"metadata"}, String("{\"note\": ")),
                "corrupt model: metadata is not valid JSON");
}

TEST_F(TrainedPipelineLoadTest, TheFileTaskMustMatchTheModel) {
  ExpectCorrupt(Rewrite(bytes_, {"task"}, String("regression")),
                "corrupt model: model task does not match the file's task");
}

TEST_F(TrainedPipelineLoadTest, ThePipelineMustFeedTheModelsFeatureCount) {
  const TrainedPipeline wider = FitSmall(3, 2);
  const PackValue three_feature_pipeline = [&](io::Packer& packer) {
    wider.pipeline().Save(packer);
  };
  ExpectCorrupt(Rewrite(bytes_, {"pipeline"}, three_feature_pipeline),
                "corrupt model: pipeline output does not match the model's feature count");
}

TEST_F(TrainedPipelineLoadTest, TheClassListMustMatchTheModel) {
  const std::vector<std::string> three = {"a", "b", "c"};
  ExpectCorrupt(Rewrite(bytes_, {"classes"}, [&](io::Packer& packer) { packer.pack(three); }),
                "corrupt model: class list does not match the model");
  const std::vector<std::string> one = {"a"};
  ExpectCorrupt(Rewrite(bytes_, {"classes"}, [&](io::Packer& packer) { packer.pack(one); }),
                "corrupt model: class list does not match the model");
}

TEST_F(TrainedPipelineLoadTest, AnUnknownModelTypeIsNamed) {
  ExpectCorrupt(Rewrite(bytes_, {"model", "type"}, String("no_such_model")),
                "corrupt model: unknown model type 'no_such_model'");
}

TEST_F(TrainedPipelineLoadTest, AFieldOfTheWrongTypeIsCorrupt) {
  ExpectCorrupt(Rewrite(bytes_, {"metadata"}, [](io::Packer& packer) { packer.pack(42); }),
                "metadata");
}

// --- feature importance per input column ----------------------------------------------------

/// `num` (noise) and `grade` (4 categories); the class is 1 exactly for grades "b" and "c".
data::Dataset GradesDataset() {
  std::vector<float> num;
  std::vector<int32_t> grade;
  data::Labels labels{"y", Task::kClassification, {}, {"no", "yes"}};
  for (int row = 0; row < 120; ++row) {
    num.push_back(static_cast<float>((row * 37) % 101));
    grade.push_back(row % 4);
    labels.values.push_back(row % 4 == 1 || row % 4 == 2 ? 1.0f : 0.0f);
  }
  return data::Dataset({data::Column::Numeric("num", num),
                        data::Column::Categorical("grade", grade, {"a", "b", "c", "d"})},
                       labels);
}

TrainedPipeline FitOnGrades(std::string_view model_type, const prep::PreprocessingConfig& config) {
  const data::Dataset dataset = GradesDataset();
  const data::Labels& labels = dataset.labels();
  const ModelEntry& entry = ModelRegistry::Builtin().Find(model_type);
  prep::Pipeline pipeline(config);
  const data::FeatureMatrix matrix = pipeline.FitTransform(dataset);
  const TrainData train{matrix.view(), labels.values, {}, matrix.features, labels.task, 2};
  std::unique_ptr<Model> model =
      entry.create(nlohmann::json::object(), labels.task)->Fit(train, FitControl{});
  return TrainedPipeline(std::move(pipeline), std::move(model), labels.classes, "y", {});
}

TEST(TrainedPipelineImportance, IndicatorColumnsAddUpToTheirInputColumn) {
  prep::PreprocessingConfig onehot;
  onehot.encoder = "onehot";
  for (const std::string_view type : {"logistic_regression", "random_forest"}) {
    const TrainedPipeline fitted = FitOnGrades(type, onehot);
    ASSERT_EQ(fitted.model().n_features(), 5);  // num, grade=a, grade=b, grade=c, grade=d
    for (const ImportanceType kind : kImportanceTypes) {
      const std::vector<double> per_output = fitted.model().FeatureImportance(kind);
      const std::vector<double> per_input = fitted.FeatureImportance(kind);
      if (per_output.empty()) {
        EXPECT_TRUE(per_input.empty());
        continue;
      }
      SCOPED_TRACE(std::string(type) + " " + std::string(ImportanceTypeName(kind)));
      ASSERT_EQ(per_input.size(), 2u);
      EXPECT_EQ(per_input[0], per_output[0]);
      EXPECT_DOUBLE_EQ(per_input[1], per_output[1] + per_output[2] + per_output[3] + per_output[4]);
      EXPECT_GT(per_input[1], per_input[0]);
    }
  }
}

TEST(TrainedPipelineImportance, EachModelFamilyHasItsOwnTypes) {
  prep::PreprocessingConfig native;
  native.encoder = "native";
  const TrainedPipeline tree = FitOnGrades("decision_tree", native);
  EXPECT_FALSE(tree.FeatureImportance(ImportanceType::kGain).empty());
  EXPECT_FALSE(tree.FeatureImportance(ImportanceType::kSplit).empty());
  EXPECT_TRUE(tree.FeatureImportance(ImportanceType::kCoefficient).empty());
  // A native partition of the grades separates the classes in one split.
  EXPECT_EQ(tree.FeatureImportance(ImportanceType::kSplit), (std::vector<double>{0.0, 1.0}));

  const TrainedPipeline linear = FitOnGrades("logistic_regression", prep::PreprocessingConfig{});
  EXPECT_TRUE(linear.FeatureImportance(ImportanceType::kGain).empty());
  EXPECT_TRUE(linear.FeatureImportance(ImportanceType::kSplit).empty());
  EXPECT_EQ(linear.FeatureImportance(ImportanceType::kCoefficient).size(), 2u);
}

// Per input column: the indicator columns of a one-hot encoded column add up, and the bias and
// every row's total stay the model's.
TEST(TrainedPipelineContributions, IndicatorColumnsAddUpAndRowsKeepTheirTotal) {
  prep::PreprocessingConfig onehot;
  onehot.encoder = "onehot";
  prep::PreprocessingConfig native;
  native.encoder = "native";
  const data::Dataset dataset = GradesDataset();
  for (const auto& [type, config] :
       {std::pair{"logistic_regression", onehot}, std::pair{"gradient_boosting", onehot},
        std::pair{"gradient_boosting", native}, std::pair{"random_forest", onehot}}) {
    SCOPED_TRACE(std::string(type) + " " + config.encoder);
    const TrainedPipeline fitted = FitOnGrades(type, config);
    const data::FeatureMatrix matrix = fitted.pipeline().Transform(dataset);
    const int64_t model_width = matrix.cols + 1;
    std::vector<float> per_feature(static_cast<size_t>(matrix.rows * 2 * model_width));
    ASSERT_TRUE(fitted.model().Contributions(matrix.view(), per_feature));
    const std::vector<float> per_input = fitted.Contributions(dataset);
    ASSERT_EQ(per_input.size(), static_cast<size_t>(matrix.rows * 2 * 3));
    for (int64_t block = 0; block < matrix.rows * 2; ++block) {
      const float* model_values = per_feature.data() + block * model_width;
      const float* input_values = per_input.data() + block * 3;
      EXPECT_EQ(input_values[0], model_values[0]);
      float grade = 0.0f;
      for (int64_t col = 1; col < matrix.cols; ++col) grade += model_values[col];
      EXPECT_EQ(input_values[1], grade);
      EXPECT_EQ(input_values[2], model_values[model_width - 1]);
    }
  }
}

bool SameFloats(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

TEST(TrainedPipelineDense, RowsInPlaceGiveTheTransformsOutputsBitForBit) {
  data::Dataset dataset = data::MakeClassification(200, 4, 1, 3, 2.0, 11);
  // Edge values in the training data and in the rows to predict.
  dataset.mutable_column(0).values[3] = std::numeric_limits<float>::quiet_NaN();
  dataset.mutable_column(1).values[5] = -0.0f;
  std::vector<float> rows;
  for (int64_t row = 0; row < 40; ++row) {
    for (int64_t col = 0; col < dataset.n_features(); ++col) {
      rows.push_back(dataset.column(col).values[static_cast<size_t>(row)]);
    }
  }
  rows[7] = std::numeric_limits<float>::quiet_NaN();
  const float finite = rows[2];
  const int64_t cols = dataset.n_features();
  // Trees need no transform (rows read in place); logistic regression scales (the dataset path)
  // and needs finite values.
  for (const std::string type : {"gradient_boosting", "random_forest", "logistic_regression"}) {
    SCOPED_TRACE(type);
    rows[2] = type == "logistic_regression" ? finite : std::numeric_limits<float>::infinity();
    const data::Dataset as_dataset = data::Dataset::FromDense(rows.data(), data::DType::kFloat32,
                                                              40, cols, data::Layout::kRowMajor);
    const TrainedPipeline model = FitType(dataset, type);
    EXPECT_EQ(model.pipeline().PassesNumbersThrough(), type != "logistic_regression");
    EXPECT_TRUE(SameFloats(model.PredictRawDense(rows.data(), 40, cols),
                           model.PredictRawByPosition(as_dataset)));
    ExpectError([&] { model.PredictRawDense(rows.data(), 8, cols - 1); },
                StatusCode::kInvalidArgument, "columns");
  }
}

TEST(TrainedPipelineDense, CategoricalColumnsTakeTheDatasetPath) {
  const data::Dataset dataset(
      {data::Column::Numeric("x", {1, 2, 3, 4, 5, 6, 7, 8}),
       data::Column::Categorical("c", {0, 1, 2, 0, 1, 2, 0, 1}, {"5", "7", "9"})},
      data::Labels{"y", Task::kRegression, {1, 2, 3, 1, 2, 3, 1, 2}, {}});
  const TrainedPipeline model = FitType(dataset, "gradient_boosting");
  EXPECT_FALSE(model.pipeline().PassesNumbersThrough());
  const std::vector<float> rows = {2, 7, 5, 9, 8, 5};  // categories given as their numbers
  EXPECT_TRUE(SameFloats(model.PredictRawDense(rows.data(), 3, 2),
                         model.PredictRawByPosition(data::Dataset::FromDense(
                             rows.data(), data::DType::kFloat32, 3, 2, data::Layout::kRowMajor))));
}

}  // namespace
}  // namespace kolosal::models
