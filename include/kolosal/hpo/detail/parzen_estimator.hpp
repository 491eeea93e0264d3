#pragma once

#include <cstddef>
#include <vector>

#include "kolosal/core/random.hpp"
#include "kolosal/hpo/search_space.hpp"

namespace kolosal::hpo::detail {

/// Optuna's TPE weights for n observations in trial-number order: 1 each when n < 25, else a
/// ramp from 1/n up to 1 for the older ones and 1 for the newest 25.
std::vector<double> DefaultTpeWeights(size_t n);

/// A Parzen estimator over a group of parameters (one in univariate TPE): one kernel per
/// observation plus a prior kernel (centre of each range, sigma = the range). Numeric
/// dimensions are truncated normals in sampling coordinates whose bandwidth is the larger gap
/// to the neighbouring observations (the prior centre is not a neighbour), clipped to
/// [range / min(100, n + 2), range] where n is `clip_count`; discrete ones use the probability
/// mass of each grid cell. Categorical dimensions mix one count at the observed choice with the
/// prior spread over all choices.
class ParzenEstimator {
 public:
  /// `dims` are parameter indices of `space`; each observation holds a value for every one of
  /// them, and observations come in trial-number order. `clip_count` is the number of
  /// observations the magic clip counts (at least the estimator's own): TPE passes the
  /// observations of both its estimators, so the good and the bad side share one floor.
  ParzenEstimator(const SearchSpace& space, std::vector<size_t> dims,
                  const std::vector<const ParamVector*>& observations, double prior_weight,
                  size_t clip_count = 0);

  size_t n_dims() const { return dims_.size(); }
  /// `n` draws, row-major (n x n_dims), in internal values.
  std::vector<double> Sample(size_t n, Rng& rng) const;
  /// The log density (log mass for discrete dimensions) of each row of `points`.
  std::vector<double> LogPdf(const std::vector<double>& points) const;

 private:
  struct Dimension {
    const ParamSpec* spec = nullptr;
    double low = 0.0;  // sampling coordinates
    double high = 0.0;
    std::vector<double> mus;
    std::vector<double> sigmas;
    std::vector<double> log_norms;  // log of each kernel's mass inside [low, high]
    std::vector<double> inv_sigmas;
    std::vector<double> log_scales;  // log(sigma sqrt(2 pi)) + log_norm: the density's constant
    std::vector<std::vector<double>> probs;  // categorical: per kernel, per choice
  };

  void BuildNumeric(Dimension& dim, const std::vector<double>& observed) const;
  void BuildCategorical(Dimension& dim, const std::vector<double>& observed) const;
  double SampleDimension(const Dimension& dim, size_t kernel, Rng& rng) const;
  void AddLogPdf(const Dimension& dim, double value, std::vector<double>& per_kernel) const;

  std::vector<size_t> dims_;
  std::vector<Dimension> dimensions_;
  std::vector<double> weights_;  // normalised, the prior kernel last
  std::vector<double> log_weights_;
  double prior_weight_;
  size_t clip_count_;
};

}  // namespace kolosal::hpo::detail
