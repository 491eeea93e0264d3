#include "kolosal/hpo/detail/parzen_estimator.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <numeric>

#include "kolosal/hpo/detail/normal.hpp"

namespace kolosal::hpo::detail {
namespace {

constexpr double kNegInf = -std::numeric_limits<double>::infinity();
const double kLogSqrt2Pi = 0.5 * std::log(2.0 * std::numbers::pi);

// The neighbour-gap bandwidth of each observation: the larger gap to its neighbours in sorted
// order. The first and last observations take the gap to their inner neighbour (the range ends
// count only when there is a single observation). Unlike Optuna, the prior centre is not a
// neighbour: it would shrink the kernels of observations next to the middle of the range for no
// reason in the data (measured on the benchmark, docs/hpo.md).
std::vector<double> NeighbourGaps(const std::vector<double>& mus, double low, double high) {
  const size_t m = mus.size();
  std::vector<size_t> order(m);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t lhs, size_t rhs) { return mus[lhs] < mus[rhs]; });
  std::vector<double> sorted(m + 2);
  sorted[0] = low;
  sorted[m + 1] = high;
  for (size_t idx = 0; idx < m; ++idx) sorted[idx + 1] = mus[order[idx]];
  std::vector<double> sigmas(m);
  for (size_t idx = 0; idx < m; ++idx) {
    double gap = std::max(sorted[idx + 1] - sorted[idx], sorted[idx + 2] - sorted[idx + 1]);
    if (m >= 2 && idx == 0) gap = sorted[2] - sorted[1];
    if (m >= 2 && idx == m - 1) gap = sorted[m] - sorted[m - 1];
    sigmas[order[idx]] = gap;
  }
  return sigmas;
}

// The cell of a grid value in sampling coordinates (ints: +-0.5 before the log).
std::pair<double, double> Cell(const ParamSpec& spec, double value) {
  const double half = spec.log ? 0.5 : 0.5 * spec.step;
  return {spec.ToSampling(value - half), spec.ToSampling(value + half)};
}

}  // namespace

std::vector<double> DefaultTpeWeights(size_t n) {
  std::vector<double> weights(n, 1.0);
  if (n < 25) return weights;
  const size_t ramp = n - 25;
  const double first = 1.0 / static_cast<double>(n);
  for (size_t idx = 0; idx < ramp; ++idx) {
    // numpy.linspace(1/n, 1, num=ramp)
    weights[idx] = ramp == 1 ? first : first + (1.0 - first) * idx / static_cast<double>(ramp - 1);
  }
  return weights;
}

ParzenEstimator::ParzenEstimator(const SearchSpace& space, std::vector<size_t> dims,
                                 const std::vector<const ParamVector*>& observations,
                                 double prior_weight, size_t clip_count)
    : dims_(std::move(dims)),
      prior_weight_(prior_weight),
      clip_count_(std::max(clip_count, observations.size())) {
  weights_ = DefaultTpeWeights(observations.size());
  weights_.push_back(prior_weight_);
  const double total = std::accumulate(weights_.begin(), weights_.end(), 0.0);
  for (double& weight : weights_) weight = total > 0.0 ? weight / total : 1.0 / weights_.size();
  for (double weight : weights_) log_weights_.push_back(weight > 0.0 ? std::log(weight) : kNegInf);
  for (size_t dim_idx : dims_) {
    Dimension dim;
    dim.spec = &space.param(dim_idx);
    std::vector<double> observed;
    for (const ParamVector* params : observations) observed.push_back((*params)[dim_idx]);
    if (dim.spec->kind == ParamKind::kCategorical) {
      BuildCategorical(dim, observed);
    } else {
      BuildNumeric(dim, observed);
    }
    dimensions_.push_back(std::move(dim));
  }
}

void ParzenEstimator::BuildNumeric(Dimension& dim, const std::vector<double>& observed) const {
  const ParamSpec& spec = *dim.spec;
  dim.low = spec.SamplingLow();
  dim.high = spec.SamplingHigh();
  const double range = dim.high - dim.low;
  if (range <= 0.0) return;  // a constant parameter: sampled and scored as its one value
  for (double value : observed) dim.mus.push_back(spec.ToSampling(value));
  dim.sigmas = NeighbourGaps(dim.mus, dim.low, dim.high);
  // The magic clip: no finer than range / min(100, n + 2), n counting both of TPE's estimators.
  const double min_sigma = range / std::min(100.0, static_cast<double>(clip_count_) + 2.0);
  for (double& sigma : dim.sigmas) sigma = std::clamp(sigma, min_sigma, range);
  dim.mus.push_back(0.5 * (dim.low + dim.high));
  dim.sigmas.push_back(range);
  for (size_t kernel = 0; kernel < dim.mus.size(); ++kernel) {
    const double sigma = std::max(dim.sigmas[kernel], 1e-300);
    dim.log_norms.push_back(
        LogNormalMass((dim.low - dim.mus[kernel]) / sigma, (dim.high - dim.mus[kernel]) / sigma));
    dim.inv_sigmas.push_back(1.0 / sigma);
    dim.log_scales.push_back(std::log(sigma) + kLogSqrt2Pi + dim.log_norms.back());
  }
}

