#include "kolosal/hpo/gp_sampler.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <numeric>
#include <span>
#include <utility>

#include "kolosal/hpo/detail/gaussian_process.hpp"
#include "kolosal/hpo/detail/normal.hpp"
#include "kolosal/hpo/detail/sampling.hpp"

namespace kolosal::hpo {
inline namespace KOLOSAL_GP_ISA {
namespace {

// The acquisition search refines the best few candidates: a round of random steps each, then
// gradient ascent on log EI, with steps of at most kAscentStep in the unit cube.
constexpr size_t kRefined = 3;
constexpr int kRandomSteps = 24;
constexpr double kRandomScale = 0.05;
constexpr int kAscentIterations = 12;
constexpr double kAscentStep = 0.02;
// Hyperparameter searches: a cold one (nothing remembered for the space) from two starts; then
// one warm search per newly completed trial from the last result, with few iterations. Each runs
// on at most this many rows of the training data (an iteration is cubic in them).
constexpr int kColdIterations = 40;
constexpr int kWarmIterations = 3;
constexpr Eigen::Index kColdFitPoints = 32;
constexpr Eigen::Index kWarmFitPoints = 64;
// Spaces with a cached fit (ADAPTIVE's region and the full space).
constexpr size_t kFitCaches = 4;

struct Observation {
  const FrozenTrial* trial;
  double loss;
};

size_t FeatureCount(const SearchSpace& space) {
  size_t count = 0;
  for (const ParamSpec& spec : space.params()) {
    count += spec.kind == ParamKind::kCategorical ? spec.choices.size() : 1;
  }
  return count;
}

double UnitOf(const ParamSpec& spec, double value) {
  const double low = spec.ToSampling(spec.low);
  const double high = spec.ToSampling(spec.high);
  if (high <= low) return 0.5;
  return (spec.ToSampling(value) - low) / (high - low);
}

double ValueOf(const ParamSpec& spec, double unit) {
  const double low = spec.ToSampling(spec.low);
  const double high = spec.ToSampling(spec.high);
  return spec.Snap(spec.FromSampling(low + std::clamp(unit, 0.0, 1.0) * (high - low)));
}

// Whether parameter `idx` is unset in `values`; if a parent's new choice switched it on (it is
// unset but active), it is drawn over its whole range.
bool DrawIfSwitchedOn(const SearchSpace& space, size_t idx, ParamVector& values, Rng& rng) {
  if (!std::isnan(values[idx])) return false;
  if (space.IsActive(idx, values)) values[idx] = detail::SampleUniform(space.param(idx), rng);
  return true;
}

// `count` rows: the best half by target and the newest of the rest (rows are in trial order).
std::vector<size_t> BestAndNewestRows(std::span<const double> y, size_t count) {
  const size_t n_rows = y.size();
  std::vector<size_t> order(n_rows);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t lhs, size_t rhs) { return y[lhs] < y[rhs]; });
  std::vector<bool> taken(n_rows, false);
  for (size_t idx = 0; idx < count / 2; ++idx) taken[order[idx]] = true;
  size_t n_taken = count / 2;
  for (size_t idx = n_rows; idx-- > 0 && n_taken < count;) {
    if (!taken[idx]) {
      taken[idx] = true;
      ++n_taken;
    }
  }
  std::vector<size_t> rows;
  for (size_t idx = 0; idx < n_rows; ++idx)
    if (taken[idx]) rows.push_back(idx);
  return rows;
}

// The finished trials the GP learns from: all of them, or the best and the newest halves of
// the budget in a long study (the fit is cubic in their number).
std::vector<Observation> TrainingSet(const SamplingContext& context, size_t max_points,
                                     size_t& n_complete) {
  std::vector<Observation> observations;
  for (const FrozenTrial& trial : context.trials) {
    if (trial.state != TrialState::kComplete || trial.params.empty()) continue;
    if (!std::isfinite(trial.value)) continue;
    observations.push_back({&trial, detail::Loss(trial.value, context.direction)});
  }
  n_complete = observations.size();
  if (observations.size() <= max_points) return observations;
  std::vector<double> losses;
  for (const Observation& observation : observations) losses.push_back(observation.loss);
  std::vector<Observation> kept;
  for (size_t row : BestAndNewestRows(losses, max_points)) kept.push_back(observations[row]);
  return kept;
}

// `count` distinct rows of `n`, in increasing order (a partial Fisher-Yates shuffle).
std::vector<size_t> SampleRows(size_t n, size_t count, Rng& rng) {
  std::vector<size_t> rows(n);
  std::iota(rows.begin(), rows.end(), 0);
  DrawToFront(std::span<size_t>(rows), count, rng);
  rows.resize(count);
  std::sort(rows.begin(), rows.end());
  return rows;
}

}  // namespace

