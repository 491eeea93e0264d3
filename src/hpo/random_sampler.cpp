#include "kolosal/hpo/random_sampler.hpp"

#include "kolosal/hpo/detail/sampling.hpp"

namespace kolosal::hpo {

ParamVector RandomSampler::Sample(const SamplingContext& context, Rng& rng) {
  return detail::SampleUniformVector(context.space, rng);
}

}  // namespace kolosal::hpo
