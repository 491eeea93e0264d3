#pragma once

#include "kolosal/hpo/sampler.hpp"

namespace kolosal::hpo {

/// Independent uniform sampling (log-uniform for log parameters).
class RandomSampler : public Sampler {
 public:
  std::string_view Name() const override { return "random"; }
  ParamVector Sample(const SamplingContext& context, Rng& rng) override;
};

}  // namespace kolosal::hpo