double LogExpectedImprovement(double mean, double stddev, double best) {
  const double z = (best - mean) / stddev;
  const double log_phi = -0.5 * z * z - 0.5 * std::log(2.0 * std::numbers::pi);
  double log_h = 0.0;
  if (z > -6.0) {
    log_h = std::log(std::max(z * detail::NormalCdf(z) + std::exp(log_phi), 1e-300));
  } else {
    // z Phi(z) + phi(z) ~ phi(z) / z^2 (1 - 3 / z^2) far in the lower tail.
    log_h = log_phi - 2.0 * std::log(-z) + std::log1p(-3.0 / (z * z));
  }
  return std::log(stddev) + log_h;
}

Eigen::VectorXd GpSampler::WarpLosses(const Eigen::VectorXd& losses) {
  // A stationary GP fitted to a heavy tail (Rosenbrock's corners are 10^4 times its valley)
  // spends its variance on the tail and, once the targets are standardised, sees the region
  // near the best as flat; the warp keeps that region about linear and compresses the tail.
  const double best = losses.minCoeff();
  const Eigen::ArrayXd gaps = losses.array() - best;
  std::vector<double> sorted(gaps.data(), gaps.data() + gaps.size());
  const auto rank = static_cast<std::ptrdiff_t>(0.9 * static_cast<double>(sorted.size() - 1));
  std::nth_element(sorted.begin(), sorted.begin() + rank, sorted.end());
  double scale = sorted[static_cast<size_t>(rank)];
  if (!(scale > 0.0)) scale = gaps.maxCoeff();
  if (!(scale > 0.0)) scale = 1.0;
  return (gaps / scale).log1p().matrix();
}

Eigen::VectorXd GpSampler::Encode(const SearchSpace& space, const ParamVector& values) {
  Eigen::VectorXd features = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(FeatureCount(space)));
  Eigen::Index column = 0;
  for (size_t idx = 0; idx < space.size(); ++idx) {
    const ParamSpec& spec = space.param(idx);
    const double value =
        idx < values.size() ? values[idx] : std::numeric_limits<double>::quiet_NaN();
    if (spec.kind == ParamKind::kCategorical) {
      if (!std::isnan(value)) features[column + static_cast<Eigen::Index>(value)] = 1.0;
      column += static_cast<Eigen::Index>(spec.choices.size());
      continue;
    }
    features[column++] = std::isnan(value) ? 0.5 : UnitOf(spec, value);
  }
  return features;
}

ParamVector GpSampler::Perturb(const SearchSpace& space, const ParamVector& origin, double scale,
                               Rng& rng) {
  ParamVector values = origin;
  values.resize(space.size(), std::numeric_limits<double>::quiet_NaN());
  for (size_t idx = 0; idx < space.size(); ++idx) {
    const ParamSpec& spec = space.param(idx);
    if (DrawIfSwitchedOn(space, idx, values, rng)) continue;
    if (spec.kind == ParamKind::kCategorical) {
      if (UniformUnit(rng) < 0.1) values[idx] = detail::SampleUniform(spec, rng);
      continue;
    }
    values[idx] = ValueOf(spec, UnitOf(spec, values[idx]) + scale * detail::StandardNormal(rng));
  }
  space.Normalize(values);
  return values;
}

ParamVector GpSampler::MoveOne(const SearchSpace& space, const ParamVector& origin, Rng& rng) {
  ParamVector values = origin;
  values.resize(space.size(), std::numeric_limits<double>::quiet_NaN());
  std::vector<size_t> active;
  for (size_t idx = 0; idx < values.size(); ++idx) {
    if (!std::isnan(values[idx])) active.push_back(idx);
  }
  if (active.empty()) return values;
  const size_t moved = active[UniformIndex(rng, active.size())];
  values[moved] = detail::SampleUniform(space.param(moved), rng);
  // In order, so that nested conditions see their parents' new values.
  for (size_t idx = 0; idx < space.size(); ++idx) DrawIfSwitchedOn(space, idx, values, rng);
  space.Normalize(values);
  return values;
}

