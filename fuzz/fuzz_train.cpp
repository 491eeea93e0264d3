// libFuzzer entry: training config and data choice (see fuzz_targets.hpp and docs/fuzzing.md).
#include <cstddef>
#include <cstdint>

#include "fuzz/fuzz_targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  (void)kolosal::fuzz::FuzzTrain({data, size});
  return 0;
}
