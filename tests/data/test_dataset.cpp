#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "common/expect_error.hpp"
#include "kolosal/core/error.hpp"
#include "kolosal/data/dataset.hpp"

namespace kolosal::data {
namespace {

using ::kolosal::testing::ExpectError;

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

// 3 rows x 2 columns: column 0 = {1, 2, 3}, column 1 = {10, NaN, 30}.
void ExpectThreeByTwo(const Dataset& data) {
  ASSERT_EQ(data.n_rows(), 3);
  ASSERT_EQ(data.n_features(), 2);
  EXPECT_EQ(data.column(0).values, (std::vector<float>{1.0f, 2.0f, 3.0f}));
  EXPECT_FLOAT_EQ(data.column(1).values[0], 10.0f);
  EXPECT_TRUE(std::isnan(data.column(1).values[1]));
  EXPECT_FLOAT_EQ(data.column(1).values[2], 30.0f);
  EXPECT_FALSE(data.has_labels());
}

TEST(Dataset, FromDenseFloat32RowMajor) {
  const std::vector<float> buffer = {1, 10, 2, kNaN, 3, 30};
  const Dataset data = Dataset::FromDense(buffer.data(), DType::kFloat32, 3, 2, Layout::kRowMajor);
  ExpectThreeByTwo(data);
  EXPECT_EQ(data.feature_names(), (std::vector<std::string>{"f0", "f1"}));
}

TEST(Dataset, FromDenseFloat32ColumnMajor) {
  const std::vector<float> buffer = {1, 2, 3, 10, kNaN, 30};
  ExpectThreeByTwo(Dataset::FromDense(buffer.data(), DType::kFloat32, 3, 2, Layout::kColumnMajor));
}

TEST(Dataset, FromDenseFloat64RowMajorWithNames) {
  const std::vector<double> buffer = {1, 10, 2, std::nan(""), 3, 30};
  const Dataset data =
      Dataset::FromDense(buffer.data(), DType::kFloat64, 3, 2, Layout::kRowMajor, {"a", "b"});
  ExpectThreeByTwo(data);
  EXPECT_EQ(data.feature_names(), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(data.FindColumn("b"), 1);
  EXPECT_EQ(data.FindColumn("c"), -1);
}

TEST(Dataset, FromDenseFloat64ColumnMajor) {
  const std::vector<double> buffer = {1, 2, 3, 10, std::nan(""), 30};
  ExpectThreeByTwo(Dataset::FromDense(buffer.data(), DType::kFloat64, 3, 2, Layout::kColumnMajor));
}

TEST(Dataset, FromDenseErrors) {
  const std::vector<float> buffer(6, 1.0f);
  ExpectError([] { Dataset::FromDense(nullptr, DType::kFloat32, 2, 2, Layout::kRowMajor); },
              StatusCode::kInvalidArgument, "NULL");
  ExpectError([&] { Dataset::FromDense(buffer.data(), DType::kFloat32, -1, 2, Layout::kRowMajor); },
              StatusCode::kInvalidArgument, "negative");
  ExpectError(
      [&] { Dataset::FromDense(buffer.data(), DType::kFloat32, 3, 2, Layout::kRowMajor, {"a"}); },
      StatusCode::kInvalidArgument, "1 feature names for 2 columns");
}

TEST(Dataset, FromDenseEmptyIsAllowed) {
  const Dataset data = Dataset::FromDense(nullptr, DType::kFloat32, 0, 3, Layout::kRowMajor);
  EXPECT_EQ(data.n_rows(), 0);
  EXPECT_EQ(data.n_features(), 3);
}

Dataset MixedDataset() {
  std::vector<Column> columns;
  columns.push_back(Column::Numeric("x", {0.5f, 1.5f, 2.5f, 3.5f}));
  columns.push_back(Column::Categorical("c", {0, 1, kMissingCode, 0}, {"red", "blue"}));
  Labels labels{"y", Task::kClassification, {1, 0, 1, 0}, {"no", "yes"}};
  return Dataset(std::move(columns), std::move(labels));
}

TEST(Dataset, TakeSelectsRowsOfFeaturesAndLabels) {
  const Dataset data = MixedDataset();
  const Dataset taken = data.Take({3, 0, 0});
  ASSERT_EQ(taken.n_rows(), 3);
  EXPECT_EQ(taken.column(0).values, (std::vector<float>{3.5f, 0.5f, 0.5f}));
  EXPECT_EQ(taken.column(1).codes, (std::vector<int32_t>{0, 0, 0}));
  EXPECT_EQ(taken.column(1).categories, (std::vector<std::string>{"red", "blue"}));
  EXPECT_EQ(taken.labels().values, (std::vector<float>{0, 1, 1}));
  EXPECT_EQ(taken.labels().classes, (std::vector<std::string>{"no", "yes"}));
  EXPECT_EQ(data.Take({}).n_rows(), 0);
}

TEST(Dataset, TakeRejectsRowsOutOfRange) {
  const Dataset data = MixedDataset();
  ExpectError([&] { data.Take({0, 4}); }, StatusCode::kInvalidArgument, "row index 4");
  ExpectError([&] { data.Take({-1}); }, StatusCode::kInvalidArgument, "row index -1");
}

TEST(Dataset, ReplaceColumnKeepsOrder) {
  Dataset data = MixedDataset();
  data.AddColumn(Column::Numeric("z", {1, 2, 3, 4}));
  std::vector<Column> one_hot;
  one_hot.push_back(Column::Numeric("c=red", {1, 0, 0, 1}));
  one_hot.push_back(Column::Numeric("c=blue", {0, 1, 0, 0}));
  data.ReplaceColumn(1, std::move(one_hot));
  EXPECT_EQ(data.feature_names(), (std::vector<std::string>{"x", "c=red", "c=blue", "z"}));
  data.ReplaceColumn(0, {});
  EXPECT_EQ(data.feature_names(), (std::vector<std::string>{"c=red", "c=blue", "z"}));
  EXPECT_EQ(data.n_rows(), 4);
}

TEST(Dataset, ReplaceColumnErrors) {
  Dataset data = MixedDataset();
  ExpectError([&] { data.ReplaceColumn(2, {}); }, StatusCode::kInvalidArgument, "out of range");
  ExpectError([&] { data.ReplaceColumn(0, {Column::Numeric("short", {1})}); },
              StatusCode::kInvalidArgument, "'short'");
  EXPECT_EQ(data.n_features(), 2);
}

TEST(Dataset, ColumnsAndLabelsMustAgreeOnRows) {
  ExpectError(
      [] {
        Dataset({Column::Numeric("a", {1, 2}), Column::Numeric("b", {1})}, std::nullopt);
      },
      StatusCode::kInvalidArgument, "'b'");
  ExpectError(
      [] {
        Dataset({Column::Numeric("a", {1, 2})}, Labels{"y", Task::kRegression, {1}, {}});
      },
      StatusCode::kInvalidArgument, "labels");
  Dataset data = MixedDataset();
  ExpectError([&] { data.AddColumn(Column::Numeric("z", {1})); }, StatusCode::kInvalidArgument,
              "'z'");
  ExpectError(
      [&] {
        data.set_labels(Labels{"y", Task::kRegression, {1}, {}});
      },
      StatusCode::kInvalidArgument, "labels");
}

TEST(Dataset, LabelsOfAnUnlabeledDatasetIsAnError) {
  Dataset data = MixedDataset();
  data.clear_labels();
  EXPECT_FALSE(data.has_labels());
  ExpectError([&] { data.labels(); }, StatusCode::kFailedPrecondition, "no target");
}

TEST(Column, MissingAndTake) {
  const Column numeric = Column::Numeric("x", {1, kNaN, 3});
  EXPECT_TRUE(numeric.IsMissing(1));
  EXPECT_EQ(numeric.CountMissing(), 1);
  const Column categorical = Column::Categorical("c", {kMissingCode, 0, kMissingCode}, {"a"});
  EXPECT_EQ(categorical.CountMissing(), 2);
  EXPECT_EQ(categorical.Take({1, 1}).codes, (std::vector<int32_t>{0, 0}));
}

// --- MakeLabels ---

TEST(MakeLabels, TextTargetIsClassificationInLexicographicOrder) {
  const Column target = Column::Categorical("y", {0, 1, 2, 0}, {"pear", "apple", "fig"});
  const Labels labels = MakeLabels(target, std::nullopt);
  EXPECT_EQ(labels.name, "y");
  EXPECT_EQ(labels.task, Task::kClassification);
  EXPECT_EQ(labels.classes, (std::vector<std::string>{"apple", "fig", "pear"}));
  EXPECT_EQ(labels.values, (std::vector<float>{2, 0, 1, 2}));
}

TEST(MakeLabels, NumericTextClassesAreOrderedNumerically) {
  const Column target = Column::Categorical("y", {0, 1, 2, 1}, {"10", "2", "1"});
  const Labels labels = MakeLabels(target, std::nullopt);
  EXPECT_EQ(labels.classes, (std::vector<std::string>{"1", "2", "10"}));
  EXPECT_EQ(labels.values, (std::vector<float>{2, 1, 0, 1}));
}

TEST(MakeLabels, UnusedDictionaryEntriesAreNotClasses) {
  const Column target = Column::Categorical("y", {2, 0, 2}, {"b", "unused", "a"});
  EXPECT_EQ(MakeLabels(target, std::nullopt).classes, (std::vector<std::string>{"a", "b"}));
}

TEST(MakeLabels, FewIntegerValuesAreClassification) {
  const Column target = Column::Numeric("y", {10, 2, 1, 2, 10});
  const Labels labels = MakeLabels(target, std::nullopt);
  EXPECT_EQ(labels.task, Task::kClassification);
  EXPECT_EQ(labels.classes, (std::vector<std::string>{"1", "2", "10"}));
  EXPECT_EQ(labels.values, (std::vector<float>{2, 1, 0, 1, 2}));
}

TEST(MakeLabels, NonIntegerValuesAreRegression) {
  const Column target = Column::Numeric("y", {1.5f, 2, 1.5f});
  const Labels labels = MakeLabels(target, std::nullopt);
  EXPECT_EQ(labels.task, Task::kRegression);
  EXPECT_TRUE(labels.classes.empty());
  EXPECT_EQ(labels.values, target.values);
}

TEST(MakeLabels, MaxClassesBoundsInferredClassification) {
  std::vector<float> values;
  for (int value = 0; value < 21; ++value) values.push_back(static_cast<float>(value));
  const Column target = Column::Numeric("y", values);
  EXPECT_EQ(MakeLabels(target, std::nullopt).task, Task::kRegression);
  EXPECT_EQ(MakeLabels(target, std::nullopt, 21).task, Task::kClassification);
  EXPECT_EQ(MakeLabels(target, std::nullopt, 21).n_classes(), 21);
}

TEST(MakeLabels, ForcedClassificationOnNumbersUsesDistinctValues) {
  const Column target = Column::Numeric("y", {0.5f, -1, 0.5f, 3, -0.0f});
  const Labels labels = MakeLabels(target, Task::kClassification);
  EXPECT_EQ(labels.task, Task::kClassification);
  EXPECT_EQ(labels.classes, (std::vector<std::string>{"-1", "0", "0.5", "3"}));
  EXPECT_EQ(labels.values, (std::vector<float>{2, 0, 2, 3, 1}));
}

TEST(MakeLabels, ForcedRegressionOnIntegers) {
  const Column target = Column::Numeric("y", {0, 1, 1});
  EXPECT_EQ(MakeLabels(target, Task::kRegression).task, Task::kRegression);
}

TEST(MakeLabels, ForcedRegressionOnTextIsAnError) {
  const Column target = Column::Categorical("y", {0, 1}, {"a", "b"});
  ExpectError([&] { MakeLabels(target, Task::kRegression); }, StatusCode::kInvalidArgument, "'y'",
              "regression");
}

TEST(MakeLabels, ForcedRegressionOnNumericTextUsesTheNumbers) {
  const Column target = Column::Categorical("y", {0, 1, 0}, {"2.5", "7"});
  const Labels labels = MakeLabels(target, Task::kRegression);
  EXPECT_EQ(labels.task, Task::kRegression);
  EXPECT_EQ(labels.values, (std::vector<float>{2.5f, 7.0f, 2.5f}));
}

TEST(MakeLabels, MissingTargetNamesTheFirstRow) {
  ExpectError(
      [] {
        MakeLabels(Column::Numeric("y", {1, 2, kNaN, kNaN}), std::nullopt);
      },
      StatusCode::kInvalidArgument, "'y'", "row 3");
  ExpectError(
      [] {
        MakeLabels(Column::Categorical("y", {kMissingCode, 0}, {"a"}), std::nullopt);
      },
      StatusCode::kInvalidArgument, "row 1");
  const float infinity = std::numeric_limits<float>::infinity();
  ExpectError(
      [&] {
        MakeLabels(Column::Numeric("y", {1, infinity}), Task::kRegression);
      },
      StatusCode::kInvalidArgument, "row 2");
  ExpectError(
      [] {
        MakeLabels(Column::Categorical("y", {0, 5}, {"a"}), std::nullopt);
      },
      StatusCode::kInvalidArgument, "row 2");
}

}  // namespace
}  // namespace kolosal::data
