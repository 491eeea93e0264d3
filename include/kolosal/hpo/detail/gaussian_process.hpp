#pragma once

#include <Eigen/Dense>
#include <vector>

#include "kolosal/core/random.hpp"
#include "kolosal/hpo/detail/gp_isa.hpp"
#include "kolosal/hpo/detail/lbfgs.hpp"

namespace kolosal::hpo::detail {
inline namespace KOLOSAL_GP_ISA {

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

  /// How hard Fit() searches the hyperparameters.
  struct FitOptions {
    /// L-BFGS starts: the first from `initial` (or unit lengthscales), the others from random
    /// lengthscales in [0.1, 1].
    int n_starts = 2;
    int max_iterations = 60;
    /// Hyperparameters to start from (a previous fit's theta()); empty for the default start.
    Eigen::VectorXd initial;
    /// Where the first line search from `initial` starts (see MinimizeLbfgs); a previous
    /// search's first_step() saves most of its halvings.
    double first_step = 1.0;
    /// false: only the hyperparameters (theta()), for a caller that conditions on other rows
    /// next; the posterior is left unset.
    bool set_posterior = true;
    /// Curvature pairs for the first start's L-BFGS (in: from an earlier search, out: its
    /// own); none if null.
    LbfgsHistory* history = nullptr;
  };

  /// Fits hyperparameters and the posterior to rows of `x` and targets `y`.
  void Fit(const Eigen::MatrixXd& x, const Eigen::VectorXd& y, Rng& rng);
  void Fit(const Eigen::MatrixXd& x, const Eigen::VectorXd& y, Rng& rng, const FitOptions& options);
  /// The posterior to rows of `x` and targets `y` under given hyperparameters (a theta() of the
  /// same input dimension), without searching them: one Cholesky factorisation.
  void Condition(const Eigen::MatrixXd& x, const Eigen::VectorXd& y, const Eigen::VectorXd& theta);
  /// The posterior at the rows of `points`.
  Prediction Predict(const Eigen::MatrixXd& points) const;
  /// The posterior with its gradients with respect to the inputs.
  struct PredictionWithGradients {
    Prediction prediction;
    Eigen::MatrixXd mean_gradient;      // points x input dimensions
    Eigen::MatrixXd variance_gradient;  // points x input dimensions
  };
  /// Predict() at the rows of `points` and the gradients of the mean and the variance there
  /// (two triangular solves per point instead of one).
  PredictionWithGradients PredictWithGradients(const Eigen::MatrixXd& points) const;
  /// The posterior mean at the rows of `points` and an upper bound of each variance: the
  /// variance given only the training point most correlated with the row (conditioning on more
  /// points can only lower it). O(n) per row instead of Predict's O(n^2).
  Prediction PredictWithVarianceBound(const Eigen::MatrixXd& points) const;
  /// The same, also storing the cross-covariances with the training rows (rows() x points) in
  /// `cross`, from which ExactVariance() finishes any point without recomputing its kernels.
  Prediction PredictWithVarianceBound(const Eigen::MatrixXd& points,
                                      Eigen::Ref<Eigen::MatrixXd> cross) const;
  /// The exact posterior variance at the points whose cross-covariances are the columns of
  /// `cross` (a triangular solve, O(n^2) per point).
  Eigen::VectorXd ExactVariance(Eigen::MatrixXd cross) const;
  /// The number of training rows the posterior conditions on.
  Eigen::Index rows() const { return x_.rows(); }

  const Eigen::VectorXd& lengthscales() const { return lengthscales_; }
  double signal_variance() const { return signal_variance_; }
  double noise_variance() const { return noise_variance_; }
  /// The fitted log posterior of the hyperparameters (marginal likelihood plus priors).
  double log_posterior() const { return log_posterior_; }
  /// The hyperparameters as the optimiser sees them: [log l_1..l_D, log s2, log(noise - 1e-6)].
  const Eigen::VectorXd& theta() const { return theta_; }
  /// -log posterior of the hyperparameters `theta` (as theta()) on the data of the last Fit(),
  /// and its gradient in `gradient`.
  double NegativeLogPosterior(const Eigen::VectorXd& theta, Eigen::VectorXd& gradient) const;
  /// The step the first line search of the last Fit() accepted from its first start (0 if
  /// none).
  double first_step() const { return first_step_; }

 private:
  void SetData(const Eigen::MatrixXd& x, const Eigen::VectorXd& y);
  void SetSquaredDifferences();  // of x_, for NegativeLogPosterior's gradient
  // r^2 between the rows of `points` and the training rows (points x rows()), in lengthscales.
  Eigen::MatrixXd SquaredDistancesToTraining(const Eigen::MatrixXd& points) const;
  Eigen::MatrixXd CrossCovariance(const Eigen::MatrixXd& points) const;
  void SetPosterior(const Eigen::VectorXd& theta);

  Eigen::MatrixXd x_;
  Eigen::VectorXd y_;
  std::vector<Eigen::MatrixXd> squared_differences_;  // per input dimension, while fitting
  Eigen::VectorXd theta_;
  Eigen::VectorXd lengthscales_;
  double signal_variance_ = 1.0;
  double noise_variance_ = 1e-6;
  double log_posterior_ = 0.0;
  double first_step_ = 0.0;
  Eigen::LLT<Eigen::MatrixXd> cholesky_;
  Eigen::VectorXd alpha_;
  Eigen::VectorXd diagonal_;      // of the factorised covariance (noise and jitter included)
  Eigen::MatrixXd scaled_train_;  // x_ divided by the lengthscales, for Predict
  Eigen::VectorXd train_norms_;
  // Scratch matrices of the likelihood and the posterior, reused between evaluations.
  struct Workspace {
    Eigen::MatrixXd r2;
    Eigen::MatrixXd correlation;
    Eigen::MatrixXd decay;
    Eigen::MatrixXd covariance;
    Eigen::LLT<Eigen::MatrixXd> cholesky;
    Eigen::MatrixXd inverse_factor;
    Eigen::MatrixXd weights;
  };
  mutable Workspace work_;
};

}  // namespace KOLOSAL_GP_ISA
}  // namespace kolosal::hpo::detail
