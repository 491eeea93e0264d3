// libFuzzer entry: CSV text read from a file in tiny parts against the same text read at once
// (see fuzz_targets.hpp and docs/fuzzing.md).
#include <cstddef>
#include <cstdint>

#include "fuzz/fuzz_targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  kolosal::fuzz::FuzzCsvParts({data, size});
  return 0;
}
