#pragma once

#include <cstdint>

namespace kolosal::stream {

/// Sizes a stream's chunks to a memory budget. It starts from the budget split over the chunks
/// in flight, then measures the process's resident set after every chunk: above the budget
/// (counted from the resident set at the start) chunks halve, below half of it they grow back.
class MemoryBudget {
 public:
  /// Bytes of input text per chunk are kept within [kMinChunkBytes, kMaxChunkBytes].
  static constexpr int64_t kMinChunkBytes = int64_t{64} << 10;
  static constexpr int64_t kMaxChunkBytes = int64_t{256} << 20;
  /// Memory a chunk takes, per byte of its text, before it is measured: the text, the parsed
  /// columns, the transformed matrix and the output.
  static constexpr int64_t kBytesPerTextByte = 8;

  MemoryBudget(int64_t budget_bytes, int64_t max_chunks_in_flight);

  /// How many bytes of text the next chunk should read.
  int64_t chunk_bytes() const { return chunk_bytes_; }
  /// Adapts the chunk size to the resident set measured now.
  void Observe(int64_t resident_bytes);
  /// The most the resident set grew over the start, among the observations.
  int64_t peak_growth() const { return peak_growth_; }
  int64_t baseline() const { return baseline_; }

  /// The resident set of this process, in bytes (0 where it cannot be read).
  static int64_t ResidentBytes();

 private:
  int64_t budget_;
  int64_t baseline_;
  int64_t planned_;  // the chunk size the budget allows before any measurement
  int64_t chunk_bytes_;
  int64_t peak_growth_ = 0;
};

}  // namespace kolosal::stream
