#include "kolosal/hpo/detail/normal.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

namespace kolosal::hpo::detail {
namespace {

constexpr double kInvSqrt2 = 0.70710678118654752440;

// log(1 - exp(x)) for x < 0 without cancellation.
double Log1mExp(double x) {
  return x > -0.693 ? std::log(-std::expm1(x)) : std::log1p(-std::exp(x));
}

}  // namespace

double NormalCdf(double z) { return 0.5 * std::erfc(-z * kInvSqrt2); }

double LogNormalCdf(double z) {
  if (z > -20.0) return std::log(NormalCdf(z));
  // Asymptotic series of the Mills ratio; erfc underflows this far out.
  const double z2 = z * z;
  return -0.5 * z2 - std::log(-z) - 0.5 * std::log(2.0 * std::numbers::pi) +
         std::log1p(-1.0 / z2 + 3.0 / (z2 * z2));
}

double LogNormalMass(double a, double b) {
  if (!(a < b)) return -std::numeric_limits<double>::infinity();  // empty (or NaN) interval
  if (a >= 0.0) return LogNormalMass(-b, -a);                     // mirror into the lower tail
  if (b <= 0.0) {
    const double log_b = LogNormalCdf(b);
    const double log_a = LogNormalCdf(a);
    return log_b + Log1mExp(std::min(log_a - log_b, -1e-300));
  }
  return std::log(0.5 * (std::erf(b * kInvSqrt2) - std::erf(a * kInvSqrt2)));
}

double NormalQuantile(double p) {
  // Acklam's rational approximation, then one Halley step against erfc.
  static constexpr double a[] = {-3.969683028665376e+01, 2.209460984245205e+02,
                                 -2.759285104469687e+02, 1.383577518672690e+02,
                                 -3.066479806614716e+01, 2.506628277459239e+00};
  static constexpr double b[] = {-5.447609879822406e+01, 1.615858368580409e+02,
                                 -1.556989798598866e+02, 6.680131188771972e+01,
                                 -1.328068155288572e+01};
  static constexpr double c[] = {-7.784894002430293e-03, -3.223964580411365e-01,
                                 -2.400758277161838e+00, -2.549732539343734e+00,
                                 4.374664141464968e+00,  2.938163982698783e+00};
  static constexpr double d[] = {7.784695709041462e-03, 3.224671290700398e-01,
                                 2.445134137142996e+00, 3.754408661907416e+00};
  p = std::clamp(p, 1e-300, 1.0 - 1e-16);
  double x = 0.0;
  if (p < 0.02425) {
    const double q = std::sqrt(-2.0 * std::log(p));
    x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
        ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1.0);
  } else if (p > 1.0 - 0.02425) {
    const double q = std::sqrt(-2.0 * std::log1p(-p));
    x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
        ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1.0);
  } else {
    const double q = p - 0.5;
    const double r = q * q;
    x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
        (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1.0);
  }
  const double error = NormalCdf(x) - p;
  const double u = error * std::sqrt(2.0 * std::numbers::pi) * std::exp(0.5 * x * x);
  return x - u / (1.0 + 0.5 * x * u);
}

double SampleTruncatedNormal(double mu, double sigma, double low, double high, Rng& rng) {
  const double a = (low - mu) / sigma;
  const double b = (high - mu) / sigma;
  // Kernels are centred inside [low, high], so the mass is never tiny; invert in the upper
  // tail's mirror when that is the more precise side.
  const bool mirror = a > 0.0;
  const double lo = mirror ? -b : a;
  const double hi = mirror ? -a : b;
  const double cdf_lo = NormalCdf(lo);
  const double cdf_hi = NormalCdf(hi);
  const double u = cdf_lo + UniformUnit(rng) * (cdf_hi - cdf_lo);
  double z = NormalQuantile(std::clamp(u, 1e-300, 1.0 - 1e-16));
  z = std::clamp(z, lo, hi);
  if (mirror) z = -z;
  return std::clamp(mu + sigma * z, low, high);
}

}  // namespace kolosal::hpo::detail