GpSampler::Candidates GpSampler::Propose(const SearchSpace& space,
                                         const std::vector<const ParamVector*>& best,
                                         Rng& rng) const {
  Candidates candidates;
  const size_t n_candidates = static_cast<size_t>(settings_.n_candidates);
  const size_t n_local = best.empty() ? 0 : n_candidates / 5;
  for (size_t idx = 0; idx < n_candidates; ++idx) {
    if (idx < n_local) {
      const ParamVector& origin = *best[UniformIndex(rng, best.size())];
      candidates.params.push_back(Perturb(space, origin, 0.05, rng));
      continue;
    }
    if (idx < 2 * n_local) {
      candidates.params.push_back(MoveOne(space, *best[UniformIndex(rng, best.size())], rng));
      continue;
    }
    candidates.params.push_back(detail::SampleUniformVector(space, rng));
  }
  candidates.features.resize(static_cast<Eigen::Index>(candidates.params.size()),
                             static_cast<Eigen::Index>(FeatureCount(space)));
  for (size_t row = 0; row < candidates.params.size(); ++row) {
    candidates.features.row(static_cast<Eigen::Index>(row)) = Encode(space, candidates.params[row]);
  }
  return candidates;
}

GpSampler::TrainingData GpSampler::BuildTrainingData(const SamplingContext& context) const {
  TrainingData data;
  const std::vector<Observation> observations =
      TrainingSet(context, static_cast<size_t>(settings_.max_training_points), data.n_complete);
  if (observations.empty()) return data;
  Eigen::VectorXd losses(static_cast<Eigen::Index>(observations.size()));
  for (size_t idx = 0; idx < observations.size(); ++idx) {
    losses[static_cast<Eigen::Index>(idx)] = observations[idx].loss;
  }
  if (settings_.warp_targets) losses = WarpLosses(losses);
  const double mean = losses.mean();
  const double stddev = std::sqrt((losses.array() - mean).square().mean());
  const double scale = stddev > 1e-12 ? stddev : 1.0;
  std::vector<const ParamVector*> inputs;
  std::vector<double> targets;
  for (size_t idx = 0; idx < observations.size(); ++idx) {
    inputs.push_back(&observations[idx].trial->params);
    targets.push_back((losses[static_cast<Eigen::Index>(idx)] - mean) / scale);
  }
  data.n_observed = observations.size();
  data.incumbent = *std::min_element(targets.begin(), targets.end());
  // Running trials are lies at the worst observed value, so parallel workers spread out.
  const double worst = *std::max_element(targets.begin(), targets.end());
  for (const FrozenTrial& trial : context.trials) {
    if (trial.state != TrialState::kRunning || trial.params.empty()) continue;
    if (trial.number == context.trial_number) continue;
    inputs.push_back(&trial.params);
    targets.push_back(worst);
  }
  data.x.resize(static_cast<Eigen::Index>(inputs.size()),
                static_cast<Eigen::Index>(FeatureCount(context.space)));
  for (size_t row = 0; row < inputs.size(); ++row) {
    data.x.row(static_cast<Eigen::Index>(row)) = Encode(context.space, *inputs[row]);
  }
  data.y =
      Eigen::Map<const Eigen::VectorXd>(targets.data(), static_cast<Eigen::Index>(targets.size()));
  std::vector<size_t> order(observations.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](size_t lhs, size_t rhs) {
    return observations[lhs].loss < observations[rhs].loss;
  });
  for (size_t idx = 0; idx < std::min<size_t>(5, order.size()); ++idx) {
    data.best.push_back(&observations[order[idx]].trial->params);
  }
  return data;
}

std::vector<GpSampler::Scored> GpSampler::BestExact(const detail::GaussianProcess& process,
                                                    const Eigen::MatrixXd& features,
                                                    double incumbent, size_t count) {
  const detail::GaussianProcess::Prediction exact = process.Predict(features);
  std::vector<Scored> best;
  for (Eigen::Index row = 0; row < features.rows(); ++row) {
    best.push_back(
        {static_cast<size_t>(row),
         LogExpectedImprovement(exact.mean[row], std::sqrt(exact.variance[row]), incumbent)});
  }
  std::stable_sort(best.begin(), best.end(), Scored::Higher);
  best.resize(std::min(best.size(), count));
  return best;
}

