#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "kolosal/io/model_file.hpp"
#include "kolosal/prep/pipeline.hpp"
#include "prep/prep_test_util.hpp"

namespace kolosal::prep {
namespace {

using data::Column;
using data::Dataset;
using data::FeatureMatrix;
using data::kMissingCode;
using testing::ExpectError;
using testing::MakeObject;
using testing::SameBits;

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

// num = [1, 2, 3, 4, 100, NaN], cat = [a, b, a, missing, b, a].
Dataset SmallData() {
  return Dataset({Column::Numeric("num", {1, 2, 3, 4, 100, kNaN}),
                  Column::Categorical("cat", {0, 1, 0, kMissingCode, 1, 0}, {"a", "b"})},
                 std::nullopt);
}

PreprocessingConfig Config(const nlohmann::json& json) {
  return PreprocessingConfig::FromJson(json);
}

void ExpectMatrix(const FeatureMatrix& matrix, int64_t cols, const std::vector<float>& expected) {
  ASSERT_EQ(matrix.cols, cols);
  ASSERT_EQ(matrix.values.size(), expected.size());
  for (size_t idx = 0; idx < expected.size(); ++idx) {
    if (std::isnan(expected[idx])) {
      EXPECT_TRUE(std::isnan(matrix.values[idx])) << "entry " << idx;
    } else {
      EXPECT_FLOAT_EQ(matrix.values[idx], expected[idx]) << "entry " << idx;
    }
  }
}

std::vector<std::string> FeatureNames(const std::vector<data::FeatureInfo>& features) {
  std::vector<std::string> names;
  for (const data::FeatureInfo& feature : features) names.push_back(feature.name);
  return names;
}

std::vector<uint8_t> SavePipeline(const Pipeline& pipeline) {
  msgpack::sbuffer buffer;
  io::Packer packer(buffer);
  pipeline.Save(packer);
  return {buffer.data(), buffer.data() + buffer.size()};
}

Pipeline LoadPipeline(std::span<const uint8_t> bytes) {
  const msgpack::object_handle handle = io::UnpackPayload(bytes);
  return Pipeline::Load(handle.get());
}

// --- configuration -------------------------------------------------------------------------

TEST(PreprocessingConfigTest, EmptyJsonGivesTheDefaults) {
  EXPECT_EQ(Config(nlohmann::json::object()).ToJson(), PreprocessingConfig().ToJson());
}

TEST(PreprocessingConfigTest, ToJsonRoundTrips) {
  const nlohmann::json json = {{"numeric_imputer", "constant"},
                               {"numeric_fill_value", -2.5},
                               {"categorical_imputer", "constant"},
                               {"categorical_fill_value", "?"},
                               {"scaler", "robust"},
                               {"encoder", "ordinal"},
                               {"max_onehot_categories", 7},
                               {"outliers", "zscore"},
                               {"outlier_threshold", 2.25}};
  const PreprocessingConfig config = Config(json);
  EXPECT_EQ(config.numeric_fill_value, -2.5);
  EXPECT_EQ(config.max_onehot_categories, 7);
  EXPECT_EQ(config.ToJson(), json);
  EXPECT_EQ(Config(config.ToJson()).ToJson(), json);
}

TEST(PreprocessingConfigTest, BadConfigsAreInvalidArguments) {
  ExpectError(
      [] {
        Config({{"scalar", "standard"}});
      },
      StatusCode::kInvalidArgument, "did you mean 'scaler'");
  ExpectError([] { Config({{"encoder", "hot"}}); }, StatusCode::kInvalidArgument, "onehot");
  ExpectError(
      [] {
        Config({{"numeric_imputer", "meen"}});
      },
      StatusCode::kInvalidArgument, "'mean'");
  ExpectError(
      [] {
        Config({{"max_onehot_categories", "10"}});
      },
      StatusCode::kInvalidArgument, "max_onehot_categories");
  ExpectError([] { Config({{"max_onehot_categories", -1}}); }, StatusCode::kInvalidArgument);
  ExpectError([] { Config({{"outlier_threshold", -1.0}}); }, StatusCode::kInvalidArgument);
  ExpectError([] { Config({{"numeric_fill_value", 1e300}}); }, StatusCode::kInvalidArgument);
  ExpectError([] { Config({{"categorical_fill_value", 3}}); }, StatusCode::kInvalidArgument);
  ExpectError([] { Config(nlohmann::json::array({1, 2})); }, StatusCode::kInvalidArgument);
}

TEST(PipelineTest, ConstructorRejectsABadConfigBuiltInCode) {
  PreprocessingConfig config;
  config.scaler = "zscale";
  ExpectError([&] { Pipeline pipeline(config); }, StatusCode::kInvalidArgument, "scaler");
  config = PreprocessingConfig();
  config.outliers = "iqr";
  config.outlier_threshold = -3;
  ExpectError([&] { Pipeline pipeline(config); }, StatusCode::kInvalidArgument, "threshold");
}

// --- known answers -------------------------------------------------------------------------

TEST(PipelineTest, StepsRunInOrderClipImputeEncode) {
  // Clipping comes first: IQR bounds from [1, 2, 3, 4, 100] are q1 2, q3 4 -> [-1, 7], so 100
  // becomes 7; the mean imputed next is then mean(1, 2, 3, 4, 7) = 3.4, not 22. The category 'a'
  // is the most frequent (3 of 5).
  Pipeline pipeline(Config({{"outliers", "iqr"}, {"numeric_imputer", "mean"}, {"scaler", "none"}}));
  const FeatureMatrix matrix = pipeline.FitTransform(SmallData());
  EXPECT_EQ(FeatureNames(matrix.features), (std::vector<std::string>{"num", "cat=a", "cat=b"}));
  ExpectMatrix(matrix, 3, {1, 1, 0, 2, 0, 1, 3, 1, 0, 4, 1, 0, 7, 0, 1, 3.4f, 1, 0});
  EXPECT_EQ(matrix.rows, 6);
  EXPECT_EQ(pipeline.output_features().size(), 3u);
}

TEST(PipelineTest, ScalingSeesImputedValues) {
  // After median imputation num is [1, 2, 3, 4, 100, 3]: mean 18.8333, population std
  // 36.3108 (numpy).
  Pipeline pipeline(Config({{"scaler", "standard"}, {"encoder", "native"}}));
  const FeatureMatrix matrix = pipeline.FitTransform(SmallData());
  EXPECT_NEAR(matrix.values[0], (1 - 18.833333333333332) / 36.31077281224158, 1e-6);
  EXPECT_NEAR(matrix.values[10], (3 - 18.833333333333332) / 36.31077281224158, 1e-6);
}

TEST(PipelineTest, NativeEncodingKeepsCodesAndDescribesThem) {
  Pipeline pipeline(Config({{"numeric_imputer", "none"},
                            {"categorical_imputer", "none"},
                            {"scaler", "none"},
                            {"encoder", "native"}}));
  const FeatureMatrix matrix = pipeline.FitTransform(SmallData());
  ExpectMatrix(matrix, 2, {1, 0, 2, 1, 3, 0, 4, kNaN, 100, 1, kNaN, 0});
  ASSERT_EQ(matrix.features.size(), 2u);
  EXPECT_FALSE(matrix.features[0].categorical);
  EXPECT_TRUE(matrix.features[1].categorical);
  EXPECT_EQ(matrix.features[1].n_categories, 2);
}

TEST(PipelineTest, ConstantCategoricalFillIsOneMoreNativeCategory) {
  Pipeline pipeline(Config({{"categorical_imputer", "constant"}, {"encoder", "native"}}));
  const FeatureMatrix matrix = pipeline.FitTransform(SmallData());
  EXPECT_EQ(matrix.features[1].n_categories, 3);
  EXPECT_EQ(matrix.values[7], 2.0f);  // row 3 was missing -> "missing", code 2
}

TEST(PipelineTest, ColumnsAboveMaxOneHotCategoriesAreOrdinalEncoded) {
  Dataset dataset = SmallData();
  dataset.AddColumn(Column::Categorical("many", {0, 1, 2, 0, 1, 2}, {"p", "q", "r"}));
  Pipeline pipeline(Config({{"max_onehot_categories", 2}, {"scaler", "none"}}));
  const FeatureMatrix matrix = pipeline.FitTransform(dataset);
  EXPECT_EQ(FeatureNames(matrix.features),
            (std::vector<std::string>{"num", "cat=a", "cat=b", "many"}));
  EXPECT_FALSE(matrix.features[3].categorical);
  EXPECT_EQ(matrix.values[3 + 4 * 2], 2.0f);  // row 2 of "many" is "r"
}

// --- unseen categories, missing columns, positional input ----------------------------------

Dataset BatchWithUnseenCategory() {
  // Columns in another order, an extra column, and "c" that training never saw.
  return Dataset({Column::Numeric("extra", {0, 0}), Column::Categorical("cat", {0, 1}, {"c", "b"}),
                  Column::Numeric("num", {2, 3})},
                 std::nullopt);
}

TEST(PipelineTest, UnseenCategoryIsImputedOrEncodedAsAllZerosOrNaN) {
  Pipeline imputed(Config({{"scaler", "none"}}));
  imputed.FitTransform(SmallData());
  ExpectMatrix(imputed.Transform(BatchWithUnseenCategory()), 3, {2, 1, 0, 3, 0, 1});

  Pipeline zeros(Config({{"scaler", "none"}, {"categorical_imputer", "none"}}));
  zeros.FitTransform(SmallData());
  ExpectMatrix(zeros.Transform(BatchWithUnseenCategory()), 3, {2, 0, 0, 3, 0, 1});

  Pipeline ordinal(
      Config({{"scaler", "none"}, {"categorical_imputer", "none"}, {"encoder", "ordinal"}}));
  ordinal.FitTransform(SmallData());
  ExpectMatrix(ordinal.Transform(BatchWithUnseenCategory()), 2, {2, kNaN, 3, 1});
}

TEST(PipelineTest, PassesNumbersThroughOnlyWhenNothingChangesThem) {
  const float inf = std::numeric_limits<float>::infinity();
  const Dataset numeric({Column::Numeric("a", {1.5f, kNaN, -0.0f, inf, -3.0f}),
                         Column::Numeric("b", {0.25f, 7.0f, kNaN, -inf, 1e30f})},
                        std::nullopt);
  const nlohmann::json untouched = {{"numeric_imputer", "none"},
                                    {"categorical_imputer", "none"},
                                    {"scaler", "none"},
                                    {"encoder", "native"}};
  Pipeline pipeline(Config(untouched));
  EXPECT_FALSE(pipeline.PassesNumbersThrough());  // not fitted
  pipeline.FitTransform(numeric);
  ASSERT_TRUE(pipeline.PassesNumbersThrough());
  // The promise: the transform gives back the input's numbers, bit for bit, in row-major order.
  const FeatureMatrix matrix = pipeline.TransformByPosition(numeric);
  const std::vector<float> rows = {1.5f, 0.25f, kNaN, 7.0f, -0.0f, kNaN, inf, -inf, -3.0f, 1e30f};
  EXPECT_TRUE(SameBits(matrix.values, rows));
  EXPECT_TRUE(LoadPipeline(SavePipeline(pipeline)).PassesNumbersThrough());

  for (const auto& [key, value] : {std::pair<std::string, std::string>{"scaler", "standard"},
                                   {"numeric_imputer", "median"},
                                   {"outliers", "iqr"}}) {
    nlohmann::json changed = untouched;
    changed[key] = value;
    Pipeline changing(Config(changed));
    changing.FitTransform(numeric);
    EXPECT_FALSE(changing.PassesNumbersThrough()) << key;
  }
  Pipeline with_categories(Config(untouched));
  with_categories.FitTransform(SmallData());
  EXPECT_FALSE(with_categories.PassesNumbersThrough());
}

TEST(PipelineTest, TransformNamesTheMissingColumn) {
  Pipeline pipeline;
  pipeline.FitTransform(SmallData());
  const Dataset batch({Column::Numeric("num", {1})}, std::nullopt);
  ExpectError([&] { pipeline.Transform(batch); }, StatusCode::kInvalidArgument, "'cat'");
}

TEST(PipelineTest, TransformByPositionFormatsNumbersForCategoricalColumns) {
  const Dataset train(
      {Column::Numeric("num", {1, 2}), Column::Categorical("grade", {0, 1}, {"1", "2.5"})},
      std::nullopt);
  Pipeline pipeline(Config({{"scaler", "none"}}));
  pipeline.FitTransform(train);
  const float dense[] = {7, 2.5f, 8, 1};
  const Dataset batch =
      Dataset::FromDense(dense, data::DType::kFloat32, 2, 2, data::Layout::kRowMajor);
  ExpectMatrix(pipeline.TransformByPosition(batch), 3, {7, 0, 1, 8, 1, 0});
  const Dataset wrong =
      Dataset::FromDense(dense, data::DType::kFloat32, 4, 1, data::Layout::kRowMajor);
  ExpectError([&] { pipeline.TransformByPosition(wrong); }, StatusCode::kInvalidArgument);
}

TEST(PipelineTest, UnfittedAndEmptyInputsAreRejected) {
  Pipeline pipeline;
  ExpectError([&] { pipeline.Transform(SmallData()); }, StatusCode::kFailedPrecondition);
  ExpectError([&] { SavePipeline(pipeline); }, StatusCode::kFailedPrecondition);
  ExpectError([&] { pipeline.FitTransform(Dataset()); }, StatusCode::kInvalidArgument);
  const Dataset no_rows({Column::Numeric("num", {})}, std::nullopt);
  ExpectError([&] { pipeline.FitTransform(no_rows); }, StatusCode::kInvalidArgument);
}

TEST(PipelineTest, ConstantAndAllMissingColumnsGiveFiniteOutput) {
  const Dataset train(
      {Column::Numeric("constant", {5, 5, 5, 5}),
       Column::Numeric("empty", {kNaN, kNaN, kNaN, kNaN}),
       Column::Categorical("no_cat", {kMissingCode, kMissingCode, kMissingCode, kMissingCode},
                           {"u"})},
      std::nullopt);
  for (const char* scaler : {"standard", "minmax", "robust"}) {
    for (const char* outliers : {"none", "iqr", "zscore"}) {
      Pipeline pipeline(Config({{"scaler", scaler}, {"outliers", outliers}}));
      const FeatureMatrix matrix = pipeline.FitTransform(train);
      for (float value : matrix.values) EXPECT_TRUE(std::isfinite(value)) << scaler;
    }
  }
}

// --- feature matrix ------------------------------------------------------------------------

TEST(ToFeatureMatrixTest, WritesRowMajorAcrossManyRowBlocks) {
  constexpr int64_t kRows = 50000;
  std::vector<float> numbers(kRows);
  std::vector<int32_t> codes(kRows);
  for (int64_t row = 0; row < kRows; ++row) {
    numbers[static_cast<size_t>(row)] = static_cast<float>(row) * 0.5f;
    codes[static_cast<size_t>(row)] = row % 4 == 3 ? 9 : static_cast<int32_t>(row % 4);
  }
  const Dataset dataset(
      {Column::Numeric("n", numbers), Column::Categorical("c", codes, {"a", "b", "c"})},
      std::nullopt);
  const FeatureMatrix matrix = ToFeatureMatrix(dataset);
  ASSERT_EQ(matrix.rows, kRows);
  ASSERT_EQ(matrix.cols, 2);
  for (int64_t row = 0; row < kRows; ++row) {
    ASSERT_EQ(matrix.view().at(row, 0), static_cast<float>(row) * 0.5f);
    const float code = matrix.view().at(row, 1);
    if (row % 4 == 3) {
      ASSERT_TRUE(std::isnan(code)) << row;  // code 9 is outside the dictionary
    } else {
      ASSERT_EQ(code, static_cast<float>(row % 4));
    }
  }
  EXPECT_TRUE(matrix.features[1].categorical);
  EXPECT_EQ(matrix.features[1].n_categories, 3);
}

// --- save and load -------------------------------------------------------------------------

std::vector<std::string> Dictionary(std::string_view prefix, int size) {
  std::vector<std::string> dictionary;
  for (int idx = 0; idx < size; ++idx)
    dictionary.push_back(std::string(prefix) + std::to_string(idx));
  return dictionary;
}

// Training data with every kind of awkward column: missing values, outliers, a constant and an
// all-missing numeric column, a small and a large (150-category) categorical column and an
// all-missing categorical one. Values follow a fixed integer recipe, so runs are reproducible.
Dataset MixedData(int n_rows) {
  std::vector<float> spread, constant, empty;
  std::vector<int32_t> small, large, none;
  for (int row = 0; row < n_rows; ++row) {
    const int hash = (row * 7919 + 13) % 1009;
    spread.push_back(row % 7 == 0 ? kNaN : (row % 23 == 5 ? 1e4f : static_cast<float>(hash) / 10));
    constant.push_back(row % 5 == 1 ? kNaN : 3.0f);
    empty.push_back(kNaN);
    small.push_back(row % 6 == 2 ? kMissingCode : hash % 3);
    large.push_back(row % 9 == 4 ? kMissingCode : hash % 150);
    none.push_back(kMissingCode);
  }
  return Dataset(
      {Column::Numeric("spread", spread), Column::Categorical("small", small, {"x", "y", "z"}),
       Column::Numeric("constant", constant), Column::Numeric("empty", empty),
       Column::Categorical("large", large, Dictionary("k", 150)),
       Column::Categorical("none", none, {"only"})},
      std::nullopt);
}

// A later batch: other column order, an extra column, other dictionaries with unseen
// categories, numbers outside the training range.
Dataset MixedBatch(int n_rows) {
  std::vector<float> spread, constant, empty, extra;
  std::vector<int32_t> small, large, none;
  for (int row = 0; row < n_rows; ++row) {
    spread.push_back(row % 4 == 0 ? kNaN : static_cast<float>(row * 37 % 200) - 50);
    constant.push_back(row % 3 == 0 ? 4.0f : 3.0f);
    empty.push_back(row % 2 == 0 ? kNaN : 1.0f);
    extra.push_back(1.0f);
    small.push_back(row % 5 == 0 ? kMissingCode : row % 4);
    large.push_back(row % 160);
    none.push_back(row % 2);
  }
  return Dataset(
      {Column::Numeric("extra", extra), Column::Categorical("none", none, {"only", "new"}),
       Column::Categorical("large", large, Dictionary("k", 160)), Column::Numeric("empty", empty),
       Column::Numeric("constant", constant),
       Column::Categorical("small", small, {"z", "w", "x", "y"}),
       Column::Numeric("spread", spread)},
      std::nullopt);
}

void ExpectSameMatrix(const FeatureMatrix& expected, const FeatureMatrix& actual) {
  EXPECT_EQ(expected.rows, actual.rows);
  EXPECT_EQ(expected.cols, actual.cols);
  EXPECT_TRUE(SameBits(expected.values, actual.values));
  EXPECT_EQ(FeatureNames(expected.features), FeatureNames(actual.features));
}

TEST(PipelineTest, SaveLoadRoundTripIsBitExactForEveryOption) {
  const Dataset train = MixedData(120);
  const Dataset batch = MixedBatch(40);
  int n_checked = 0;
  for (const char* numeric : {"none", "mean", "median", "most_frequent", "constant"}) {
    for (const char* categorical : {"none", "most_frequent", "constant"}) {
      for (const char* scaler : {"none", "standard", "minmax", "robust"}) {
        for (const char* encoder : {"onehot", "ordinal", "native"}) {
          for (const char* outliers : {"none", "iqr", "zscore"}) {
            const nlohmann::json json = {{"numeric_imputer", numeric},
                                         {"numeric_fill_value", -1.25},
                                         {"categorical_imputer", categorical},
                                         {"categorical_fill_value", "NA"},
                                         {"scaler", scaler},
                                         {"encoder", encoder},
                                         {"outliers", outliers},
                                         {"outlier_threshold", outliers[0] == 'i' ? 0.0 : 2.5}};
            SCOPED_TRACE(json.dump());
            Pipeline pipeline(Config(json));
            const FeatureMatrix fitted = pipeline.FitTransform(train);
            const Pipeline loaded = LoadPipeline(SavePipeline(pipeline));
            EXPECT_EQ(loaded.config().ToJson(), pipeline.config().ToJson());
            EXPECT_EQ(FeatureNames(loaded.output_features()),
                      FeatureNames(pipeline.output_features()));
            ExpectSameMatrix(fitted, loaded.Transform(train));
            ExpectSameMatrix(pipeline.Transform(batch), loaded.Transform(batch));
            ++n_checked;
          }
        }
      }
    }
  }
  EXPECT_EQ(n_checked, 540);
}

TEST(PipelineTest, OneHotOutputIsDescribedAfterLoad) {
  Pipeline pipeline(Config({{"max_onehot_categories", 3}}));
  pipeline.FitTransform(MixedData(50));
  // "none" has no observed category, so the imputer fills it with (and appends) "missing".
  const Pipeline loaded = LoadPipeline(SavePipeline(pipeline));
  EXPECT_EQ(FeatureNames(loaded.output_features()),
            (std::vector<std::string>{"spread", "small=x", "small=y", "small=z", "constant",
                                      "empty", "large", "none=only", "none=missing"}));
  EXPECT_EQ(loaded.input_schema().columns.size(), 6u);
}

TEST(PipelineTest, SourceColumnsPointIndicatorsAtTheirInputColumn) {
  Pipeline pipeline(Config({{"max_onehot_categories", 3}}));
  ExpectError([&] { pipeline.SourceColumns(); }, StatusCode::kFailedPrecondition);
  pipeline.FitTransform(MixedData(50));
  // Input: spread, small, constant, empty, large (ordinal), none.
  const std::vector<int64_t> expected{0, 1, 1, 1, 2, 3, 4, 5, 5};
  EXPECT_EQ(pipeline.SourceColumns(), expected);
  EXPECT_EQ(LoadPipeline(SavePipeline(pipeline)).SourceColumns(), expected);
}

// --- corrupt state -------------------------------------------------------------------------

TEST(PipelineTest, EveryTruncationIsACorruptModel) {
  Pipeline pipeline(Config({{"outliers", "iqr"}, {"max_onehot_categories", 3}}));
  pipeline.FitTransform(MixedData(30));
  const std::vector<uint8_t> bytes = SavePipeline(pipeline);
  for (size_t size = 0; size < bytes.size(); ++size) {
    SCOPED_TRACE(size);
    ExpectError([&] { LoadPipeline(std::span(bytes).first(size)); }, StatusCode::kCorruptModel);
  }
}

TEST(PipelineTest, FlippedBytesLoadOrFailAsCorruptButNeverCrash) {
  Pipeline pipeline(
      Config({{"outliers", "zscore"}, {"scaler", "robust"}, {"max_onehot_categories", 3}}));
  pipeline.FitTransform(MixedData(30));
  const std::vector<uint8_t> bytes = SavePipeline(pipeline);
  const Dataset batch = MixedBatch(10);
  for (size_t pos = 0; pos < bytes.size(); ++pos) {
    for (uint8_t mask : {uint8_t{0x01}, uint8_t{0x80}, uint8_t{0xff}}) {
      std::vector<uint8_t> damaged = bytes;
      damaged[pos] ^= mask;
      std::optional<Pipeline> loaded;
      try {
        loaded = LoadPipeline(damaged);
      } catch (const Error& error) {
        EXPECT_EQ(error.code(), StatusCode::kCorruptModel)
            << "byte " << pos << ": " << error.what();
        continue;
      }
      // A damaged file may still load (a changed number, say); it may then reject the batch (a
      // renamed column) as an ordinary error, but must not crash.
      try {
        loaded->Transform(batch);
      } catch (const Error& error) {
        EXPECT_EQ(error.code(), StatusCode::kInvalidArgument)
            << "byte " << pos << ": " << error.what();
      }
    }
  }
}

// One numeric output feature "x": what a pipeline that scales column "x" produces.
void PackNumericFeatureX(io::Packer& packer) {
  packer.pack_array(1);
  packer.pack_map(3);
  packer.pack("name");
  packer.pack("x");
  packer.pack("categorical");
  packer.pack(false);
  packer.pack("n_categories");
  packer.pack(0);
}

// A pipeline state with the given config text, schema, steps and output features.
template <typename WriteSchema, typename WriteSteps, typename WriteFeatures>
msgpack::object_handle PipelineState(std::string_view config, WriteSchema write_schema,
                                     WriteSteps write_steps, WriteFeatures write_features) {
  return MakeObject([&](io::Packer& packer) {
    packer.pack_map(4);
    packer.pack("config");
    packer.pack(config);
    packer.pack("schema");
    write_schema(packer);
    packer.pack("steps");
    write_steps(packer);
    packer.pack("output_features");
    write_features(packer);
  });
}

template <typename WriteSchema, typename WriteSteps>
msgpack::object_handle PipelineState(std::string_view config, WriteSchema write_schema,
                                     WriteSteps write_steps) {
  return PipelineState(config, write_schema, write_steps, PackNumericFeatureX);
}

void PackColumnSchema(io::Packer& packer, std::string_view name, std::string_view type,
                      std::vector<std::string> categories) {
  packer.pack_map(3);
  packer.pack("name");
  packer.pack(name);
  packer.pack("type");
  packer.pack(type);
  packer.pack("categories");
  packer.pack(categories);
}

void PackScalerStep(io::Packer& packer, std::string_view type, std::string_view column) {
  packer.pack_map(2);
  packer.pack("type");
  packer.pack(type);
  packer.pack("state");
  packer.pack_map(4);
  packer.pack("method");
  packer.pack("standard");
  packer.pack("columns");
  packer.pack(std::vector<std::string>{std::string(column)});
  packer.pack("centers");
  io::PackDoubles(packer, std::vector<double>{0.0});
  packer.pack("scales");
  io::PackDoubles(packer, std::vector<double>{1.0});
}

TEST(PipelineTest, MalformedStatesAreCorruptModels) {
  const auto good_schema = [](io::Packer& packer) {
    packer.pack_array(1);
    PackColumnSchema(packer, "x", "numeric", {});
  };
  const auto scaler_on = [](std::string_view type, std::string_view column) {
    return [=](io::Packer& packer) {
      packer.pack_array(1);
      PackScalerStep(packer, type, column);
    };
  };
  const auto load = [](const msgpack::object_handle& handle) { Pipeline::Load(handle.get()); };
  EXPECT_NO_THROW(load(PipelineState("{}", good_schema, scaler_on("scaler", "x"))));

  const std::vector<std::pair<std::string, msgpack::object_handle>> cases = [&] {
    std::vector<std::pair<std::string, msgpack::object_handle>> list;
    list.emplace_back("config is not JSON",
                      PipelineState("{", good_schema, scaler_on("scaler", "x")));
    list.emplace_back("config has an unknown key",
                      PipelineState(R"({"scalar":"none"})", good_schema, scaler_on("scaler", "x")));
    list.emplace_back("unknown step type",
                      PipelineState("{}", good_schema, scaler_on("normalizer", "x")));
    list.emplace_back("step on a column not in the schema",
                      PipelineState("{}", good_schema, scaler_on("scaler", "y")));
    list.emplace_back("steps not a list",
                      PipelineState("{}", good_schema, [](io::Packer& packer) { packer.pack(1); }));
    list.emplace_back("schema empty", PipelineState(
                                          "{}", [](io::Packer& packer) { packer.pack_array(0); },
                                          scaler_on("scaler", "x")));
    list.emplace_back("schema column type unknown", PipelineState(
                                                        "{}",
                                                        [](io::Packer& packer) {
                                                          packer.pack_array(1);
                                                          PackColumnSchema(packer, "x", "text", {});
                                                        },
                                                        scaler_on("scaler", "x")));
    list.emplace_back("numeric column with categories", PipelineState(
                                                            "{}",
                                                            [](io::Packer& packer) {
                                                              packer.pack_array(1);
                                                              PackColumnSchema(packer, "x",
                                                                               "numeric", {"a"});
                                                            },
                                                            scaler_on("scaler", "x")));
    list.emplace_back("duplicate schema column", PipelineState(
                                                     "{}",
                                                     [](io::Packer& packer) {
                                                       packer.pack_array(2);
                                                       PackColumnSchema(packer, "x", "numeric", {});
                                                       PackColumnSchema(packer, "x", "numeric", {});
                                                     },
                                                     scaler_on("scaler", "x")));
    list.emplace_back("schema entry not a map", PipelineState(
                                                    "{}",
                                                    [](io::Packer& packer) {
                                                      packer.pack_array(1);
                                                      packer.pack("x");
                                                    },
                                                    scaler_on("scaler", "x")));
    list.emplace_back("config not a string", MakeObject([](io::Packer& packer) {
                        packer.pack_map(3);
                        packer.pack("config");
                        packer.pack_map(0);
                        packer.pack("schema");
                        packer.pack_array(0);
                        packer.pack("steps");
                        packer.pack_array(0);
                      }));
    list.emplace_back("not a map", MakeObject([](io::Packer& packer) { packer.pack(true); }));
    list.emplace_back("output features do not match the steps",
                      PipelineState("{}", good_schema, scaler_on("scaler", "x"),
                                    [](io::Packer& packer) { packer.pack_array(0); }));
    list.emplace_back(
        "output feature of the wrong type",
        PipelineState("{}", good_schema, scaler_on("scaler", "x"), [](io::Packer& packer) {
          packer.pack_array(1);
          packer.pack_map(3);
          packer.pack("name");
          packer.pack("x");
          packer.pack("categorical");
          packer.pack("no");
          packer.pack("n_categories");
          packer.pack(0);
        }));
    list.emplace_back("output features missing", MakeObject([](io::Packer& packer) {
                        packer.pack_map(3);
                        packer.pack("config");
                        packer.pack("{}");
                        packer.pack("schema");
                        packer.pack_array(1);
                        PackColumnSchema(packer, "x", "numeric", {});
                        packer.pack("steps");
                        packer.pack_array(0);
                      }));
    return list;
  }();
  for (const auto& [what, handle] : cases) {
    SCOPED_TRACE(what);
    ExpectError([&] { load(handle); }, StatusCode::kCorruptModel);
  }
}

// --- concurrency ---------------------------------------------------------------------------

TEST(PipelineTest, ConcurrentTransformsGiveIdenticalResults) {
  Pipeline pipeline(Config({{"outliers", "iqr"},
                            {"scaler", "robust"},
                            {"max_onehot_categories", 3},
                            {"categorical_imputer", "constant"}}));
  pipeline.FitTransform(MixedData(500));
  const Dataset batch = MixedBatch(2000);
  const FeatureMatrix expected = pipeline.Transform(batch);
  constexpr int kThreads = 8;
  constexpr int kRepeats = 10;
  std::vector<int> mismatches(kThreads, 0);
  std::vector<std::thread> threads;
  for (int thread_idx = 0; thread_idx < kThreads; ++thread_idx) {
    threads.emplace_back([&, thread_idx] {
      for (int repeat = 0; repeat < kRepeats; ++repeat) {
        const FeatureMatrix actual = pipeline.Transform(batch);
        if (!SameBits(expected.values, actual.values))
          ++mismatches[static_cast<size_t>(thread_idx)];
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(mismatches, std::vector<int>(kThreads, 0));
}

}  // namespace
}  // namespace kolosal::prep
