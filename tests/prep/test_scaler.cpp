#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "kolosal/prep/scaler.hpp"
#include "prep/prep_test_util.hpp"

namespace kolosal::prep {
namespace {

using data::Column;
using data::Dataset;
using testing::ExpectError;
using testing::MakeObject;

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

Dataset TrainingData() {
  return Dataset({Column::Numeric("y", {2, 4, 4, 4, 5, 5, 7, 9, kNaN}),
                  Column::Categorical("c", {0, 0, 0, 0, 0, 0, 0, 0, 0}, {"k"})},
                 std::nullopt);
}

// Fits a scaler on TrainingData() and transforms y = [0, 5, 10, NaN].
std::vector<float> ScaleProbe(Scaler& scaler) {
  scaler.Fit(TrainingData());
  Dataset probe({Column::Numeric("y", {0, 5, 10, kNaN})}, std::nullopt);
  scaler.Transform(probe);
  return probe.column(0).values;
}

void ExpectValues(const std::vector<float>& actual, const std::vector<float>& expected) {
  ASSERT_EQ(actual.size(), expected.size());
  for (size_t idx = 0; idx < expected.size(); ++idx) {
    if (std::isnan(expected[idx])) {
      EXPECT_TRUE(std::isnan(actual[idx])) << idx;
    } else {
      EXPECT_FLOAT_EQ(actual[idx], expected[idx]) << idx;
    }
  }
}

TEST(ScalerTest, StandardMatchesSklearn) {
  // sklearn StandardScaler on y: mean_ 5, scale_ 2; transform([0, 5, 10, nan]) = [-2.5, 0, 2.5,
  // nan].
  Scaler scaler(ScalerMethod::kStandard);
  ExpectValues(ScaleProbe(scaler), {-2.5f, 0.0f, 2.5f, kNaN});
  EXPECT_DOUBLE_EQ(scaler.Params("y")->center, 5.0);
  EXPECT_DOUBLE_EQ(scaler.Params("y")->scale, 2.0);
}

TEST(ScalerTest, MinMaxMatchesSklearn) {
  // sklearn MinMaxScaler on y: data_min_ 2, scale_ 1/7; transform([0, 5, 10, nan]) =
  // [-0.2857143, 0.42857143, 1.1428572, nan].
  Scaler scaler(ScalerMethod::kMinMax);
  ExpectValues(ScaleProbe(scaler), {-0.2857143f, 0.42857143f, 1.1428572f, kNaN});
  EXPECT_DOUBLE_EQ(scaler.Params("y")->center, 2.0);
  EXPECT_DOUBLE_EQ(scaler.Params("y")->scale, 7.0);
}

TEST(ScalerTest, RobustMatchesSklearn) {
  // sklearn RobustScaler on y: center_ 4.5 (median), scale_ 1.5 (q75 5.5 - q25 4);
  // transform([0, 5, 10, nan]) = [-3, 0.33333334, 3.6666667, nan].
  Scaler scaler(ScalerMethod::kRobust);
  ExpectValues(ScaleProbe(scaler), {-3.0f, 0.33333334f, 3.6666667f, kNaN});
  EXPECT_DOUBLE_EQ(scaler.Params("y")->center, 4.5);
  EXPECT_DOUBLE_EQ(scaler.Params("y")->scale, 1.5);
}

TEST(ScalerTest, ConstantColumnGetsScaleOne) {
  // Every sklearn scaler fitted on [7, 7, 7] maps [7, 8] to [0, 1].
  for (ScalerMethod method :
       {ScalerMethod::kStandard, ScalerMethod::kMinMax, ScalerMethod::kRobust}) {
    Scaler scaler(method);
    scaler.Fit(Dataset({Column::Numeric("k", {7, 7, 7})}, std::nullopt));
    EXPECT_EQ(scaler.Params("k")->scale, 1.0);
    Dataset probe({Column::Numeric("k", {7, 8})}, std::nullopt);
    scaler.Transform(probe);
    EXPECT_EQ(probe.column(0).values, (std::vector<float>{0, 1}));
  }
}

TEST(ScalerTest, AllMissingColumnIsLeftUnchanged) {
  Scaler scaler(ScalerMethod::kRobust);
  Dataset dataset({Column::Numeric("m", {kNaN, kNaN})}, std::nullopt);
  scaler.Fit(dataset);
  EXPECT_EQ(scaler.Params("m")->center, 0.0);
  EXPECT_EQ(scaler.Params("m")->scale, 1.0);
  scaler.Transform(dataset);
  EXPECT_TRUE(std::isnan(dataset.column(0).values[0]));
}

TEST(ScalerTest, CategoricalColumnsAreNotScaled) {
  Scaler scaler;
  scaler.Fit(TrainingData());
  EXPECT_FALSE(scaler.Params("c").has_value());
}

TEST(ScalerTest, MethodNamesAreChecked) {
  EXPECT_EQ(ParseScalerMethod("robust"), ScalerMethod::kRobust);
  ExpectError([] { ParseScalerMethod("min_max"); }, StatusCode::kInvalidArgument, "'minmax'");
}

TEST(ScalerTest, SaveLoadRoundTripIsBitExact) {
  for (ScalerMethod method :
       {ScalerMethod::kStandard, ScalerMethod::kMinMax, ScalerMethod::kRobust}) {
    Scaler scaler(method);
    scaler.Fit(TrainingData());
    const std::unique_ptr<Transformer> loaded = testing::SaveAndLoad(scaler);
    Dataset expected = TrainingData();
    Dataset actual = TrainingData();
    scaler.Transform(expected);
    loaded->Transform(actual);
    testing::ExpectSameColumns(expected, actual);
  }
}

msgpack::object_handle ScalerState(std::string_view method, std::vector<std::string> columns,
                                   std::vector<double> centers, std::vector<double> scales) {
  return MakeObject([&](io::Packer& packer) {
    packer.pack_map(4);
    packer.pack("method");
    packer.pack(method);
    packer.pack("columns");
    packer.pack(columns);
    packer.pack("centers");
    io::PackDoubles(packer, centers);
    packer.pack("scales");
    io::PackDoubles(packer, scales);
  });
}

TEST(ScalerTest, CorruptStatesAreRejected) {
  const auto expect_corrupt = [](const msgpack::object_handle& handle) {
    ExpectError([&] { Scaler::Load(handle.get()); }, StatusCode::kCorruptModel);
  };
  EXPECT_NO_THROW(Scaler::Load(ScalerState("standard", {"a"}, {1.0}, {2.0}).get()));
  expect_corrupt(ScalerState("standard", {"a"}, {1.0}, {0.0}));
  expect_corrupt(ScalerState("standard", {"a"}, {1.0}, {std::nan("")}));
  expect_corrupt(ScalerState("standard", {"a", "b"}, {1.0}, {2.0}));
  expect_corrupt(ScalerState("zscale", {"a"}, {1.0}, {2.0}));
  expect_corrupt(MakeObject([](io::Packer& packer) { packer.pack(std::vector<int>{1, 2}); }));
  expect_corrupt(MakeObject([](io::Packer& packer) {
    packer.pack_map(4);
    packer.pack("method");
    packer.pack("standard");
    packer.pack("columns");
    packer.pack(std::vector<std::string>{"a"});
    packer.pack("centers");
    packer.pack(std::vector<double>{1.0});  // a list, not packed bytes
    packer.pack("scales");
    io::PackDoubles(packer, std::vector<double>{1.0});
  }));
}

}  // namespace
}  // namespace kolosal::prep
