// The GP sampler built a second time, for CPUs with AVX2 and FMA: Eigen's matrix kernels are
// most of its time and run about 1.4 times faster with them (docs/hpo.md). Everything the GP
// uses besides itself and Eigen is included first, with the portable target, so that this file
// adds no instances of shared inline code built for AVX2. The GP's own code lives in the inline
// namespace `avx2` and Eigen under another name, so none of its symbols meet the portable
// build's.
#if defined(__x86_64__)

#include <immintrin.h>
#include <sleef.h>

#include <algorithm>
#include <cmath>
#include <deque>
#include <functional>
#include <limits>
#include <memory>
#include <numbers>
#include <numeric>
#include <span>
#include <utility>
#include <vector>

#include "kolosal/core/random.hpp"
#include "kolosal/hpo/detail/gp_dispatch.hpp"
#include "kolosal/hpo/detail/normal.hpp"
#include "kolosal/hpo/detail/sampling.hpp"
#include "kolosal/hpo/sampler.hpp"
#include "kolosal/hpo/study_options.hpp"
#include "kolosal/precision/cpu_features.hpp"

#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx2,fma"))), apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx2,fma")
#endif
// GCC's C++ front end does not define __AVX2__ and __FMA__ under the pragma, so Eigen is told.
#define EIGEN_VECTORIZE_SSE3
#define EIGEN_VECTORIZE_SSSE3
#define EIGEN_VECTORIZE_SSE4_1
#define EIGEN_VECTORIZE_SSE4_2
#define EIGEN_VECTORIZE_AVX
#define EIGEN_VECTORIZE_AVX2
#define EIGEN_VECTORIZE_FMA
// Heap blocks aligned to the packet, so that where a reduction starts its packets (and so the
// order it sums in) never depends on where malloc put the block.
#define EIGEN_MAX_ALIGN_BYTES 32
#define Eigen KolosalEigenAvx2
#define KOLOSAL_GP_ISA avx2

// NOLINTBEGIN(bugprone-suspicious-include)
#include "gaussian_process.cpp"
#include "gp_sampler.cpp"
#include "lbfgs.cpp"
// NOLINTEND(bugprone-suspicious-include)

namespace kolosal::hpo::detail {

std::unique_ptr<Sampler> MakeAvx2GpSampler(const GpSettings& settings) {
  return std::make_unique<hpo::avx2::GpSampler>(settings);
}

}  // namespace kolosal::hpo::detail

#if defined(__clang__)
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif

#endif  // defined(__x86_64__)
