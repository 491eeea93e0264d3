#include "kolosal/hpo/detail/gaussian_process.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

#include "kolosal/hpo/detail/lbfgs.hpp"

#if defined(__x86_64__)
#include <immintrin.h>
#include <sleef.h>
#endif

namespace kolosal::hpo::detail {
namespace {

constexpr double kSqrt5 = 2.23606797749978969641;
constexpr double kMinNoise = 1e-6;

#if defined(__x86_64__)
// sleef.h declares its 256-bit functions only when the whole file is compiled for AVX.
extern "C" __m256d Sleef_expd4_u10avx2(__m256d);

__attribute__((target("avx2,fma"))) void NegativeExpAvx2(const double* scaled, double* out,
                                                         Eigen::Index size) {
  Eigen::Index idx = 0;
  const __m256d zero = _mm256_setzero_pd();
  for (; idx + 4 <= size; idx += 4) {
    const __m256d negated = _mm256_sub_pd(zero, _mm256_loadu_pd(scaled + idx));
    _mm256_storeu_pd(out + idx, Sleef_expd4_u10avx2(negated));
  }
  for (; idx < size; ++idx) out[idx] = std::exp(-scaled[idx]);
}
#endif

// exp(-s) at `size` values with Sleef (1 ulp): AVX2 where the CPU has it, else Sleef's
// dispatcher over the SSE2/SSE4.1 versions.
void NegativeExp(const double* scaled, double* out, Eigen::Index size) {
#if defined(__x86_64__)
  static const bool has_avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  if (has_avx2) return NegativeExpAvx2(scaled, out, size);
  Eigen::Index idx = 0;
  const __m128d zero = _mm_setzero_pd();
  for (; idx + 2 <= size; idx += 2) {
    _mm_storeu_pd(out + idx, Sleef_expd2_u10(_mm_sub_pd(zero, _mm_loadu_pd(scaled + idx))));
  }
  for (; idx < size; ++idx) out[idx] = std::exp(-scaled[idx]);
#else
  for (Eigen::Index idx = 0; idx < size; ++idx) out[idx] = std::exp(-scaled[idx]);
#endif
}

// The Matérn factor (1 + s + s^2 / 3) exp(-s) at `size` values into `out`, and exp(-s) into
// `decay` unless it is null. The exponentials (about 10^5 per ask) were most of the GP's time,
// so they go through Sleef's vector exp rather than Eigen's.
void MaternFactor(const double* scaled, double* out, double* decay, Eigen::Index size) {
  double* exps = decay != nullptr ? decay : out;
  NegativeExp(scaled, exps, size);
  for (Eigen::Index idx = 0; idx < size; ++idx) {
    const double s = scaled[idx];
    out[idx] = (1.0 + s + s * s * (1.0 / 3.0)) * exps[idx];
  }
}

// Matérn 5/2 correlation at squared scaled distances r2 (negative rounding errors clipped):
// (1 + s + s^2 / 3) exp(-s), s = sqrt(5 r2). With `decay`, also stores exp(-s) there.
Eigen::ArrayXXd MaternOfSquared(const Eigen::ArrayXXd& r2, Eigen::ArrayXXd* decay = nullptr) {
  // Eigen's sqrt is vectorised; beyond 700 the correlation is 0 in double anyway.
  const Eigen::ArrayXXd scaled = (5.0 * r2.max(0.0)).sqrt().min(700.0);
  Eigen::ArrayXXd result(r2.rows(), r2.cols());
  if (decay != nullptr) decay->resize(r2.rows(), r2.cols());
  MaternFactor(scaled.data(), result.data(), decay != nullptr ? decay->data() : nullptr, r2.size());
  return result;
}

// theta = [log l_1..l_D, log s2, log(noise - kMinNoise)].
struct Hyper {
  Eigen::VectorXd inv_sq_lengthscales;
  double signal_variance;
  double noise_variance;
  double noise_excess;
};

Hyper Unpack(const Eigen::VectorXd& theta) {
  const Eigen::Index dims = theta.size() - 2;
  Hyper hyper;
  hyper.inv_sq_lengthscales = (-2.0 * theta.head(dims).array()).exp().matrix();
  hyper.signal_variance = std::exp(theta[dims]);
  hyper.noise_excess = std::exp(theta[dims + 1]);
  hyper.noise_variance = kMinNoise + hyper.noise_excess;
  return hyper;
}

Eigen::MatrixXd ScaledSquaredDistance(const std::vector<Eigen::MatrixXd>& squared_differences,
                                      const Eigen::VectorXd& inv_sq_lengthscales) {
  Eigen::MatrixXd r2 =
      Eigen::MatrixXd::Zero(squared_differences[0].rows(), squared_differences[0].cols());
  for (size_t dim = 0; dim < squared_differences.size(); ++dim) {
    r2 += inv_sq_lengthscales[static_cast<Eigen::Index>(dim)] * squared_differences[dim];
  }
  return r2;
}

// Optuna's default priors, as log densities over the natural parameters.
double LogPrior(const Hyper& hyper, const Eigen::VectorXd& theta, Eigen::VectorXd& gradient) {
  const Eigen::Index dims = theta.size() - 2;
  double log_prior = 0.0;
  for (Eigen::Index dim = 0; dim < dims; ++dim) {
    const double lambda = hyper.inv_sq_lengthscales[dim];
    log_prior += -(0.1 / lambda + 0.1 * lambda);
    gradient[dim] -= -0.2 / lambda + 0.2 * lambda;  // d/d log l, of -log prior
  }
  log_prior += std::log(hyper.signal_variance) - hyper.signal_variance;  // Gamma(2, 1)
  gradient[dims] -= 1.0 - hyper.signal_variance;
  log_prior +=
      0.1 * std::log(hyper.noise_variance) - 30.0 * hyper.noise_variance;  // Gamma(1.1, 30)
  gradient[dims + 1] -= (0.1 / hyper.noise_variance - 30.0) * hyper.noise_excess;
  return log_prior;
}

}  // namespace

double GaussianProcess::NegativeLogPosterior(const Eigen::VectorXd& theta,
                                             Eigen::VectorXd& gradient) const {
  const Hyper hyper = Unpack(theta);
  const Eigen::Index n = x_.rows();
  const Eigen::Index dims = theta.size() - 2;
  const Eigen::ArrayXXd r2 =
      ScaledSquaredDistance(squared_differences_, hyper.inv_sq_lengthscales).array();
  Eigen::ArrayXXd decay;
  const Eigen::MatrixXd correlation = MaternOfSquared(r2, &decay).matrix();
  const Eigen::ArrayXXd scaled = kSqrt5 * r2.sqrt();
  Eigen::MatrixXd covariance = hyper.signal_variance * correlation;
  covariance.diagonal().array() += hyper.noise_variance;
  const Eigen::LLT<Eigen::MatrixXd> cholesky(covariance);
  gradient = Eigen::VectorXd::Zero(theta.size());
  if (cholesky.info() != Eigen::Success) return std::numeric_limits<double>::infinity();
  const Eigen::VectorXd alpha = cholesky.solve(y_);
  const double log_det = 2.0 * cholesky.matrixLLT().diagonal().array().log().sum();
  const double nll =
      0.5 * y_.dot(alpha) + 0.5 * log_det + 0.5 * n * std::log(2.0 * std::numbers::pi);
  // d nll / d theta = 0.5 tr((K^-1 - alpha alpha^T) dK/dtheta).
  // K^-1 = L^-T L^-1: one triangular solve and a product, which Eigen runs as a fast GEMM
  // (solving for the identity instead takes two triangular solves, both slower per flop).
  const Eigen::MatrixXd inverse_factor = cholesky.matrixL().solve(Eigen::MatrixXd::Identity(n, n));
  Eigen::MatrixXd weights(n, n);
  weights.noalias() = inverse_factor.transpose() * inverse_factor;
  weights.noalias() -= alpha * alpha.transpose();
  // -d Matern / d r, divided by r (finite at r = 0).
  const Eigen::MatrixXd slope =
      (hyper.signal_variance * 5.0 / 3.0 * (1.0 + scaled) * decay).matrix();
  const Eigen::MatrixXd weighted_slope = weights.cwiseProduct(slope);
  for (Eigen::Index dim = 0; dim < dims; ++dim) {
    gradient[dim] =
        0.5 * hyper.inv_sq_lengthscales[dim] *
        weighted_slope.cwiseProduct(squared_differences_[static_cast<size_t>(dim)]).sum();
  }
  gradient[dims] = 0.5 * weights.cwiseProduct(hyper.signal_variance * correlation).sum();
  gradient[dims + 1] = 0.5 * weights.trace() * hyper.noise_excess;
  return nll - LogPrior(hyper, theta, gradient);
}

void GaussianProcess::Fit(const Eigen::MatrixXd& x, const Eigen::VectorXd& y, Rng& rng) {
  Fit(x, y, rng, FitOptions{});
}

void GaussianProcess::SetData(const Eigen::MatrixXd& x, const Eigen::VectorXd& y) {
  x_ = x;
  y_ = y;
  const Eigen::Index dims = x.cols();
  squared_differences_.assign(static_cast<size_t>(dims), Eigen::MatrixXd());
  for (Eigen::Index dim = 0; dim < dims; ++dim) {
    const Eigen::ArrayXd column = x.col(dim).array();
    Eigen::MatrixXd& differences = squared_differences_[static_cast<size_t>(dim)];
    differences.resize(x.rows(), x.rows());
    for (Eigen::Index other = 0; other < x.rows(); ++other) {
      differences.col(other) = (column - column[other]).square().matrix();
    }
  }
}

void GaussianProcess::Condition(const Eigen::MatrixXd& x, const Eigen::VectorXd& y,
                                const Eigen::VectorXd& theta) {
  SetData(x, y);
  SetPosterior(theta);
  // The log posterior from the factorisation just made (no gradient, so no inverse).
  Eigen::VectorXd unused_gradient = Eigen::VectorXd::Zero(theta.size());
  const double log_det = 2.0 * cholesky_.matrixLLT().diagonal().array().log().sum();
  const double nll = 0.5 * y_.dot(alpha_) + 0.5 * log_det +
                     0.5 * static_cast<double>(x_.rows()) * std::log(2.0 * std::numbers::pi);
  log_posterior_ = LogPrior(Unpack(theta), theta, unused_gradient) - nll;
}

void GaussianProcess::Fit(const Eigen::MatrixXd& x, const Eigen::VectorXd& y, Rng& rng,
                          const FitOptions& options) {
  SetData(x, y);
  const Eigen::Index dims = x.cols();
  Eigen::VectorXd lower(dims + 2);
  Eigen::VectorXd upper(dims + 2);
  lower.head(dims).setConstant(std::log(1e-2));
  upper.head(dims).setConstant(std::log(1e2));
  lower[dims] = std::log(1e-2);
  upper[dims] = std::log(1e2);
  lower[dims + 1] = std::log(1e-9);
  upper[dims + 1] = std::log(1.0);
  const auto objective = [this](const Eigen::VectorXd& theta, Eigen::VectorXd& gradient) {
    return NegativeLogPosterior(theta, gradient);
  };
  Eigen::VectorXd best_theta;
  double best_value = std::numeric_limits<double>::infinity();
  for (int start = 0; start < options.n_starts; ++start) {
    Eigen::VectorXd theta0(dims + 2);
    if (start == 0 && options.initial.size() == dims + 2) {
      theta0 = options.initial.cwiseMax(lower).cwiseMin(upper);
    } else {
      for (Eigen::Index dim = 0; dim < dims; ++dim) {
        theta0[dim] = start == 0 ? 0.0 : std::log(0.1) + std::log(10.0) * UniformUnit(rng);
      }
      theta0[dims] = 0.0;
      theta0[dims + 1] = std::log(1e-3);
    }
    const LbfgsResult result =
        MinimizeLbfgs(objective, theta0, lower, upper, options.max_iterations,
                      start == 0 ? options.first_step : 1.0);
    if (start == 0) first_step_ = result.first_step;
    if (result.value < best_value) {
      best_value = result.value;
      best_theta = result.x;
    }
  }
  if (!std::isfinite(best_value)) {
    best_theta = Eigen::VectorXd::Zero(dims + 2);
    best_theta[dims + 1] = std::log(1e-2);
  }
  log_posterior_ = -best_value;
  SetPosterior(best_theta);
}

void GaussianProcess::SetPosterior(const Eigen::VectorXd& theta) {
  theta_ = theta;
  const Hyper hyper = Unpack(theta);
  lengthscales_ = hyper.inv_sq_lengthscales.array().rsqrt().matrix();
  signal_variance_ = hyper.signal_variance;
  noise_variance_ = hyper.noise_variance;
  Eigen::MatrixXd covariance =
      signal_variance_ *
      MaternOfSquared(
          ScaledSquaredDistance(squared_differences_, hyper.inv_sq_lengthscales).array())
          .matrix();
  covariance.diagonal().array() += noise_variance_;
  for (double jitter = 1e-8; jitter < 1.0; jitter *= 10.0) {
    cholesky_.compute(covariance);
    if (cholesky_.info() == Eigen::Success) break;
    covariance.diagonal().array() += jitter;
  }
  diagonal_ = covariance.diagonal();
  alpha_ = cholesky_.solve(y_);
  scaled_train_ = x_.array().rowwise() * lengthscales_.array().inverse().transpose();
  train_norms_ = scaled_train_.rowwise().squaredNorm();
}

Eigen::MatrixXd GaussianProcess::CrossCovariance(const Eigen::MatrixXd& points) const {
  const Eigen::ArrayXd inv_lengthscales = lengthscales_.array().inverse();
  const Eigen::MatrixXd scaled_points = points.array().rowwise() * inv_lengthscales.transpose();
  Eigen::MatrixXd cross(points.rows(), x_.rows());
  cross.noalias() = -2.0 * scaled_points * scaled_train_.transpose();
  cross.colwise() += scaled_points.rowwise().squaredNorm();
  cross.rowwise() += train_norms_.transpose();
  return signal_variance_ * MaternOfSquared(cross.array()).matrix();
}

GaussianProcess::Prediction GaussianProcess::Predict(const Eigen::MatrixXd& points) const {
  const Eigen::MatrixXd cross = CrossCovariance(points);
  Prediction prediction;
  prediction.mean = cross * alpha_;
  const Eigen::MatrixXd v = cholesky_.matrixL().solve(cross.transpose());
  prediction.variance =
      (signal_variance_ - v.colwise().squaredNorm().transpose().array()).max(1e-12).matrix();
  return prediction;
}

GaussianProcess::Prediction GaussianProcess::PredictWithVarianceBound(
    const Eigen::MatrixXd& points) const {
  // Blocks of rows keep the temporaries small: below glibc's trim threshold, so they do not
  // return pages to the system and fault them in again on every ask.
  constexpr Eigen::Index kBlock = 32;
  Prediction prediction;
  prediction.mean.resize(points.rows());
  prediction.variance.resize(points.rows());
  const Eigen::ArrayXd inv_diagonal = diagonal_.array().inverse();
  for (Eigen::Index begin = 0; begin < points.rows(); begin += kBlock) {
    const Eigen::Index size = std::min(kBlock, points.rows() - begin);
    const Eigen::MatrixXd cross = CrossCovariance(points.middleRows(begin, size));
    prediction.mean.segment(begin, size) = cross * alpha_;
    // Given training point j alone the variance is s2 - k_j^2 / (K_jj + noise); more points
    // can only lower it.
    const Eigen::VectorXd explained =
        (cross.array().square().rowwise() * inv_diagonal.transpose()).rowwise().maxCoeff();
    prediction.variance.segment(begin, size) =
        (signal_variance_ - explained.array()).max(1e-12).matrix();
  }
  return prediction;
}

}  // namespace kolosal::hpo::detail
