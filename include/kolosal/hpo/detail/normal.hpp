#pragma once

#include "kolosal/core/random.hpp"

namespace kolosal::hpo::detail {

/// The standard normal CDF.
double NormalCdf(double z);
/// log of the standard normal CDF, accurate far into the lower tail.
double LogNormalCdf(double z);
/// log(Phi(b) - Phi(a)) for a < b, accurate in both tails.
double LogNormalMass(double a, double b);
/// The standard normal quantile (inverse CDF) of p in (0, 1).
double NormalQuantile(double p);
/// A draw from N(mu, sigma) truncated to [low, high] by inversion.
double SampleTruncatedNormal(double mu, double sigma, double low, double high, Rng& rng);

}  // namespace kolosal::hpo::detail