std::vector<GpSampler::Scored> GpSampler::Best(const detail::GaussianProcess& process,
                                               const Eigen::MatrixXd& features, double incumbent,
                                               size_t count) {
  constexpr size_t kBlock = 32;
  const size_t n_rows = static_cast<size_t>(features.rows());
  // One exact block: the bound would only add work.
  if (n_rows <= kBlock) return BestExact(process, features, incumbent, count);
  cross_buffer_.resize(static_cast<size_t>(process.rows()) * n_rows);
  const Eigen::Map<Eigen::MatrixXd> cross(cross_buffer_.data(), process.rows(), features.rows());
  const detail::GaussianProcess::Prediction bound =
      process.PredictWithVarianceBound(features, cross);
  std::vector<double> bounds(n_rows);
  for (size_t row = 0; row < n_rows; ++row) {
    const auto index = static_cast<Eigen::Index>(row);
    bounds[row] =
        LogExpectedImprovement(bound.mean[index], std::sqrt(bound.variance[index]), incumbent);
  }
  std::vector<size_t> order(n_rows);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t lhs, size_t rhs) { return bounds[lhs] > bounds[rhs]; });
  std::vector<Scored> best;
  for (size_t next = 0; next < n_rows;) {
    if (best.size() >= count && best.back().score >= bounds[order[next]]) break;
    const size_t size = std::min(kBlock, n_rows - next);
    // The bound's mean is exact; the variance needs the triangular solve.
    Eigen::MatrixXd columns(process.rows(), static_cast<Eigen::Index>(size));
    for (size_t idx = 0; idx < size; ++idx) {
      columns.col(static_cast<Eigen::Index>(idx)) =
          cross.col(static_cast<Eigen::Index>(order[next + idx]));
    }
    const Eigen::VectorXd variance = process.ExactVariance(std::move(columns));
    for (size_t idx = 0; idx < size; ++idx) {
      const size_t row = order[next + idx];
      const Scored entry{row, LogExpectedImprovement(
                                  bound.mean[static_cast<Eigen::Index>(row)],
                                  std::sqrt(variance[static_cast<Eigen::Index>(idx)]), incumbent)};
      best.insert(std::upper_bound(best.begin(), best.end(), entry, Scored::Higher), entry);
      if (best.size() > count) best.pop_back();
    }
    next += size;
  }
  return best;
}

void GpSampler::StepRandomly(const SearchSpace& space, const detail::GaussianProcess& process,
                             double incumbent, std::vector<ParamVector>& points,
                             std::vector<double>& scores, Rng& rng) const {
  // The moves of every point are scored in one batch.
  std::vector<ParamVector> moves;
  const auto n_moves = static_cast<Eigen::Index>(points.size()) * kRandomSteps;
  Eigen::MatrixXd features(n_moves, static_cast<Eigen::Index>(FeatureCount(space)));
  for (const ParamVector& point : points) {
    for (int move = 0; move < kRandomSteps; ++move) {
      moves.push_back(Perturb(space, point, kRandomScale, rng));
      features.row(static_cast<Eigen::Index>(moves.size() - 1)) = Encode(space, moves.back());
    }
  }
  const detail::GaussianProcess::Prediction prediction = process.Predict(features);
  for (size_t idx = 0; idx < moves.size(); ++idx) {
    const auto row = static_cast<Eigen::Index>(idx);
    const size_t point = idx / static_cast<size_t>(kRandomSteps);
    const double score = LogExpectedImprovement(prediction.mean[row],
                                                std::sqrt(prediction.variance[row]), incumbent);
    if (score <= scores[point]) continue;
    scores[point] = score;
    points[point] = std::move(moves[idx]);
  }
}

namespace {
// d log h / dz for h(z) = z Phi(z) + phi(z), with LogExpectedImprovement's tail branch.
double LogEiSlope(double z) {
  if (z > -6.0) {
    const double cdf = detail::NormalCdf(z);
    const double pdf = std::exp(-0.5 * z * z) / std::sqrt(2.0 * std::numbers::pi);
    return cdf / std::max(z * cdf + pdf, 1e-300);
  }
  return -z - 2.0 / z + (6.0 / (z * z * z)) / (1.0 - 3.0 / (z * z));
}
}  // namespace

