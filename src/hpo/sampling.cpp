#include "kolosal/hpo/detail/sampling.hpp"

#include <cmath>
#include <limits>

namespace kolosal::hpo::detail {

double SampleUniform(const ParamSpec& spec, Rng& rng) {
  if (spec.kind == ParamKind::kCategorical) {
    return static_cast<double>(UniformIndex(rng, spec.choices.size()));
  }
  const double low = spec.SamplingLow();
  const double high = spec.SamplingHigh();
  const double coordinate = low + (high - low) * UniformUnit(rng);
  return spec.Snap(spec.FromSampling(coordinate));
}

ParamVector SampleUniformVector(const SearchSpace& space, Rng& rng) {
  ParamVector values(space.size(), std::numeric_limits<double>::quiet_NaN());
  for (size_t idx = 0; idx < space.size(); ++idx) {
    if (!space.IsActive(idx, values)) continue;
    values[idx] = SampleUniform(space.param(idx), rng);
  }
  return values;
}

ParamVector PriorCentre(const SearchSpace& space) {
  ParamVector values(space.size(), std::numeric_limits<double>::quiet_NaN());
  for (size_t idx = 0; idx < space.size(); ++idx) {
    if (!space.IsActive(idx, values)) continue;
    const ParamSpec& spec = space.param(idx);
    if (spec.kind == ParamKind::kCategorical) {
      values[idx] = 0.0;
      continue;
    }
    const double centre = 0.5 * (spec.ToSampling(spec.low) + spec.ToSampling(spec.high));
    values[idx] = spec.Snap(spec.FromSampling(centre));
  }
  return values;
}

}  // namespace kolosal::hpo::detail

namespace kolosal::hpo::detail {

double StandardNormal(Rng& rng) {
  const double u1 = 1.0 - UniformUnit(rng);  // (0, 1]
  const double u2 = UniformUnit(rng);
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * 3.14159265358979323846 * u2);
}

}  // namespace kolosal::hpo::detail
