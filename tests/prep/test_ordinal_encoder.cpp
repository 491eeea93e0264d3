#include <gtest/gtest.h>

#include <cmath>

#include "kolosal/prep/ordinal_encoder.hpp"
#include "prep/prep_test_util.hpp"

namespace kolosal::prep {
namespace {

using data::Column;
using data::Dataset;
using data::kMissingCode;
using testing::ExpectError;
using testing::MakeObject;

Dataset TrainingData() {
  return Dataset({Column::Categorical("size", {2, 0, kMissingCode, 1}, {"S", "M", "L"}),
                  Column::Numeric("x", {1, 2, 3, 4})},
                 std::nullopt);
}

TEST(OrdinalEncoderTest, CodesBecomeNumbersAndMissingBecomesNaN) {
  Dataset dataset = TrainingData();
  OrdinalEncoder encoder;
  encoder.Fit(dataset);
  encoder.Transform(dataset);
  const Column& size = dataset.column(0);
  EXPECT_EQ(size.name, "size");
  ASSERT_TRUE(size.is_numeric());
  EXPECT_EQ(size.values[0], 2.0f);
  EXPECT_EQ(size.values[1], 0.0f);
  EXPECT_TRUE(std::isnan(size.values[2]));
  EXPECT_EQ(size.values[3], 1.0f);
  EXPECT_TRUE(size.codes.empty());
  EXPECT_TRUE(size.categories.empty());
}

TEST(OrdinalEncoderTest, BatchesAreEncodedByTextAndUnseenBecomesNaN) {
  OrdinalEncoder encoder;
  encoder.Fit(TrainingData());
  Dataset batch(
      {Column::Categorical("size", {0, 1, 2}, {"L", "XL", "S"}), Column::Numeric("x", {0, 0, 0})},
      std::nullopt);
  encoder.Transform(batch);
  const std::vector<float>& values = batch.column(0).values;
  EXPECT_EQ(values[0], 2.0f);
  EXPECT_TRUE(std::isnan(values[1]));
  EXPECT_EQ(values[2], 0.0f);
  EXPECT_EQ(*encoder.Categories("size"), (std::vector<std::string>{"S", "M", "L"}));
}

TEST(OrdinalEncoderTest, SaveLoadRoundTripIsBitExact) {
  OrdinalEncoder encoder;
  encoder.Fit(TrainingData());
  const std::unique_ptr<Transformer> loaded = testing::SaveAndLoad(encoder);
  Dataset expected = TrainingData();
  Dataset actual = TrainingData();
  encoder.Transform(expected);
  loaded->Transform(actual);
  testing::ExpectSameColumns(expected, actual);
}

TEST(OrdinalEncoderTest, CorruptStatesAreRejected) {
  const auto expect_corrupt = [](const msgpack::object_handle& handle) {
    ExpectError([&] { OrdinalEncoder::Load(handle.get()); }, StatusCode::kCorruptModel);
  };
  expect_corrupt(MakeObject([](io::Packer& packer) {
    packer.pack_map(2);
    packer.pack("columns");
    packer.pack(std::vector<std::string>{"a"});
    packer.pack("dictionaries");
    packer.pack(std::vector<std::vector<std::string>>{});
  }));
  expect_corrupt(MakeObject([](io::Packer& packer) {
    packer.pack_map(2);
    packer.pack("columns");
    packer.pack("a");
    packer.pack("dictionaries");
    packer.pack(std::vector<std::vector<std::string>>{{"x"}});
  }));
}

}  // namespace
}  // namespace kolosal::prep
