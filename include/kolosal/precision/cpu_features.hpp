#pragma once

#include <string>
#include <vector>

namespace kolosal::precision {

/// The instruction-set extensions that matter to our kernels, detected once at run time with
/// CPUID and XGETBV (so a feature the OS does not save state for counts as absent).
struct CpuFeatures {
  bool sse42 = false;
  bool avx = false;
  bool avx2 = false;
  bool fma = false;
  bool f16c = false;
  bool avx512f = false;
  bool avx512bw = false;
  bool avx512vl = false;
  bool avx512_fp16 = false;
  bool avx512_bf16 = false;
  bool amx_tile = false;
  bool amx_bf16 = false;

  /// The features of this machine (computed on first call; thread-safe).
  static const CpuFeatures& Detect();
  /// Names of the features present, e.g. {"avx2", "fma", "f16c"}.
  std::vector<std::string> Names() const;
};

}  // namespace kolosal::precision