void GpSampler::AscendGradient(const SearchSpace& space, const detail::GaussianProcess& process,
                               double incumbent, std::vector<ParamVector>& points,
                               std::vector<double>& scores) const {
  const Eigen::Index n_points = static_cast<Eigen::Index>(points.size());
  const Eigen::Index n_features = static_cast<Eigen::Index>(FeatureCount(space));
  // (parameter, feature column) of the continuous parameters: the ones the ascent moves.
  std::vector<std::pair<size_t, Eigen::Index>> continuous;
  Eigen::Index column = 0;
  for (size_t param = 0; param < space.size(); ++param) {
    const ParamSpec& spec = space.param(param);
    if (spec.kind == ParamKind::kCategorical) {
      column += static_cast<Eigen::Index>(spec.choices.size());
      continue;
    }
    if (!spec.IsDiscrete()) continuous.emplace_back(param, column);
    ++column;
  }
  Eigen::MatrixXd current(n_points, n_features);
  Eigen::MatrixXd movable = Eigen::MatrixXd::Zero(n_points, n_features);
  for (Eigen::Index row = 0; row < n_points; ++row) {
    const ParamVector& values = points[static_cast<size_t>(row)];
    current.row(row) = Encode(space, values);
    for (const auto& [param, feature] : continuous) {
      if (!std::isnan(values[param])) movable(row, feature) = 1.0;
    }
  }
  Eigen::MatrixXd trial = current;
  Eigen::MatrixXd gradient = Eigen::MatrixXd::Zero(n_points, n_features);
  // A step that raised log EI is kept (up to kAscentStep); one that did not is undone and
  // shortened. Steps follow the gradient in the unit cube.
  std::vector<double> step(points.size(), kAscentStep);
  std::vector<bool> moved(points.size(), false);
  for (int iteration = 0; iteration <= kAscentIterations; ++iteration) {
    const auto result = process.PredictWithGradients(trial);
    bool active = false;
    for (Eigen::Index row = 0; row < n_points; ++row) {
      const size_t idx = static_cast<size_t>(row);
      const double mean = result.prediction.mean[row];
      const double stddev = std::sqrt(result.prediction.variance[row]);
      const double score = LogExpectedImprovement(mean, stddev, incumbent);
      if (iteration == 0 || score > scores[idx]) {
        if (iteration > 0) {
          moved[idx] = true;
          step[idx] = std::min(2.0 * step[idx], kAscentStep);
        }
        scores[idx] = score;
        current.row(row) = trial.row(row);
        const double z = (incumbent - mean) / stddev;
        const Eigen::RowVectorXd stddev_gradient =
            result.variance_gradient.row(row) / (2.0 * stddev);
        const Eigen::RowVectorXd z_gradient =
            (-result.mean_gradient.row(row) - z * stddev_gradient) / stddev;
        gradient.row(row) =
            (stddev_gradient / stddev + LogEiSlope(z) * z_gradient).cwiseProduct(movable.row(row));
      } else {
        step[idx] *= 0.25;
      }
      const double norm = gradient.row(row).norm();
      if (step[idx] < 1e-4 || !(norm > 0.0) || !std::isfinite(norm)) {
        trial.row(row) = current.row(row);
        continue;
      }
      active = true;
      trial.row(row) =
          (current.row(row) + (step[idx] / norm) * gradient.row(row)).cwiseMax(0.0).cwiseMin(1.0);
    }
    if (!active) break;
  }
  for (Eigen::Index row = 0; row < n_points; ++row) {
    const size_t idx = static_cast<size_t>(row);
    if (!moved[idx]) continue;
    for (const auto& [param, feature] : continuous) {
      if (movable(row, feature) > 0.0) {
        points[idx][param] = ValueOf(space.param(param), current(row, feature));
      }
    }
  }
}

