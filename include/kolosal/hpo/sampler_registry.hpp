#pragma once

#include <memory>

#include "kolosal/hpo/detail/named_registry.hpp"
#include "kolosal/hpo/sampler.hpp"
#include "kolosal/hpo/study_options.hpp"

namespace kolosal::hpo {

/// Samplers by name ("random", "grid", "tpe", "tpe_univariate", "tpe_hyperopt", "gp",
/// "adaptive"). Each factory builds its sampler from a study's options.
class SamplerRegistry : public detail::NamedRegistry<SamplerFactory> {
 public:
  SamplerRegistry() : NamedRegistry("sampler") {}

  /// The registry holding every builtin sampler (created on first use, then read-only).
  static const SamplerRegistry& Builtin();
};

/// Registers every builtin sampler; each sampler adds one line here.
void RegisterBuiltinSamplers(SamplerRegistry& registry);

/// The sampler named by options.sampler, from the builtin registry.
std::unique_ptr<Sampler> CreateSampler(const StudyOptions& options);

}  // namespace kolosal::hpo