void ParzenEstimator::BuildCategorical(Dimension& dim, const std::vector<double>& observed) const {
  const size_t n_choices = dim.spec->choices.size();
  const double n_kernels = static_cast<double>(observed.size()) + 1.0;
  dim.probs.assign(observed.size() + 1, std::vector<double>(n_choices, prior_weight_ / n_kernels));
  for (size_t kernel = 0; kernel < observed.size(); ++kernel) {
    dim.probs[kernel][static_cast<size_t>(observed[kernel])] += 1.0;
  }
  for (std::vector<double>& row : dim.probs) {
    const double total = std::accumulate(row.begin(), row.end(), 0.0);
    for (double& prob : row) prob = total > 0.0 ? prob / total : 1.0 / n_choices;
  }
}

double ParzenEstimator::SampleDimension(const Dimension& dim, size_t kernel, Rng& rng) const {
  const ParamSpec& spec = *dim.spec;
  if (spec.kind == ParamKind::kCategorical) {
    double u = UniformUnit(rng);
    const std::vector<double>& row = dim.probs[kernel];
    for (size_t choice = 0; choice < row.size(); ++choice) {
      u -= row[choice];
      if (u < 0.0) return static_cast<double>(choice);
    }
    return static_cast<double>(row.size() - 1);
  }
  if (dim.high <= dim.low) return spec.low;
  const double x =
      SampleTruncatedNormal(dim.mus[kernel], dim.sigmas[kernel], dim.low, dim.high, rng);
  return spec.Snap(spec.FromSampling(x));
}

std::vector<double> ParzenEstimator::Sample(size_t n, Rng& rng) const {
  std::vector<double> points(n * dims_.size());
  for (size_t row = 0; row < n; ++row) {
    double u = UniformUnit(rng);
    size_t kernel = weights_.size() - 1;
    for (size_t idx = 0; idx < weights_.size(); ++idx) {
      u -= weights_[idx];
      if (u < 0.0) {
        kernel = idx;
        break;
      }
    }
    for (size_t dim = 0; dim < dims_.size(); ++dim) {
      points[row * dims_.size() + dim] = SampleDimension(dimensions_[dim], kernel, rng);
    }
  }
  return points;
}

void ParzenEstimator::AddLogPdf(const Dimension& dim, double value,
                                std::vector<double>& per_kernel) const {
  const ParamSpec& spec = *dim.spec;
  const size_t n_kernels = per_kernel.size();
  if (spec.kind == ParamKind::kCategorical) {
    const size_t choice = static_cast<size_t>(value);
    for (size_t k = 0; k < n_kernels; ++k) per_kernel[k] += std::log(dim.probs[k][choice]);
    return;
  }
  if (dim.high <= dim.low) return;
  if (spec.IsDiscrete()) {
    const auto [cell_low, cell_high] = Cell(spec, value);
    for (size_t k = 0; k < n_kernels; ++k) {
      const double sigma = dim.sigmas[k];
      per_kernel[k] +=
          LogNormalMass((cell_low - dim.mus[k]) / sigma, (cell_high - dim.mus[k]) / sigma) -
          dim.log_norms[k];
    }
    return;
  }
  const double x = spec.ToSampling(value);
  for (size_t k = 0; k < n_kernels; ++k) {
    const double z = (x - dim.mus[k]) * dim.inv_sigmas[k];
    per_kernel[k] -= 0.5 * z * z + dim.log_scales[k];
  }
}

std::vector<double> ParzenEstimator::LogPdf(const std::vector<double>& points) const {
  const size_t n_dims = dims_.size();
  const size_t n_points = n_dims == 0 ? 0 : points.size() / n_dims;
  std::vector<double> result(n_points);
  std::vector<double> per_kernel(weights_.size());
  for (size_t row = 0; row < n_points; ++row) {
    per_kernel = log_weights_;
    for (size_t dim = 0; dim < n_dims; ++dim) {
      AddLogPdf(dimensions_[dim], points[row * n_dims + dim], per_kernel);
    }
    const double peak = *std::max_element(per_kernel.begin(), per_kernel.end());
    if (!std::isfinite(peak)) {
      result[row] = peak;
      continue;
    }
    double sum = 0.0;
    for (double value : per_kernel) sum += std::exp(value - peak);
    result[row] = peak + std::log(sum);
  }
  return result;
}

}  // namespace kolosal::hpo::detail
