#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "kolosal/prep/imputer.hpp"
#include "prep/prep_test_util.hpp"

namespace kolosal::prep {
namespace {

using data::Column;
using data::Dataset;
using data::kMissingCode;
using testing::ExpectError;
using testing::MakeObject;

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();
constexpr float kInf = std::numeric_limits<float>::infinity();

Dataset NumericData() {
  return Dataset({Column::Numeric("x", {3, 1, kNaN, 4, 1, 5, 9, 2, 6, kNaN})}, std::nullopt);
}

// The categories ['b', 'a', 'b', None, 'c', 'a'] as codes into {"b", "a", "c"}.
Dataset CategoricalData() {
  return Dataset({Column::Categorical("c", {0, 1, 0, kMissingCode, 2, 1}, {"b", "a", "c"})},
                 std::nullopt);
}

float FitNumeric(NumericImputation strategy, const Dataset& dataset) {
  Imputer imputer(ImputerOptions{strategy, 7.0f, CategoricalImputation::kNone, "missing"});
  imputer.Fit(dataset);
  return imputer.NumericFill("x").value();
}

TEST(ImputerTest, NumericStrategiesMatchSklearn) {
  // sklearn.impute.SimpleImputer(strategy=...).fit(x).statistics_ on the same column:
  // mean 3.875, median 3.5, most_frequent 1.
  const Dataset dataset = NumericData();
  EXPECT_FLOAT_EQ(FitNumeric(NumericImputation::kMean, dataset), 3.875f);
  EXPECT_FLOAT_EQ(FitNumeric(NumericImputation::kMedian, dataset), 3.5f);
  EXPECT_FLOAT_EQ(FitNumeric(NumericImputation::kMostFrequent, dataset), 1.0f);
  EXPECT_FLOAT_EQ(FitNumeric(NumericImputation::kConstant, dataset), 7.0f);
}

TEST(ImputerTest, MostFrequentTieGoesToTheSmallestValue) {
  const Dataset dataset({Column::Numeric("x", {5, 2, 5, 2, kNaN})}, std::nullopt);
  EXPECT_EQ(FitNumeric(NumericImputation::kMostFrequent, dataset), 2.0f);
}

TEST(ImputerTest, InfinitiesDoNotCountAsObservedValues) {
  const Dataset dataset({Column::Numeric("x", {kInf, 1, 3, kNaN, -kInf})}, std::nullopt);
  EXPECT_EQ(FitNumeric(NumericImputation::kMean, dataset), 2.0f);
}

TEST(ImputerTest, TransformFillsOnlyMissingValues) {
  Dataset dataset = NumericData();
  Imputer imputer(ImputerOptions{NumericImputation::kMedian});
  imputer.Fit(dataset);
  imputer.Transform(dataset);
  EXPECT_EQ(dataset.column(0).values, (std::vector<float>{3, 1, 3.5f, 4, 1, 5, 9, 2, 6, 3.5f}));
}

TEST(ImputerTest, CategoricalMostFrequentMatchesSklearn) {
  // SimpleImputer(strategy='most_frequent', missing_values=None) on ['b','a','b',None,'c','a']
  // gives 'a': 'a' and 'b' tie and the smaller text wins.
  Dataset dataset = CategoricalData();
  Imputer imputer;
  imputer.Fit(dataset);
  EXPECT_EQ(imputer.CategoricalFill("c"), "a");
  imputer.Transform(dataset);
  EXPECT_EQ(dataset.column(0).codes, (std::vector<int32_t>{0, 1, 0, 1, 2, 1}));
  EXPECT_EQ(dataset.column(0).categories, (std::vector<std::string>{"b", "a", "c"}));
}

TEST(ImputerTest, CategoricalConstantAddsTheFillCategoryToEveryBatch) {
  Imputer imputer(
      ImputerOptions{NumericImputation::kNone, 0.0f, CategoricalImputation::kConstant, "unknown"});
  Dataset dataset = CategoricalData();
  imputer.Fit(dataset);
  imputer.Transform(dataset);
  EXPECT_EQ(dataset.column(0).categories, (std::vector<std::string>{"b", "a", "c", "unknown"}));
  EXPECT_EQ(dataset.column(0).codes, (std::vector<int32_t>{0, 1, 0, 3, 2, 1}));
  // A batch without missing values gets the same dictionary, so later steps see one layout.
  Dataset complete({Column::Categorical("c", {2, 0}, {"b", "a", "c"})}, std::nullopt);
  imputer.Transform(complete);
  EXPECT_EQ(complete.column(0).categories, (std::vector<std::string>{"b", "a", "c", "unknown"}));
  EXPECT_EQ(complete.column(0).codes, (std::vector<int32_t>{2, 0}));
}

TEST(ImputerTest, ConstantThatIsAlreadyACategoryReusesItsCode) {
  Imputer imputer(
      ImputerOptions{NumericImputation::kNone, 0.0f, CategoricalImputation::kConstant, "c"});
  Dataset dataset = CategoricalData();
  imputer.Fit(dataset);
  imputer.Transform(dataset);
  EXPECT_EQ(dataset.column(0).categories.size(), 3u);
  EXPECT_EQ(dataset.column(0).codes[3], 2);
}

TEST(ImputerTest, AllMissingColumnsGetZeroAndTheFillCategory) {
  Dataset dataset({Column::Numeric("x", {kNaN, kNaN}),
                   Column::Categorical("c", {kMissingCode, kMissingCode}, {"p"})},
                  std::nullopt);
  Imputer imputer;
  imputer.Fit(dataset);
  EXPECT_EQ(imputer.NumericFill("x"), 0.0f);
  EXPECT_EQ(imputer.CategoricalFill("c"), "missing");
  imputer.Transform(dataset);
  EXPECT_EQ(dataset.column(0).values, (std::vector<float>{0, 0}));
  EXPECT_EQ(dataset.column(1).categories, (std::vector<std::string>{"p", "missing"}));
  EXPECT_EQ(dataset.column(1).codes, (std::vector<int32_t>{1, 1}));
}

TEST(ImputerTest, NoneLeavesThatKindOfColumnAlone) {
  Imputer imputer(ImputerOptions{NumericImputation::kNone});
  Dataset dataset(
      {Column::Numeric("x", {kNaN, 1}), Column::Categorical("c", {kMissingCode, 0}, {"p"})},
      std::nullopt);
  imputer.Fit(dataset);
  EXPECT_FALSE(imputer.NumericFill("x").has_value());
  imputer.Transform(dataset);
  EXPECT_TRUE(std::isnan(dataset.column(0).values[0]));
  EXPECT_EQ(dataset.column(1).codes, (std::vector<int32_t>{0, 0}));
}

TEST(ImputerTest, TransformNamesAMissingFittedColumn) {
  Imputer imputer;
  imputer.Fit(NumericData());
  Dataset other({Column::Numeric("y", {1})}, std::nullopt);
  ExpectError([&] { imputer.Transform(other); }, StatusCode::kInvalidArgument, "'x'");
}

TEST(ImputerTest, OptionNamesAreCheckedWithSuggestions) {
  EXPECT_EQ(ParseNumericImputation("most_frequent"), NumericImputation::kMostFrequent);
  EXPECT_EQ(ParseCategoricalImputation("constant"), CategoricalImputation::kConstant);
  ExpectError([] { ParseNumericImputation("meen"); }, StatusCode::kInvalidArgument, "'mean'");
  ExpectError([] { ParseCategoricalImputation("median"); }, StatusCode::kInvalidArgument);
  ExpectError(
      [] {
        Imputer(ImputerOptions{NumericImputation::kConstant, kNaN});
      },
      StatusCode::kInvalidArgument, "finite");
}

TEST(ImputerTest, SaveLoadRoundTripIsBitExact) {
  Dataset train({Column::Numeric("x", {0.1f, 0.7f, kNaN}),
                 Column::Categorical("c", {0, kMissingCode, 1}, {"p", "q"})},
                std::nullopt);
  Imputer imputer(
      ImputerOptions{NumericImputation::kMean, 0.0f, CategoricalImputation::kConstant, "other"});
  imputer.Fit(train);
  const std::unique_ptr<Transformer> loaded = testing::SaveAndLoad(imputer);
  ASSERT_EQ(loaded->TypeName(), "imputer");
  Dataset expected = train;
  Dataset actual = train;
  imputer.Transform(expected);
  loaded->Transform(actual);
  testing::ExpectSameColumns(expected, actual);
}

TEST(ImputerTest, CorruptStatesAreRejected) {
  const auto expect_corrupt = [](const msgpack::object_handle& handle) {
    ExpectError([&] { Imputer::Load(handle.get()); }, StatusCode::kCorruptModel);
  };
  expect_corrupt(MakeObject([](io::Packer& packer) { packer.pack(42); }));
  expect_corrupt(MakeObject([](io::Packer& packer) {
    packer.pack_map(1);
    packer.pack("numeric_columns");
    packer.pack(std::vector<std::string>{"x"});
  }));
  // One column but two fill values.
  expect_corrupt(MakeObject([](io::Packer& packer) {
    packer.pack_map(4);
    packer.pack("numeric_columns");
    packer.pack(std::vector<std::string>{"x"});
    packer.pack("numeric_fills");
    io::PackFloats(packer, std::vector<float>{1, 2});
    packer.pack("categorical_columns");
    packer.pack(std::vector<std::string>{});
    packer.pack("categorical_fills");
    packer.pack(std::vector<std::string>{});
  }));
  // Wrong types: a number where the column names belong, duplicate column names.
  expect_corrupt(MakeObject([](io::Packer& packer) {
    packer.pack_map(4);
    packer.pack("numeric_columns");
    packer.pack(3.5);
    packer.pack("numeric_fills");
    io::PackFloats(packer, std::vector<float>{});
    packer.pack("categorical_columns");
    packer.pack(std::vector<std::string>{"c", "c"});
    packer.pack("categorical_fills");
    packer.pack(std::vector<int>{1, 2});
  }));
  expect_corrupt(MakeObject([](io::Packer& packer) {
    packer.pack_map(4);
    packer.pack("numeric_columns");
    packer.pack(std::vector<std::string>{});
    packer.pack("numeric_fills");
    io::PackFloats(packer, std::vector<float>{});
    packer.pack("categorical_columns");
    packer.pack(std::vector<std::string>{"c", "c"});
    packer.pack("categorical_fills");
    packer.pack(std::vector<std::string>{"a", "b"});
  }));
}

}  // namespace
}  // namespace kolosal::prep
