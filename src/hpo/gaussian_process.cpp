#include "kolosal/hpo/detail/gaussian_process.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

#include "kolosal/hpo/detail/gp_dispatch.hpp"
#include "kolosal/hpo/detail/lbfgs.hpp"
#include "kolosal/precision/cpu_features.hpp"

#if defined(__x86_64__)
#include <immintrin.h>
#include <sleef.h>
#endif

namespace kolosal::hpo::detail {
inline namespace KOLOSAL_GP_ISA {
namespace {

constexpr double kSqrt5 = 2.23606797749978969641;
constexpr double kMinNoise = 1e-6;

#if defined(__x86_64__)
// sleef.h declares its 256-bit functions only when the whole file is compiled for AVX.
extern "C" __attribute__((target("avx2"))) __m256d Sleef_expd4_u10avx2(__m256d);
extern "C" __attribute__((target("avx512f"))) __m512d Sleef_expd8_u10avx512f(__m512d);

// MaternAvx2 eight values at a time. AVX-512F has fused multiply-adds, which contraction would
// use, so it is off: the steps round as on the other paths. (Clang never fuses separate
// intrinsics unless told to with -ffp-contract=fast.)
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC push_options
#pragma GCC optimize("fp-contract=off")
// GCC 12's avx512fintrin.h trips -Wmaybe-uninitialized on its own _mm512_undefined_pd (GCC bug
// 105593).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
__attribute__((target("avx512f"))) void MaternAvx512(const double* r2, double* out, double* decay,
                                                     Eigen::Index size) {
  const __m512d zero = _mm512_setzero_pd();
  const __m512d one = _mm512_set1_pd(1.0);
  const __m512d five = _mm512_set1_pd(5.0);
  const __m512d third = _mm512_set1_pd(1.0 / 3.0);
  const __m512d cap = _mm512_set1_pd(700.0);
  Eigen::Index idx = 0;
  for (; idx + 8 <= size; idx += 8) {
    const __m512d clipped = _mm512_max_pd(_mm512_loadu_pd(r2 + idx), zero);
    const __m512d s = _mm512_min_pd(_mm512_sqrt_pd(_mm512_mul_pd(five, clipped)), cap);
    const __m512d decayed = Sleef_expd8_u10avx512f(_mm512_sub_pd(zero, s));
    if (decay != nullptr) _mm512_storeu_pd(decay + idx, decayed);
    const __m512d poly =
        _mm512_add_pd(_mm512_add_pd(one, s), _mm512_mul_pd(_mm512_mul_pd(s, s), third));
    _mm512_storeu_pd(out + idx, _mm512_mul_pd(poly, decayed));
  }
  if (idx < size) {
    // The last values through the same vector code (masked), so that a value's result does not
    // depend on where it sits in the array.
    const __mmask8 mask = static_cast<__mmask8>((1U << (size - idx)) - 1U);
    const __m512d clipped = _mm512_max_pd(_mm512_maskz_loadu_pd(mask, r2 + idx), zero);
    const __m512d s = _mm512_min_pd(_mm512_sqrt_pd(_mm512_mul_pd(five, clipped)), cap);
    const __m512d decayed = Sleef_expd8_u10avx512f(_mm512_sub_pd(zero, s));
    if (decay != nullptr) _mm512_mask_storeu_pd(decay + idx, mask, decayed);
    const __m512d poly =
        _mm512_add_pd(_mm512_add_pd(one, s), _mm512_mul_pd(_mm512_mul_pd(s, s), third));
    _mm512_mask_storeu_pd(out + idx, mask, _mm512_mul_pd(poly, decayed));
  }
}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#pragma GCC pop_options
#endif

// MaternOfSquared's arithmetic four values at a time in one pass. The target leaves out FMA so
// that nothing is contracted: our steps round as on the SSE2 path (Sleef's exps agree to 1 ulp).
__attribute__((target("avx2"))) void MaternAvx2Block(const double* r2, double* out, double* decay) {
  const __m256d zero = _mm256_setzero_pd();
  const __m256d clipped = _mm256_max_pd(_mm256_loadu_pd(r2), zero);
  const __m256d s = _mm256_min_pd(_mm256_sqrt_pd(_mm256_mul_pd(_mm256_set1_pd(5.0), clipped)),
                                  _mm256_set1_pd(700.0));
  const __m256d decayed = Sleef_expd4_u10avx2(_mm256_sub_pd(zero, s));
  if (decay != nullptr) _mm256_storeu_pd(decay, decayed);
  const __m256d poly = _mm256_add_pd(_mm256_add_pd(_mm256_set1_pd(1.0), s),
                                     _mm256_mul_pd(_mm256_mul_pd(s, s), _mm256_set1_pd(1.0 / 3.0)));
  _mm256_storeu_pd(out, _mm256_mul_pd(poly, decayed));
}

__attribute__((target("avx2"))) void MaternAvx2(const double* r2, double* out, double* decay,
                                                Eigen::Index size) {
  Eigen::Index idx = 0;
  for (; idx + 4 <= size; idx += 4) {
    MaternAvx2Block(r2 + idx, out + idx, decay != nullptr ? decay + idx : nullptr);
  }
  if (idx == size) return;
  // The last values through the same vector code, padded.
  double padded_r2[4] = {0.0, 0.0, 0.0, 0.0};
  double padded_out[4];
  double padded_decay[4];
  std::copy(r2 + idx, r2 + size, padded_r2);
  MaternAvx2Block(padded_r2, padded_out, padded_decay);
  std::copy(padded_out, padded_out + (size - idx), out + idx);
  if (decay != nullptr) std::copy(padded_decay, padded_decay + (size - idx), decay + idx);
}
#endif

// exp(-s) at `size` values with Sleef's SSE versions through its dispatcher (1 ulp).
void NegativeExp(const double* scaled, double* out, Eigen::Index size) {
#if defined(__x86_64__)
  Eigen::Index idx = 0;
  const __m128d zero = _mm_setzero_pd();
  for (; idx + 2 <= size; idx += 2) {
    _mm_storeu_pd(out + idx, Sleef_expd2_u10(_mm_sub_pd(zero, _mm_loadu_pd(scaled + idx))));
  }
  if (idx < size) {
    // The odd last value through the same vector code.
    const __m128d last = _mm_set_pd(0.0, scaled[idx]);
    out[idx] = _mm_cvtsd_f64(Sleef_expd2_u10(_mm_sub_pd(zero, last)));
  }
#else
  for (Eigen::Index idx = 0; idx < size; ++idx) out[idx] = std::exp(-scaled[idx]);
#endif
}

// Matérn 5/2 correlation at `size` squared scaled distances r2 (negative rounding errors
// clipped) into `out`: (1 + s + s^2 / 3) exp(-s), s = sqrt(5 r2). With `decay`, also stores
// exp(-s) there. The exponentials (about 10^5 per ask) were most of the GP's time, so they come
// from Sleef's vector exp rather than Eigen's, in one AVX-512 or AVX2 pass where the CPU has
// it. Every value goes through the vector code, so its result does not depend on its position.
void MaternSpan(const double* r2, double* out, double* decay, Eigen::Index size) {
#if defined(__x86_64__)
  const precision::CpuFeatures& cpu = precision::CpuFeatures::Detect();
  if (cpu.avx512f) return MaternAvx512(r2, out, decay, size);
  // Sleef's AVX2 exp needs AVX2 and FMA (the portable build targets SSE2).
  if (cpu.avx2 && cpu.fma) return MaternAvx2(r2, out, decay, size);
#endif
  // Eigen's sqrt is vectorised; beyond 700 the correlation is 0 in double anyway.
  const Eigen::ArrayXd scaled =
      (5.0 * Eigen::Map<const Eigen::ArrayXd>(r2, size).max(0.0)).sqrt().min(700.0);
  double* exps = decay != nullptr ? decay : out;
  NegativeExp(scaled.data(), exps, size);
  for (Eigen::Index idx = 0; idx < size; ++idx) {
    const double s = scaled[idx];
    out[idx] = (1.0 + s + s * s * (1.0 / 3.0)) * exps[idx];
  }
}

void MaternOfSquared(const Eigen::MatrixXd& r2, Eigen::MatrixXd& result,
                     Eigen::MatrixXd* decay = nullptr) {
  result.resize(r2.rows(), r2.cols());
  double* decay_data = nullptr;
  if (decay != nullptr) {
    decay->resize(r2.rows(), r2.cols());
    decay_data = decay->data();
  }
  MaternSpan(r2.data(), result.data(), decay_data, r2.size());
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

// r2_ij = sum_d (x_id - x_jd)^2 / l_d^2 into `r2` from the rows of `x`, a column of
// differences at a time.
void ScaledSquaredDistance(const Eigen::MatrixXd& x, const Eigen::VectorXd& inv_sq_lengthscales,
                           Eigen::MatrixXd& r2) {
  r2.setZero(x.rows(), x.rows());
  for (Eigen::Index dim = 0; dim < x.cols(); ++dim) {
    const auto column = x.col(dim).array();
    for (Eigen::Index other = 0; other < x.rows(); ++other) {
      r2.col(other).array() += inv_sq_lengthscales[dim] * (column - column[other]).square();
    }
  }
}

// The lower triangle of K^-1 = L^-T L^-1 into `inverse` (its upper part is left unset),
// with `inverse_factor` = L^-1. Blocks of columns skip the zeros of L^-1: about n^3 / 3
// multiply-adds instead of the 1.5 n^3 of a full triangular solve and product.
void InverseLower(const Eigen::MatrixXd& factor, Eigen::MatrixXd& inverse_factor,
                  Eigen::MatrixXd& inverse) {
  constexpr Eigen::Index kBlock = 16;
  const Eigen::Index n = factor.rows();
  // Entries above each block of columns are never read (left unset).
  inverse_factor.resize(n, n);
  for (Eigen::Index begin = 0; begin < n; begin += kBlock) {
    const Eigen::Index width = std::min(kBlock, n - begin);
    auto columns = inverse_factor.block(begin, begin, n - begin, width);
    columns.setIdentity();
    factor.block(begin, begin, n - begin, n - begin)
        .triangularView<Eigen::Lower>()
        .solveInPlace(columns);
  }
  // Rows [begin, end) of L^-1 are zero right of column end.
  inverse.resize(n, n);
  for (Eigen::Index col = 0; col < n; ++col) inverse.col(col).tail(n - col).setZero();
  for (Eigen::Index begin = 0; begin < n; begin += kBlock) {
    const Eigen::Index end = std::min(n, begin + kBlock);
    inverse.topLeftCorner(end, end).selfadjointView<Eigen::Lower>().rankUpdate(
        inverse_factor.block(begin, 0, end - begin, end).transpose());
  }
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
  // The n x n temporaries live in work_: an evaluation allocating them afresh returned the
  // pages to the system and faulted them in again each time.
  Workspace& work = work_;
  const Hyper hyper = Unpack(theta);
  const Eigen::Index n = x_.rows();
  const Eigen::Index dims = theta.size() - 2;
  // Only the lower triangles: the factorisation and the gradient read nothing else.
  work.r2.resize(n, n);
  work.correlation.resize(n, n);
  work.decay.resize(n, n);
  work.covariance.resize(n, n);
  for (Eigen::Index col = 0; col < n; ++col) {
    const Eigen::Index size = n - col;
    auto r2 = work.r2.col(col).tail(size);
    r2.setZero();
    for (Eigen::Index dim = 0; dim < dims; ++dim) {
      r2 += hyper.inv_sq_lengthscales[dim] *
            squared_differences_[static_cast<size_t>(dim)].col(col).tail(size);
    }
    MaternSpan(r2.data(), work.correlation.col(col).tail(size).data(),
               work.decay.col(col).tail(size).data(), size);
    work.covariance.col(col).tail(size) =
        hyper.signal_variance * work.correlation.col(col).tail(size);
    work.covariance(col, col) += hyper.noise_variance;
  }
  work.cholesky.compute(work.covariance);
  gradient = Eigen::VectorXd::Zero(theta.size());
  if (work.cholesky.info() != Eigen::Success) return std::numeric_limits<double>::infinity();
  const Eigen::VectorXd alpha = work.cholesky.solve(y_);
  const double log_det = 2.0 * work.cholesky.matrixLLT().diagonal().array().log().sum();
  const double nll =
      0.5 * y_.dot(alpha) + 0.5 * log_det + 0.5 * n * std::log(2.0 * std::numbers::pi);
  // d nll / d theta = 0.5 tr((K^-1 - alpha alpha^T) dK/dtheta), from the lower triangles
  // (everything here is symmetric).
  InverseLower(work.cholesky.matrixLLT(), work.inverse_factor, work.weights);
  Eigen::VectorXd lengthscale_sums = Eigen::VectorXd::Zero(dims);
  double signal_sum = 0.0;
  double trace = 0.0;
  Eigen::VectorXd weighted_slope(n);
  for (Eigen::Index col = 0; col < n; ++col) {
    const Eigen::Index below = n - col - 1;
    const double diagonal = work.weights(col, col) - alpha[col] * alpha[col];
    trace += diagonal;
    signal_sum += diagonal * work.correlation(col, col);
    if (below == 0) continue;
    auto weights = work.weights.col(col).tail(below);
    weights -= alpha[col] * alpha.tail(below);
    signal_sum += 2.0 * weights.dot(work.correlation.col(col).tail(below));
    // -d Matern / d r, divided by r (finite at r = 0), times the weights. The squared
    // differences are 0 on the diagonal: off-diagonal pairs count twice.
    weighted_slope.head(below) =
        weights.array() * (hyper.signal_variance * 5.0 / 3.0 *
                           (1.0 + kSqrt5 * work.r2.col(col).tail(below).array().sqrt()) *
                           work.decay.col(col).tail(below).array());
    for (Eigen::Index dim = 0; dim < dims; ++dim) {
      lengthscale_sums[dim] += weighted_slope.head(below).dot(
          squared_differences_[static_cast<size_t>(dim)].col(col).tail(below));
    }
  }
  for (Eigen::Index dim = 0; dim < dims; ++dim) {
    gradient[dim] = hyper.inv_sq_lengthscales[dim] * lengthscale_sums[dim];
  }
  gradient[dims] = 0.5 * hyper.signal_variance * signal_sum;
  gradient[dims + 1] = 0.5 * trace * hyper.noise_excess;
  return nll - LogPrior(hyper, theta, gradient);
}

void GaussianProcess::Fit(const Eigen::MatrixXd& x, const Eigen::VectorXd& y, Rng& rng) {
  Fit(x, y, rng, FitOptions{});
}

void GaussianProcess::SetData(const Eigen::MatrixXd& x, const Eigen::VectorXd& y) {
  x_ = x;
  y_ = y;
}

void GaussianProcess::SetSquaredDifferences() {
  const Eigen::Index dims = x_.cols();
  squared_differences_.resize(static_cast<size_t>(dims));
  for (Eigen::Index dim = 0; dim < dims; ++dim) {
    const Eigen::ArrayXd column = x_.col(dim).array();
    Eigen::MatrixXd& differences = squared_differences_[static_cast<size_t>(dim)];
    differences.resize(x_.rows(), x_.rows());
    for (Eigen::Index other = 0; other < x_.rows(); ++other) {
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
  SetSquaredDifferences();
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
    const LbfgsResult result = MinimizeLbfgs(
        objective, theta0, lower, upper, options.max_iterations,
        start == 0 ? options.first_step : 1.0, start == 0 ? options.history : nullptr);
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
  if (options.set_posterior) {
    SetPosterior(best_theta);
  } else {
    theta_ = best_theta;
  }
}

void GaussianProcess::SetPosterior(const Eigen::VectorXd& theta) {
  theta_ = theta;
  const Hyper hyper = Unpack(theta);
  lengthscales_ = hyper.inv_sq_lengthscales.array().rsqrt().matrix();
  signal_variance_ = hyper.signal_variance;
  noise_variance_ = hyper.noise_variance;
  Workspace& work = work_;
  ScaledSquaredDistance(x_, hyper.inv_sq_lengthscales, work.r2);
  MaternOfSquared(work.r2, work.correlation);
  Eigen::MatrixXd& covariance = work.covariance;
  covariance = signal_variance_ * work.correlation;
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

Eigen::MatrixXd GaussianProcess::SquaredDistancesToTraining(const Eigen::MatrixXd& points) const {
  const Eigen::ArrayXd inv_lengthscales = lengthscales_.array().inverse();
  const Eigen::MatrixXd scaled_points = points.array().rowwise() * inv_lengthscales.transpose();
  Eigen::MatrixXd r2(points.rows(), x_.rows());
  r2.noalias() = -2.0 * scaled_points * scaled_train_.transpose();
  r2.colwise() += scaled_points.rowwise().squaredNorm();
  r2.rowwise() += train_norms_.transpose();
  return r2;
}

Eigen::MatrixXd GaussianProcess::CrossCovariance(const Eigen::MatrixXd& points) const {
  const Eigen::MatrixXd r2 = SquaredDistancesToTraining(points);
  Eigen::MatrixXd cross;
  MaternOfSquared(r2, cross);
  return signal_variance_ * cross;
}

GaussianProcess::Prediction GaussianProcess::Predict(const Eigen::MatrixXd& points) const {
  const Eigen::MatrixXd cross = CrossCovariance(points);
  Prediction prediction;
  prediction.mean = cross * alpha_;
  prediction.variance = ExactVariance(cross.transpose());
  return prediction;
}

Eigen::VectorXd GaussianProcess::ExactVariance(Eigen::MatrixXd cross) const {
  cholesky_.matrixL().solveInPlace(cross);
  return (signal_variance_ - cross.colwise().squaredNorm().transpose().array()).max(1e-12).matrix();
}

GaussianProcess::PredictionWithGradients GaussianProcess::PredictWithGradients(
    const Eigen::MatrixXd& points) const {
  const Eigen::ArrayXd inv_lengthscales = lengthscales_.array().inverse();
  const Eigen::MatrixXd r2 = SquaredDistancesToTraining(points);
  Eigen::MatrixXd correlation;
  Eigen::MatrixXd decay;
  MaternOfSquared(r2, correlation, &decay);
  // d k_j / d x_d = -slope_j (x_d - x_jd) / l_d^2.
  const Eigen::MatrixXd slope =
      (signal_variance_ * 5.0 / 3.0 * (1.0 + kSqrt5 * r2.array().max(0.0).sqrt()) * decay.array())
          .matrix();
  PredictionWithGradients result;
  Prediction& prediction = result.prediction;
  const Eigen::MatrixXd cross = signal_variance_ * correlation;
  prediction.mean = cross * alpha_;
  Eigen::MatrixXd solved = cross.transpose();
  cholesky_.matrixL().solveInPlace(solved);
  prediction.variance =
      (signal_variance_ - solved.colwise().squaredNorm().transpose().array()).max(1e-12).matrix();
  cholesky_.matrixU().solveInPlace(solved);  // now K^-1 k, a column per point
  const Eigen::ArrayXd inv_sq_lengthscales = inv_lengthscales.square();
  // sum_j w_j slope_j (x_d - x_jd) = x_d (slope w) - (slope (w o x))_d, per point.
  const Eigen::VectorXd slope_alpha = slope * alpha_;
  const Eigen::MatrixXd weighted_train = x_.array().colwise() * alpha_.array();
  Eigen::MatrixXd mean_sums = slope * weighted_train;
  mean_sums -= (points.array().colwise() * slope_alpha.array()).matrix();
  result.mean_gradient = mean_sums.array().rowwise() * inv_sq_lengthscales.transpose();
  const Eigen::MatrixXd slope_inverse = slope.cwiseProduct(solved.transpose());
  const Eigen::VectorXd slope_sums = slope_inverse.rowwise().sum();
  Eigen::MatrixXd variance_sums = (points.array().colwise() * slope_sums.array()).matrix();
  variance_sums -= slope_inverse * x_;
  result.variance_gradient =
      2.0 * (variance_sums.array().rowwise() * inv_sq_lengthscales.transpose());
  return result;
}

GaussianProcess::Prediction GaussianProcess::PredictWithVarianceBound(
    const Eigen::MatrixXd& points) const {
  Eigen::MatrixXd cross(x_.rows(), points.rows());
  return PredictWithVarianceBound(points, cross);
}

GaussianProcess::Prediction GaussianProcess::PredictWithVarianceBound(
    const Eigen::MatrixXd& points, Eigen::Ref<Eigen::MatrixXd> cross) const {
  // Blocks of rows keep the temporaries small: below glibc's trim threshold, so they do not
  // return pages to the system and fault them in again on every ask.
  constexpr Eigen::Index kBlock = 32;
  Prediction prediction;
  prediction.mean.resize(points.rows());
  prediction.variance.resize(points.rows());
  const Eigen::ArrayXd inv_diagonal = diagonal_.array().inverse();
  for (Eigen::Index begin = 0; begin < points.rows(); begin += kBlock) {
    const Eigen::Index size = std::min(kBlock, points.rows() - begin);
    const Eigen::MatrixXd block = CrossCovariance(points.middleRows(begin, size));
    cross.middleCols(begin, size) = block.transpose();
    prediction.mean.segment(begin, size) = block * alpha_;
    // Given training point j alone the variance is s2 - k_j^2 / (K_jj + noise); more points
    // can only lower it.
    const Eigen::VectorXd explained =
        (block.array().square().rowwise() * inv_diagonal.transpose()).rowwise().maxCoeff();
    prediction.variance.segment(begin, size) =
        (signal_variance_ - explained.array()).max(1e-12).matrix();
  }
  return prediction;
}

}  // namespace KOLOSAL_GP_ISA
}  // namespace kolosal::hpo::detail
