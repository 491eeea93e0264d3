#pragma once

#include <memory>
#include <string_view>

#include "kolosal/hpo/sampler.hpp"
#include "kolosal/hpo/study_options.hpp"

namespace kolosal::hpo::detail {

/// The instruction set of the GP build that MakeGpSampler picks on this machine: "avx2" where
/// the CPU has AVX2 and FMA, unless the environment sets KOLOSAL_GP_ISA=portable; else
/// "portable" (precision::CpuFeatures decides). The two builds give the same trials to the last bit
/// within an instruction set, not across them.
std::string_view GpInstructionSet();
/// The GP sampler of that build.
std::unique_ptr<Sampler> MakeGpSampler(const GpSettings& settings);

#if defined(__x86_64__)
/// The AVX2 and FMA build's sampler (src/hpo/gp_sampler_avx2.cpp): only where the CPU has both.
std::unique_ptr<Sampler> MakeAvx2GpSampler(const GpSettings& settings);
#endif

}  // namespace kolosal::hpo::detail
