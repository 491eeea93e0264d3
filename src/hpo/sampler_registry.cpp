#include "kolosal/hpo/sampler_registry.hpp"

#include <cstdlib>
#include <string_view>

#include "kolosal/hpo/adaptive_sampler.hpp"
#include "kolosal/hpo/detail/gp_dispatch.hpp"
#include "kolosal/hpo/gp_sampler.hpp"
#include "kolosal/hpo/grid_sampler.hpp"
#include "kolosal/hpo/random_sampler.hpp"
#include "kolosal/hpo/tpe_sampler.hpp"
#include "kolosal/precision/cpu_features.hpp"

namespace kolosal::hpo {
namespace {

std::unique_ptr<Sampler> CreateAdaptive(const StudyOptions& options) {
  if (options.adaptive_base == "adaptive") {
    ThrowInvalidArgument("sampler 'adaptive' cannot wrap itself");
  }
  StudyOptions base_options = options;
  base_options.sampler = options.adaptive_base;
  return std::make_unique<AdaptiveSampler>(
      CreateSampler(base_options), options.adaptation_frequency, options.adaptive_exploration);
}

}  // namespace

const SamplerRegistry& SamplerRegistry::Builtin() {
  static const SamplerRegistry registry = [] {
    SamplerRegistry builtin;
    RegisterBuiltinSamplers(builtin);
    return builtin;
  }();
  return registry;
}

void RegisterBuiltinSamplers(SamplerRegistry& registry) {
  registry.Register("random", "independent uniform sampling",
                    [](const StudyOptions&) { return std::make_unique<RandomSampler>(); });
  registry.Register("grid", "every point of a grid once", [](const StudyOptions& options) {
    return std::make_unique<GridSampler>(options.grid_points);
  });
  registry.Register(
      "tpe", "TPE, multivariate and grouped, constant liar (Optuna 5.0 defaults)",
      [](const StudyOptions& options) { return std::make_unique<TpeSampler>(options.tpe); });
  registry.Register("tpe_univariate", "TPE with one estimator per parameter",
                    [](const StudyOptions& options) {
                      TpeSettings settings = options.tpe;
                      settings.multivariate = false;
                      return std::make_unique<TpeSampler>(settings);
                    });
  registry.Register(
      "tpe_hyperopt", "TPE with hyperopt's defaults (20 startup trials, gamma 0.25)",
      [](const StudyOptions& options) { return std::make_unique<TpeSampler>(options.tpe); });
  registry.Register("gp", "Gaussian process (Matern 5/2) with expected improvement",
                    [](const StudyOptions& options) { return detail::MakeGpSampler(options.gp); });
  registry.Register("adaptive", "shrinks the space around the best trials; wraps another sampler",
                    CreateAdaptive);
}

namespace detail {

std::string_view GpInstructionSet() {
#if defined(__x86_64__)
  static const bool avx2 = [] {
    const char* chosen = std::getenv("KOLOSAL_GP_ISA");
    if (chosen != nullptr && std::string_view(chosen) == "portable") return false;
    const precision::CpuFeatures& cpu = precision::CpuFeatures::Detect();
    return cpu.avx2 && cpu.fma;
  }();
  if (avx2) return "avx2";
#endif
  return "portable";
}

std::unique_ptr<Sampler> MakeGpSampler(const GpSettings& settings) {
#if defined(__x86_64__)
  if (GpInstructionSet() == "avx2") return MakeAvx2GpSampler(settings);
#endif
  return std::make_unique<GpSampler>(settings);
}

}  // namespace detail

std::unique_ptr<Sampler> CreateSampler(const StudyOptions& options) {
  return SamplerRegistry::Builtin().Find(options.sampler).factory(options);
}

}  // namespace kolosal::hpo
