#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "kolosal/infer/latency_histogram.hpp"

namespace kolosal::infer {
namespace {

TEST(LatencyHistogram, QuantilesWithinAnEighthOfTheTrueValue) {
  LatencyHistogram histogram;
  EXPECT_EQ(histogram.Summarize().count, 0);
  for (int64_t value = 1; value <= 10000; ++value) histogram.Record(value * 100);
  const LatencyHistogram::Summary summary = histogram.Summarize();
  EXPECT_EQ(summary.count, 10000);
  EXPECT_EQ(summary.max_ns, 1000000);
  EXPECT_DOUBLE_EQ(summary.mean_ns, 500050.0);
  EXPECT_NEAR(summary.p50_ns, 500000.0, 500000.0 / 8);
  EXPECT_NEAR(summary.p90_ns, 900000.0, 900000.0 / 8);
  EXPECT_NEAR(summary.p99_ns, 990000.0, 990000.0 / 8);
  EXPECT_LE(summary.p99_ns, 1000000.0);
}

TEST(LatencyHistogram, SmallValuesAreExactAndNegativesCountAsZero) {
  LatencyHistogram histogram;
  for (int repeat = 0; repeat < 3; ++repeat) histogram.Record(5);
  histogram.Record(-7);
  const LatencyHistogram::Summary summary = histogram.Summarize();
  EXPECT_EQ(summary.count, 4);
  EXPECT_DOUBLE_EQ(summary.p50_ns, 5.0);
  EXPECT_EQ(summary.max_ns, 5);
  EXPECT_DOUBLE_EQ(summary.mean_ns, 15.0 / 4);
}

TEST(LatencyHistogram, ConcurrentRecordsAllCount) {
  LatencyHistogram histogram;
  std::vector<std::thread> threads;
  for (int thread = 0; thread < 4; ++thread) {
    threads.emplace_back([&, thread] {
      for (int64_t idx = 0; idx < 20000; ++idx) histogram.Record(1000 + thread);
    });
  }
  for (std::thread& thread : threads) thread.join();
  const LatencyHistogram::Summary summary = histogram.Summarize();
  EXPECT_EQ(summary.count, 80000);
  EXPECT_EQ(summary.max_ns, 1003);
  EXPECT_DOUBLE_EQ(summary.mean_ns, 1001.5);
}

}  // namespace
}  // namespace kolosal::infer
