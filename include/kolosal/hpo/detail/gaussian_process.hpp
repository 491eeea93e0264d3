#pragma once

#include <Eigen/Dense>

#include "kolosal/core/random.hpp"

namespace kolosal::hpo::detail {

/// A Gaussian process regressor with a Matérn-5/2 ARD kernel on inputs scaled to [0, 1]:
/// k(x, x') = s2 (1 + sqrt5 r + 5/3 r^2) exp(-sqrt5 r), r^2 = sum_d (x_d - x'_d)^2 / l_d^2,
/// plus noise on the diagonal. Fit() maximises the log marginal likelihood with weak priors
/// (Optuna's: on 1/l^2, the scale and the noise) by multi-start L-BFGS. Targets should be
/// standardised by the caller.
class GaussianProcess {
 public:
  struct Prediction {
    Eigen::VectorXd mean;
    Eigen::VectorXd variance;  // of the latent function (no noise)
  };

  /// Fits hyperparameters and the posterior to rows of `x` and targets `y`.
  void Fit(const Eigen::MatrixXd& x, const Eigen::VectorXd& y, Rng& rng);
  /// The posterior at the rows of `points`.
  Prediction Predict(const Eigen::MatrixXd& points) const;

  const Eigen::VectorXd& lengthscales() const { return lengthscales_; }
  double signal_variance() const { return signal_variance_; }
  double noise_variance() const { return noise_variance_; }
  /// The fitted log posterior of the hyperparameters (marginal likelihood plus priors).
  double log_posterior() const { return log_posterior_; }

 private:
  double NegativeLogPosterior(const Eigen::VectorXd& theta, Eigen::VectorXd& gradient) const;
  void SetPosterior(const Eigen::VectorXd& theta);

  Eigen::MatrixXd x_;
  Eigen::VectorXd y_;
  std::vector<Eigen::MatrixXd> squared_differences_;  // per input dimension
  Eigen::VectorXd lengthscales_;
  double signal_variance_ = 1.0;
  double noise_variance_ = 1e-6;
  double log_posterior_ = 0.0;
  Eigen::LLT<Eigen::MatrixXd> cholesky_;
  Eigen::VectorXd alpha_;
};

}  // namespace kolosal::hpo::detail
