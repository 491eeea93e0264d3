#include "kolosal/infer/latency_histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace kolosal::infer {

int LatencyHistogram::BucketOf(uint64_t nanoseconds) {
  // Values below kSubBuckets get a bucket each; above, the top bit picks the power of two and
  // the next three bits its eighth.
  if (nanoseconds < kSubBuckets) return static_cast<int>(nanoseconds);
  const int top_bit = std::bit_width(nanoseconds) - 1;
  const int shift = top_bit - 3;
  const auto eighth = static_cast<int>((nanoseconds >> shift) & (kSubBuckets - 1));
  return std::min(kBuckets - 1, (top_bit - 2) * kSubBuckets + eighth);
}

double LatencyHistogram::BucketValue(int bucket) {
  if (bucket < kSubBuckets) return bucket;
  const int top_bit = bucket / kSubBuckets + 2;
  const int eighth = bucket % kSubBuckets;
  const double low = std::ldexp(static_cast<double>(kSubBuckets + eighth), top_bit - 3);
  return low + std::ldexp(0.5, top_bit - 3);
}

void LatencyHistogram::Record(int64_t nanoseconds) {
  const int64_t value = std::max<int64_t>(0, nanoseconds);
  buckets_[static_cast<size_t>(BucketOf(static_cast<uint64_t>(value)))].fetch_add(
      1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  sum_ns_.fetch_add(value, std::memory_order_relaxed);
  int64_t seen = max_ns_.load(std::memory_order_relaxed);
  while (value > seen && !max_ns_.compare_exchange_weak(seen, value, std::memory_order_relaxed)) {
  }
}

LatencyHistogram::Summary LatencyHistogram::Summarize() const {
  std::array<int64_t, kBuckets> counts{};
  int64_t total = 0;
  for (size_t idx = 0; idx < counts.size(); ++idx) {
    counts[idx] = buckets_[idx].load(std::memory_order_relaxed);
    total += counts[idx];
  }
  Summary summary;
  summary.count = total;
  if (total == 0) return summary;
  summary.max_ns = max_ns_.load(std::memory_order_relaxed);
  summary.mean_ns = static_cast<double>(sum_ns_.load(std::memory_order_relaxed)) /
                    static_cast<double>(count_.load(std::memory_order_relaxed));
  auto quantile = [&](double q) {
    const auto rank = static_cast<int64_t>(std::ceil(q * static_cast<double>(total)));
    int64_t seen = 0;
    for (int bucket = 0; bucket < kBuckets; ++bucket) {
      seen += counts[static_cast<size_t>(bucket)];
      if (seen >= std::max<int64_t>(rank, 1)) {
        return std::min(BucketValue(bucket), static_cast<double>(summary.max_ns));
      }
    }
    return static_cast<double>(summary.max_ns);
  };
  summary.p50_ns = quantile(0.50);
  summary.p90_ns = quantile(0.90);
  summary.p99_ns = quantile(0.99);
  return summary;
}

}  // namespace kolosal::infer
