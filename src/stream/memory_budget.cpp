#include "kolosal/stream/memory_budget.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>

namespace kolosal::stream {

MemoryBudget::MemoryBudget(int64_t budget_bytes, int64_t max_chunks_in_flight)
    : budget_(budget_bytes),
      baseline_(ResidentBytes()),
      planned_(std::clamp(
          budget_bytes / (std::max<int64_t>(max_chunks_in_flight, 1) * kBytesPerTextByte),
          kMinChunkBytes, kMaxChunkBytes)),
      chunk_bytes_(planned_) {}

void MemoryBudget::Observe(int64_t resident_bytes) {
  const int64_t growth = resident_bytes - baseline_;
  peak_growth_ = std::max(peak_growth_, growth);
  if (growth > budget_) {
    chunk_bytes_ = std::max(kMinChunkBytes, chunk_bytes_ / 2);
  } else if (growth < budget_ / 2) {
    chunk_bytes_ = std::min(planned_, chunk_bytes_ + chunk_bytes_ / 4);
  }
}

int64_t MemoryBudget::ResidentBytes() {
  std::FILE* statm = std::fopen("/proc/self/statm", "r");
  if (statm == nullptr) return 0;
  long long total_pages = 0;
  long long resident_pages = 0;
  const int fields = std::fscanf(statm, "%lld %lld", &total_pages, &resident_pages);
  std::fclose(statm);
  if (fields != 2) return 0;
  return resident_pages * static_cast<int64_t>(sysconf(_SC_PAGESIZE));
}

}  // namespace kolosal::stream