GpSampler::FitCache& GpSampler::CacheFor(const SearchSpace& space) {
  std::vector<double> bounds;
  for (const ParamSpec& spec : space.params()) {
    bounds.push_back(spec.ToSampling(spec.low));
    bounds.push_back(spec.ToSampling(spec.high));
  }
  auto found = std::find_if(fit_caches_.begin(), fit_caches_.end(),
                            [&](const FitCache& cache) { return cache.bounds == bounds; });
  if (found == fit_caches_.end()) {
    if (fit_caches_.size() >= kFitCaches) fit_caches_.erase(fit_caches_.begin());
    fit_caches_.push_back({std::move(bounds), Eigen::VectorXd(), 0, 1.0, {}});
  } else {
    std::rotate(found, found + 1, fit_caches_.end());
  }
  return fit_caches_.back();
}

void GpSampler::FitProcess(const SearchSpace& space, detail::GaussianProcess& process,
                           const TrainingData& data, Rng& rng) {
  FitCache& cache = CacheFor(space);
  const bool warm = cache.theta.size() == data.x.cols() + 2;
  if (warm && data.n_complete == cache.fitted_at) {
    process.Condition(data.x, data.y, cache.theta);
    return;
  }
  // The search runs on a random subset of the rows when there are many (its cost is cubic in
  // them); the posterior then conditions on all of them.
  detail::GaussianProcess::FitOptions options;
  options.max_iterations = kColdIterations;
  Eigen::Index fit_points = kColdFitPoints;
  if (warm) {
    options.n_starts = 1;
    options.max_iterations = kWarmIterations;
    options.initial = cache.theta;
    // The likelihood changes little between searches, so each starts from the last one's
    // curvature pairs (a quasi-Newton first step, usually accepted at once). The first warm
    // search has none: its steepest-descent line search starts at the step the cold search
    // accepted, which saves most of the halvings from a unit step (see MinimizeLbfgs).
    options.first_step = cache.first_step;
    options.history = &cache.history;
    fit_points = kWarmFitPoints;
  }
  if (data.x.rows() <= fit_points) {
    process.Fit(data.x, data.y, rng, options);
  } else {
    // A warm search sees the best and the newest rows, so consecutive searches see nearly the
    // same data and the hyperparameters move smoothly; a cold one a random sample.
    const std::vector<size_t> rows =
        warm ? BestAndNewestRows(
                   std::span<const double>(data.y.data(), static_cast<size_t>(data.y.size())),
                   static_cast<size_t>(fit_points))
             : SampleRows(static_cast<size_t>(data.x.rows()), static_cast<size_t>(fit_points), rng);
    Eigen::MatrixXd subset_x(fit_points, data.x.cols());
    Eigen::VectorXd subset_y(fit_points);
    for (Eigen::Index row = 0; row < fit_points; ++row) {
      subset_x.row(row) = data.x.row(static_cast<Eigen::Index>(rows[static_cast<size_t>(row)]));
      subset_y[row] = data.y[static_cast<Eigen::Index>(rows[static_cast<size_t>(row)])];
    }
    options.set_posterior = false;
    process.Fit(subset_x, subset_y, rng, options);
    process.Condition(data.x, data.y, process.theta());
  }
  cache.theta = process.theta();
  cache.fitted_at = data.n_complete;
  if (process.first_step() > 0.0) cache.first_step = process.first_step();
}

ParamVector GpSampler::Sample(const SamplingContext& context, Rng& rng) {
  const SearchSpace& space = context.space;
  const TrainingData data = BuildTrainingData(context);
  const size_t n_startup = static_cast<size_t>(std::max<int64_t>(settings_.n_startup_trials, 2));
  if (data.n_observed < n_startup) return detail::SampleUniformVector(space, rng);
  detail::GaussianProcess process;
  FitProcess(space, process, data, rng);

  const Candidates candidates = Propose(space, data.best, rng);
  const std::vector<Scored> top = Best(process, candidates.features, data.incumbent, kRefined);
  std::vector<ParamVector> points;
  std::vector<double> scores;
  for (const Scored& entry : top) {
    points.push_back(candidates.params[entry.row]);
    scores.push_back(entry.score);
  }
  StepRandomly(space, process, data.incumbent, points, scores, rng);
  AscendGradient(space, process, data.incumbent, points, scores);
  const auto winner = std::max_element(scores.begin(), scores.end()) - scores.begin();
  return std::move(points[static_cast<size_t>(winner)]);
}

}  // namespace KOLOSAL_GP_ISA
}  // namespace kolosal::hpo
