#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <memory>
#include <string_view>
#include <vector>

#include "kolosal/hpo/detail/gp_dispatch.hpp"
#include "kolosal/hpo/gp_sampler.hpp"
#include "kolosal/hpo/search_space.hpp"
#include "kolosal/precision/cpu_features.hpp"

namespace kolosal::hpo {
namespace {

bool CpuHasAvx2Fma() {
  const precision::CpuFeatures& cpu = precision::CpuFeatures::Detect();
  return cpu.avx2 && cpu.fma;
}

// CTest runs this binary's GP tests twice: as it is, and with KOLOSAL_GP_ISA=portable.
TEST(GpDispatch, PicksTheAvx2BuildWhereTheCpuHasItUnlessToldNotTo) {
  const char* forced = std::getenv("KOLOSAL_GP_ISA");
  const bool portable = forced != nullptr && std::string_view(forced) == "portable";
  EXPECT_EQ(detail::GpInstructionSet(), !portable && CpuHasAvx2Fma() ? "avx2" : "portable");
}

// Minimises (x - 0.3)^2 on [-2, 2] for 15 trials with `sampler`; returns the trials' x.
std::vector<double> MinimiseQuadratic(Sampler& sampler) {
  const SearchSpace space =
      SearchSpace::Parse(R"({"params":[{"name":"x","type":"float","low":-2,"high":2}]})");
  std::vector<FrozenTrial> trials;
  Rng rng(17);
  for (int number = 0; number < 15; ++number) {
    FrozenTrial trial;
    trial.number = number;
    trials.push_back(trial);
    const SamplingContext context{space, trials, Direction::kMinimize, number};
    trials.back().params = sampler.Sample(context, rng);
    trials.back().value = std::pow(trials.back().params[0] - 0.3, 2);
    trials.back().state = TrialState::kComplete;
  }
  std::vector<double> xs;
  for (const FrozenTrial& trial : trials) xs.push_back(trial.params[0]);
  return xs;
}

// The two builds share the startup trials (random draws) and each finds the minimum; past the
// startup their trials may part in the last bits.
TEST(GpDispatch, BothBuildsAgreeOnTheStartupAndFindTheMinimum) {
#if defined(__x86_64__)
  if (!CpuHasAvx2Fma()) GTEST_SKIP() << "this CPU has no AVX2 and FMA";
  GpSettings settings;
  GpSampler portable(settings);
  const std::unique_ptr<Sampler> avx2 = detail::MakeAvx2GpSampler(settings);
  const std::vector<double> portable_xs = MinimiseQuadratic(portable);
  const std::vector<double> avx2_xs = MinimiseQuadratic(*avx2);
  ASSERT_EQ(portable_xs.size(), avx2_xs.size());
  for (size_t idx = 0; idx < static_cast<size_t>(settings.n_startup_trials); ++idx) {
    EXPECT_EQ(portable_xs[idx], avx2_xs[idx]) << idx;
  }
  for (const std::vector<double>* xs : {&portable_xs, &avx2_xs}) {
    double best = 1e9;
    for (double x : *xs) best = std::min(best, std::abs(x - 0.3));
    EXPECT_LT(best, 0.01);
  }
  EXPECT_EQ(avx2->Name(), "gp");
#else
  GTEST_SKIP() << "the AVX2 build exists on x86-64 only";
#endif
}

}  // namespace
}  // namespace kolosal::hpo
