#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "common/expect_error.hpp"
#include "kolosal/core/error.hpp"
#include "kolosal/data/schema.hpp"

namespace kolosal::data {
namespace {

using ::kolosal::testing::ExpectError;

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

// The StatusCode of the kolosal::Error that `action` throws, and its message.
template <typename Action>
std::pair<StatusCode, std::string> CaptureError(Action&& action) {
  try {
    action();
  } catch (const Error& error) {
    return {error.code(), error.what()};
  }
  return {StatusCode::kOk, ""};
}

Dataset TrainingData() {
  return Dataset({Column::Numeric("age", {30.0f, 40.0f, kNaN}),
                  Column::Categorical("color", {0, 1, kMissingCode}, {"red", "green"})},
                 std::nullopt);
}

TEST(SchemaTest, OfRecordsNamesTypesAndDictionaries) {
  const Schema schema = Schema::Of(TrainingData());
  ASSERT_EQ(schema.columns.size(), 2u);
  EXPECT_EQ(schema.columns[0].name, "age");
  EXPECT_EQ(schema.columns[0].type, ColumnType::kNumeric);
  EXPECT_TRUE(schema.columns[0].categories.empty());
  EXPECT_EQ(schema.columns[1].name, "color");
  EXPECT_EQ(schema.columns[1].type, ColumnType::kCategorical);
  EXPECT_EQ(schema.columns[1].categories, (std::vector<std::string>{"red", "green"}));
}

TEST(SchemaTest, OfRejectsDuplicateNames) {
  const Dataset dataset({Column::Numeric("x", {1.0f}), Column::Numeric("x", {2.0f})}, std::nullopt);
  const auto [code, message] = CaptureError([&] { Schema::Of(dataset); });
  EXPECT_EQ(code, StatusCode::kInvalidArgument);
  EXPECT_NE(message.find("'x'"), std::string::npos) << message;
}

TEST(SchemaTest, AlignMatchesByNameAndIgnoresExtraColumns) {
  const Schema schema = Schema::Of(TrainingData());
  Dataset input({Column::Numeric("extra", {9.0f, 9.0f}),
                 Column::Categorical("color", {1, 0}, {"red", "green"}),
                 Column::Numeric("age", {50.0f, kNaN})},
                std::nullopt);
  input.set_labels(Labels{"target", Task::kRegression, {1.0f, 2.0f}, {}});
  const Dataset aligned = schema.Align(input);
  ASSERT_EQ(aligned.n_features(), 2);
  EXPECT_EQ(aligned.column(0).name, "age");
  EXPECT_EQ(aligned.column(0).values[0], 50.0f);
  EXPECT_TRUE(std::isnan(aligned.column(0).values[1]));
  EXPECT_EQ(aligned.column(1).name, "color");
  EXPECT_EQ(aligned.column(1).codes, (std::vector<int32_t>{1, 0}));
  ASSERT_TRUE(aligned.has_labels());
  EXPECT_EQ(aligned.labels().values, (std::vector<float>{1.0f, 2.0f}));
}

TEST(SchemaTest, AlignRemapsCodesByTextAndUnseenBecomesMissing) {
  const Schema schema = Schema::Of(TrainingData());
  // A batch with its own dictionary: "green" has code 0 here, "blue" was never seen, and code 7
  // is outside the dictionary.
  const Dataset input(
      {Column::Numeric("age", {1.0f, 2.0f, 3.0f, 4.0f, 5.0f}),
       Column::Categorical("color", {0, 1, 2, kMissingCode, 7}, {"green", "blue", "red"})},
      std::nullopt);
  const Column color = schema.Align(input).column(1);
  EXPECT_EQ(color.codes, (std::vector<int32_t>{1, kMissingCode, 0, kMissingCode, kMissingCode}));
  EXPECT_EQ(color.categories, (std::vector<std::string>{"red", "green"}));
}

TEST(SchemaTest, AlignNamesTheMissingColumn) {
  const Schema schema = Schema::Of(TrainingData());
  const Dataset input({Column::Numeric("age", {1.0f})}, std::nullopt);
  const auto [code, message] = CaptureError([&] { schema.Align(input); });
  EXPECT_EQ(code, StatusCode::kInvalidArgument);
  EXPECT_NE(message.find("'color'"), std::string::npos) << message;
}

TEST(SchemaTest, NumericInputForCategoricalColumnLooksUpShortestText) {
  Schema schema;
  schema.columns.push_back({"grade", ColumnType::kCategorical, {"3", "2.5", "0.1", "x", "-0"}});
  const Dataset input({Column::Numeric("grade", {3.0f, 2.5f, 7.0f, kNaN, 0.1f, -0.0f})},
                      std::nullopt);
  const Column grade = schema.Align(input).column(0);
  EXPECT_EQ(grade.type, ColumnType::kCategorical);
  EXPECT_EQ(grade.codes, (std::vector<int32_t>{0, 1, kMissingCode, kMissingCode, 2, 4}));
  EXPECT_EQ(grade.categories, schema.columns[0].categories);
}

TEST(SchemaTest, CategoricalInputForNumericColumnParsesNumbers) {
  Schema schema;
  schema.columns.push_back({"size", ColumnType::kNumeric, {}});
  const Dataset input(
      {Column::Categorical("size", {0, 1, 2, 3, kMissingCode, 0}, {"1.5", " 2 ", "-3e2", "+4"})},
      std::nullopt);
  const Column size = schema.Align(input).column(0);
  ASSERT_EQ(size.type, ColumnType::kNumeric);
  ASSERT_EQ(size.values.size(), 6u);
  EXPECT_EQ(size.values[0], 1.5f);
  EXPECT_EQ(size.values[1], 2.0f);
  EXPECT_EQ(size.values[2], -300.0f);
  EXPECT_EQ(size.values[3], 4.0f);
  EXPECT_TRUE(std::isnan(size.values[4]));
  EXPECT_EQ(size.values[5], 1.5f);
  EXPECT_TRUE(size.categories.empty());
  EXPECT_TRUE(size.codes.empty());
}

// Text that is not a number where the model saw numbers is an error naming the column, the row
// and the text, not a value silently imputed.
TEST(SchemaTest, TextInANumericColumnIsAnError) {
  Schema schema;
  schema.columns.push_back({"size", ColumnType::kNumeric, {}});
  for (const char* text : {"abc", "4x", ""}) {
    const Dataset input({Column::Categorical("size", {0, 0, 1}, {"1.5", text})}, std::nullopt);
    ExpectError([&] { schema.Align(input); }, StatusCode::kInvalidArgument, "column 'size'",
                "row 3", "'" + std::string(text) + "' is not a number");
  }
}

TEST(SchemaTest, AlignByPositionTakesColumnsInOrderAndRenamesThem) {
  const Schema schema = Schema::Of(TrainingData());
  const Dataset input({Column::Numeric("f0", {1.0f, 2.0f}), Column::Numeric("f1", {1.0f, 5.0f})},
                      std::nullopt);
  Schema numeric_color = schema;
  numeric_color.columns[1].categories = {"1", "2"};
  const Dataset aligned = numeric_color.AlignByPosition(input);
  EXPECT_EQ(aligned.feature_names(), (std::vector<std::string>{"age", "color"}));
  EXPECT_EQ(aligned.column(0).values, (std::vector<float>{1.0f, 2.0f}));
  EXPECT_EQ(aligned.column(1).codes, (std::vector<int32_t>{0, kMissingCode}));
}

TEST(SchemaTest, AlignByPositionRequiresTheSameColumnCount) {
  const Schema schema = Schema::Of(TrainingData());
  const Dataset input(
      {Column::Numeric("f0", {1.0f}), Column::Numeric("f1", {1.0f}), Column::Numeric("f2", {1.0f})},
      std::nullopt);
  const auto [code, message] = CaptureError([&] { schema.AlignByPosition(input); });
  EXPECT_EQ(code, StatusCode::kInvalidArgument);
  EXPECT_NE(message.find("expected 2 columns, got 3"), std::string::npos) << message;
}

TEST(SchemaTest, MapDictionaryMatchesByText) {
  const std::vector<std::string> training = {"a", "b", "c"};
  EXPECT_EQ(MapDictionary(training, training), (std::vector<int32_t>{0, 1, 2}));
  const std::vector<std::string> batch = {"c", "z", "a"};
  const std::vector<int32_t> table = MapDictionary(batch, training);
  EXPECT_EQ(table, (std::vector<int32_t>{2, kMissingCode, 0}));
  EXPECT_EQ(MapCode(table, 0), 2);
  EXPECT_EQ(MapCode(table, kMissingCode), kMissingCode);
  EXPECT_EQ(MapCode(table, 3), kMissingCode);
}

}  // namespace
}  // namespace kolosal::data
