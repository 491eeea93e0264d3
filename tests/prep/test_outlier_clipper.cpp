#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "kolosal/prep/outlier_clipper.hpp"
#include "prep/prep_test_util.hpp"

namespace kolosal::prep {
namespace {

using data::Column;
using data::Dataset;
using testing::ExpectError;
using testing::MakeObject;

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

Dataset TrainingData() {
  return Dataset({Column::Numeric("z", {-3.5f, 0.25f, 7, 1e3f, 2, 2.5f, -1, 0, 11, kNaN})},
                 std::nullopt);
}

TEST(OutlierClipperTest, IqrBoundsMatchNumpyPercentiles) {
  // numpy.percentile(z, [25, 75]) = [0, 7]; bounds 0 - 1.5 * 7 and 7 + 1.5 * 7.
  OutlierClipper clipper(OutlierMethod::kIqr);
  EXPECT_EQ(clipper.threshold(), 1.5);
  clipper.Fit(TrainingData());
  EXPECT_DOUBLE_EQ(clipper.Bounds("z")->lower, -10.5);
  EXPECT_DOUBLE_EQ(clipper.Bounds("z")->upper, 17.5);
  Dataset probe({Column::Numeric("z", {1e3f, -50, kNaN, 5, 17.5f})}, std::nullopt);
  clipper.Transform(probe);
  const std::vector<float>& values = probe.column(0).values;
  EXPECT_EQ(values[0], 17.5f);
  EXPECT_EQ(values[1], -10.5f);
  EXPECT_TRUE(std::isnan(values[2]));
  EXPECT_EQ(values[3], 5.0f);
  EXPECT_EQ(values[4], 17.5f);
}

TEST(OutlierClipperTest, ZScoreBoundsMatchMeanAndPopulationStd) {
  // numpy: z.mean() = 113.13888888888889, z.std() = 313.57967070035517.
  OutlierClipper clipper(OutlierMethod::kZScore);
  EXPECT_EQ(clipper.threshold(), 3.0);
  clipper.Fit(TrainingData());
  EXPECT_NEAR(clipper.Bounds("z")->lower, -827.6001232121766, 1e-9);
  EXPECT_NEAR(clipper.Bounds("z")->upper, 1053.8779009899545, 1e-9);

  OutlierClipper narrow(OutlierMethod::kZScore, 2.0);
  narrow.Fit(TrainingData());
  EXPECT_NEAR(narrow.Bounds("z")->lower, -514.0204525118214, 1e-9);
  EXPECT_NEAR(narrow.Bounds("z")->upper, 740.2982302895992, 1e-9);
  Dataset probe({Column::Numeric("z", {1e3f, -600})}, std::nullopt);
  narrow.Transform(probe);
  EXPECT_EQ(probe.column(0).values[0], static_cast<float>(740.2982302895992));
  EXPECT_EQ(probe.column(0).values[1], static_cast<float>(-514.0204525118214));
}

TEST(OutlierClipperTest, ZeroSpreadLeavesTheColumnUnclipped) {
  // q1 = q3 = 0: a zero-width range would turn the single 1 into 0.
  OutlierClipper clipper(OutlierMethod::kIqr);
  Dataset dataset({Column::Numeric("mostly_zero", {0, 0, 0, 0, 0, 0, 0, 1}),
                   Column::Numeric("empty", {kNaN, kNaN, kNaN, kNaN, kNaN, kNaN, kNaN, kNaN})},
                  std::nullopt);
  clipper.Fit(dataset);
  EXPECT_TRUE(std::isinf(clipper.Bounds("mostly_zero")->upper));
  EXPECT_TRUE(std::isinf(clipper.Bounds("empty")->lower));
  clipper.Transform(dataset);
  EXPECT_EQ(dataset.column(0).values[7], 1.0f);
  EXPECT_TRUE(std::isnan(dataset.column(1).values[0]));
}

TEST(OutlierClipperTest, BadThresholdsAndNamesAreRejected) {
  ExpectError([] { OutlierClipper(OutlierMethod::kIqr, -1.0); }, StatusCode::kInvalidArgument);
  ExpectError([] { OutlierClipper(OutlierMethod::kIqr, std::nan("")); },
              StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseOutlierMethod("zscore"), OutlierMethod::kZScore);
  ExpectError([] { ParseOutlierMethod("z-score"); }, StatusCode::kInvalidArgument, "'zscore'");
}

TEST(OutlierClipperTest, SaveLoadRoundTripIsBitExact) {
  for (OutlierMethod method : {OutlierMethod::kIqr, OutlierMethod::kZScore}) {
    OutlierClipper clipper(method, 0.7);
    clipper.Fit(TrainingData());
    const std::unique_ptr<Transformer> loaded = testing::SaveAndLoad(clipper);
    Dataset expected = TrainingData();
    Dataset actual = TrainingData();
    clipper.Transform(expected);
    loaded->Transform(actual);
    testing::ExpectSameColumns(expected, actual);
  }
}

msgpack::object_handle ClipperState(std::string_view method, double threshold,
                                    std::vector<double> lower, std::vector<double> upper) {
  return MakeObject([&](io::Packer& packer) {
    packer.pack_map(5);
    packer.pack("method");
    packer.pack(method);
    packer.pack("threshold");
    packer.pack(threshold);
    packer.pack("columns");
    packer.pack(std::vector<std::string>{"a"});
    packer.pack("lower");
    io::PackDoubles(packer, lower);
    packer.pack("upper");
    io::PackDoubles(packer, upper);
  });
}

TEST(OutlierClipperTest, CorruptStatesAreRejected) {
  const auto expect_corrupt = [](const msgpack::object_handle& handle) {
    ExpectError([&] { OutlierClipper::Load(handle.get()); }, StatusCode::kCorruptModel);
  };
  EXPECT_NO_THROW(OutlierClipper::Load(ClipperState("iqr", 1.5, {-1}, {1}).get()));
  expect_corrupt(ClipperState("iqr", 1.5, {2}, {1}));
  expect_corrupt(ClipperState("iqr", 1.5, {std::nan("")}, {1}));
  expect_corrupt(ClipperState("iqr", -1.0, {-1}, {1}));
  expect_corrupt(ClipperState("iqr", 1.5, {-1, 0}, {1}));
  expect_corrupt(ClipperState("mad", 1.5, {-1}, {1}));
  expect_corrupt(MakeObject([](io::Packer& packer) { packer.pack("iqr"); }));
}

}  // namespace
}  // namespace kolosal::prep
