#include "kolosal/hpo/gp_sampler.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <numeric>

#include "kolosal/hpo/detail/gaussian_process.hpp"
#include "kolosal/hpo/detail/normal.hpp"
#include "kolosal/hpo/detail/sampling.hpp"

namespace kolosal::hpo {
namespace {

constexpr size_t kRefined = 5;
constexpr int kRefineRounds = 4;
constexpr int kRefineSteps = 24;

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
  return std::clamp((spec.ToSampling(value) - low) / (high - low), 0.0, 1.0);
}

double ValueOf(const ParamSpec& spec, double unit) {
  const double low = spec.ToSampling(spec.low);
  const double high = spec.ToSampling(spec.high);
  return spec.Snap(spec.FromSampling(low + std::clamp(unit, 0.0, 1.0) * (high - low)));
}

// The finished trials the GP learns from: all of them, or the best and the newest halves of
// the budget in a long study (the fit is cubic in their number).
std::vector<Observation> TrainingSet(const SamplingContext& context, size_t max_points) {
  std::vector<Observation> observations;
  for (const FrozenTrial& trial : context.trials) {
    if (trial.state != TrialState::kComplete || trial.params.empty()) continue;
    if (!std::isfinite(trial.value)) continue;
    observations.push_back({&trial, detail::Loss(trial.value, context.direction)});
  }
  if (observations.size() <= max_points) return observations;
  std::vector<Observation> by_loss = observations;
  std::sort(by_loss.begin(), by_loss.end(),
            [](const Observation& lhs, const Observation& rhs) { return lhs.loss < rhs.loss; });
  std::vector<Observation> kept(by_loss.begin(), by_loss.begin() + max_points / 2);
  for (auto it = observations.rbegin(); it != observations.rend() && kept.size() < max_points;
       ++it) {
    const bool taken = std::any_of(kept.begin(), kept.end(), [&](const Observation& entry) {
      return entry.trial == it->trial;
    });
    if (!taken) kept.push_back(*it);
  }
  return kept;
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
                               Rng& rng) const {
  ParamVector values = origin;
  for (size_t idx = 0; idx < space.size(); ++idx) {
    const ParamSpec& spec = space.param(idx);
    if (std::isnan(values[idx])) continue;
    if (spec.kind == ParamKind::kCategorical) {
      if (UniformUnit(rng) < 0.1) values[idx] = detail::SampleUniform(spec, rng);
      continue;
    }
    values[idx] = ValueOf(spec, UnitOf(spec, values[idx]) + scale * detail::StandardNormal(rng));
  }
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
  const std::vector<Observation> observations =
      TrainingSet(context, static_cast<size_t>(settings_.max_training_points));
  TrainingData data;
  if (observations.empty()) return data;
  Eigen::VectorXd losses(static_cast<Eigen::Index>(observations.size()));
  for (size_t idx = 0; idx < observations.size(); ++idx) {
    losses[static_cast<Eigen::Index>(idx)] = observations[idx].loss;
  }
  const double mean = losses.mean();
  const double stddev = std::sqrt((losses.array() - mean).square().mean());
  const double scale = stddev > 1e-12 ? stddev : 1.0;
  std::vector<const ParamVector*> inputs;
  std::vector<double> targets;
  for (const Observation& observation : observations) {
    inputs.push_back(&observation.trial->params);
    targets.push_back((observation.loss - mean) / scale);
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

std::vector<double> GpSampler::Score(const detail::GaussianProcess& process,
                                     const Eigen::MatrixXd& features, double incumbent) {
  const detail::GaussianProcess::Prediction prediction = process.Predict(features);
  std::vector<double> scores(static_cast<size_t>(features.rows()));
  for (Eigen::Index row = 0; row < features.rows(); ++row) {
    scores[static_cast<size_t>(row)] = LogExpectedImprovement(
        prediction.mean[row], std::sqrt(prediction.variance[row]), incumbent);
  }
  return scores;
}

std::pair<ParamVector, double> GpSampler::Refine(const SearchSpace& space,
                                                 const detail::GaussianProcess& process,
                                                 double incumbent, ParamVector current,
                                                 double current_score, Rng& rng) const {
  double step = 0.05;
  for (int round = 0; round < kRefineRounds; ++round, step *= 0.3) {
    std::vector<ParamVector> moves;
    Eigen::MatrixXd features(kRefineSteps, static_cast<Eigen::Index>(FeatureCount(space)));
    for (int move = 0; move < kRefineSteps; ++move) {
      moves.push_back(Perturb(space, current, step, rng));
      features.row(move) = Encode(space, moves.back());
    }
    const std::vector<double> scores = Score(process, features, incumbent);
    const auto top = std::max_element(scores.begin(), scores.end());
    if (*top <= current_score) continue;
    current_score = *top;
    current = moves[static_cast<size_t>(top - scores.begin())];
  }
  return {std::move(current), current_score};
}

ParamVector GpSampler::Sample(const SamplingContext& context, Rng& rng) {
  const SearchSpace& space = context.space;
  const TrainingData data = BuildTrainingData(context);
  const size_t n_startup = static_cast<size_t>(std::max<int64_t>(settings_.n_startup_trials, 2));
  if (data.n_observed < n_startup) return detail::SampleUniformVector(space, rng);
  detail::GaussianProcess process;
  process.Fit(data.x, data.y, rng);

  const Candidates candidates = Propose(space, data.best, rng);
  const std::vector<double> scores = Score(process, candidates.features, data.incumbent);
  std::vector<size_t> ranking(scores.size());
  std::iota(ranking.begin(), ranking.end(), 0);
  const size_t n_refined = std::min(kRefined, ranking.size());
  std::partial_sort(ranking.begin(), ranking.begin() + static_cast<std::ptrdiff_t>(n_refined),
                    ranking.end(),
                    [&](size_t lhs, size_t rhs) { return scores[lhs] > scores[rhs]; });
  ParamVector winner = candidates.params[ranking[0]];
  double winner_score = scores[ranking[0]];
  for (size_t rank = 0; rank < n_refined; ++rank) {
    auto [refined, score] = Refine(space, process, data.incumbent, candidates.params[ranking[rank]],
                                   scores[ranking[rank]], rng);
    if (score <= winner_score) continue;
    winner_score = score;
    winner = std::move(refined);
  }
  return winner;
}

}  // namespace kolosal::hpo
