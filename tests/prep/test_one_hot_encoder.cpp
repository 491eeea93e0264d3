#include <gtest/gtest.h>

#include <limits>

#include "kolosal/prep/one_hot_encoder.hpp"
#include "prep/prep_test_util.hpp"

namespace kolosal::prep {
namespace {

using data::Column;
using data::Dataset;
using data::kMissingCode;
using testing::ExpectError;
using testing::MakeObject;

Dataset TrainingData() {
  return Dataset({Column::Numeric("before", {1, 2, 3, 4}),
                  Column::Categorical("color", {0, 2, kMissingCode, 1}, {"red", "green", "blue"}),
                  Column::Numeric("after", {5, 6, 7, 8})},
                 std::nullopt);
}

TEST(OneHotEncoderTest, ReplacesTheColumnInPlaceByIndicatorColumns) {
  Dataset dataset = TrainingData();
  OneHotEncoder encoder;
  encoder.Fit(dataset);
  encoder.Transform(dataset);
  EXPECT_EQ(dataset.feature_names(), (std::vector<std::string>{"before", "color=red", "color=green",
                                                               "color=blue", "after"}));
  // sklearn OneHotEncoder(handle_unknown='ignore') gives the same rows; the missing row is all
  // zeros.
  EXPECT_EQ(dataset.column(1).values, (std::vector<float>{1, 0, 0, 0}));
  EXPECT_EQ(dataset.column(2).values, (std::vector<float>{0, 0, 0, 1}));
  EXPECT_EQ(dataset.column(3).values, (std::vector<float>{0, 1, 0, 0}));
  EXPECT_EQ(dataset.column(4).values, (std::vector<float>{5, 6, 7, 8}));
  for (const Column& column : dataset.columns()) EXPECT_TRUE(column.is_numeric());
}

TEST(OneHotEncoderTest, UnseenCategoriesEncodeAsAllZeros) {
  OneHotEncoder encoder;
  encoder.Fit(TrainingData());
  // A batch whose dictionary has a category the encoder never saw and another order.
  Dataset batch({Column::Numeric("before", {0, 0, 0}),
                 Column::Categorical("color", {0, 1, 2}, {"blue", "purple", "red"}),
                 Column::Numeric("after", {0, 0, 0})},
                std::nullopt);
  encoder.Transform(batch);
  ASSERT_EQ(batch.n_features(), 5);
  EXPECT_EQ(batch.column(1).values, (std::vector<float>{0, 0, 1}));  // red
  EXPECT_EQ(batch.column(2).values, (std::vector<float>{0, 0, 0}));  // green
  EXPECT_EQ(batch.column(3).values, (std::vector<float>{1, 0, 0}));  // blue
}

TEST(OneHotEncoderTest, ColumnsWithTooManyCategoriesAreLeftAlone) {
  Dataset dataset = TrainingData();
  OneHotEncoder encoder(2);
  encoder.Fit(dataset);
  EXPECT_EQ(encoder.Categories("color"), nullptr);
  encoder.Transform(dataset);
  EXPECT_EQ(dataset.n_features(), 3);
  EXPECT_TRUE(dataset.column(1).is_categorical());
}

TEST(OneHotEncoderTest, TransformNamesAMissingFittedColumn) {
  OneHotEncoder encoder;
  encoder.Fit(TrainingData());
  Dataset other({Column::Numeric("color", {1})}, std::nullopt);
  ExpectError([&] { encoder.Transform(other); }, StatusCode::kInvalidArgument,
              "categorical column 'color'");
}

TEST(OneHotEncoderTest, SaveLoadRoundTripIsBitExact) {
  OneHotEncoder encoder;
  encoder.Fit(TrainingData());
  const std::unique_ptr<Transformer> loaded = testing::SaveAndLoad(encoder);
  Dataset expected = TrainingData();
  Dataset actual = TrainingData();
  encoder.Transform(expected);
  loaded->Transform(actual);
  testing::ExpectSameColumns(expected, actual);
}

TEST(OneHotEncoderTest, CorruptStatesAreRejected) {
  const auto expect_corrupt = [](const msgpack::object_handle& handle) {
    ExpectError([&] { OneHotEncoder::Load(handle.get()); }, StatusCode::kCorruptModel);
  };
  expect_corrupt(MakeObject([](io::Packer& packer) {
    packer.pack_map(2);
    packer.pack("columns");
    packer.pack(std::vector<std::string>{"a", "b"});
    packer.pack("dictionaries");
    packer.pack(std::vector<std::vector<std::string>>{{"x"}});
  }));
  expect_corrupt(MakeObject([](io::Packer& packer) {
    packer.pack_map(2);
    packer.pack("columns");
    packer.pack(std::vector<std::string>{"a"});
    packer.pack("dictionaries");
    packer.pack(std::vector<std::vector<int>>{{1, 2}});
  }));
  expect_corrupt(MakeObject([](io::Packer& packer) {
    packer.pack_map(1);
    packer.pack("columns");
    packer.pack(std::vector<std::string>{"a"});
  }));
  expect_corrupt(MakeObject([](io::Packer& packer) { packer.pack_nil(); }));
}

}  // namespace
}  // namespace kolosal::prep
