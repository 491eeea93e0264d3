#pragma once

#include <vector>

#include "kolosal/core/random.hpp"
#include "kolosal/hpo/search_space.hpp"
#include "kolosal/hpo/trial.hpp"

namespace kolosal::hpo::detail {

/// A value of one parameter drawn uniformly in its sampling coordinates (log-uniform for log
/// parameters), snapped onto its grid.
double SampleUniform(const ParamSpec& spec, Rng& rng);

/// A full parameter set drawn uniformly; inactive conditional parameters are NaN.
ParamVector SampleUniformVector(const SearchSpace& space, Rng& rng);

/// The middle of every range (in sampling coordinates) and the first choice of every
/// categorical; inactive parameters are NaN.
ParamVector PriorCentre(const SearchSpace& space);

/// The trial's value turned so that smaller is better.
inline double Loss(double value, Direction direction) {
  return direction == Direction::kMinimize ? value : -value;
}

}  // namespace kolosal::hpo::detail

namespace kolosal::hpo::detail {

/// A standard normal draw (Box-Muller) from the engine's bits alone.
double StandardNormal(Rng& rng);

}  // namespace kolosal::hpo::detail
