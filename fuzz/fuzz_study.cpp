// libFuzzer entry: search space and study config (see fuzz_targets.hpp and docs/fuzzing.md).
#include <cstddef>
#include <cstdint>

#include "fuzz/fuzz_targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  kolosal::fuzz::FuzzStudy({data, size});
  return 0;
}
