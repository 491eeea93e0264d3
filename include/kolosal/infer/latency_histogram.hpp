#pragma once

#include <array>
#include <atomic>
#include <cstdint>

namespace kolosal::infer {

/// Call latencies in nanoseconds, recorded lock-free from many threads: log-linear buckets
/// (eight per power of two, so a quantile is within 1/8 of the true value) plus exact count,
/// sum and maximum.
class LatencyHistogram {
 public:
  struct Summary {
    int64_t count = 0;
    double mean_ns = 0.0;
    double p50_ns = 0.0;
    double p90_ns = 0.0;
    double p99_ns = 0.0;
    int64_t max_ns = 0;
  };

  void Record(int64_t nanoseconds);
  /// A consistent-enough snapshot while other threads record (each counter is read once).
  Summary Summarize() const;

 private:
  static constexpr int kSubBuckets = 8;
  static constexpr int kBuckets = 64 * kSubBuckets;

  static int BucketOf(uint64_t nanoseconds);
  /// The middle of the values that fall into `bucket`.
  static double BucketValue(int bucket);

  std::array<std::atomic<int64_t>, kBuckets> buckets_{};
  std::atomic<int64_t> count_{0};
  std::atomic<int64_t> sum_ns_{0};
  std::atomic<int64_t> max_ns_{0};
};

}  // namespace kolosal::infer
