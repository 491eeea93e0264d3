#pragma once

#include <Eigen/Dense>
#include <vector>

#include "kolosal/hpo/detail/gaussian_process.hpp"
#include "kolosal/hpo/detail/gp_isa.hpp"
#include "kolosal/hpo/sampler.hpp"
#include "kolosal/hpo/study_options.hpp"

namespace kolosal::hpo {
inline namespace KOLOSAL_GP_ISA {

/// Bayesian optimization with a Gaussian process (the equivalent of scikit-optimize's
/// gp_minimize): inputs scaled to [0, 1] (log parameters in log space, categoricals one-hot),
/// standardised outputs, a Matérn-5/2 ARD kernel whose hyperparameters maximise the marginal
/// likelihood, and expected improvement maximised over random candidates (plus perturbations
/// of the best trials) followed by a local refinement of the most promising ones. Running
/// trials enter as constant lies at the worst observed value so parallel workers spread out.
class GpSampler : public Sampler {
 public:
  explicit GpSampler(GpSettings settings) : settings_(settings) {}

  std::string_view Name() const override { return "gp"; }
  ParamVector Sample(const SamplingContext& context, Rng& rng) override;
  /// Trials outside the space enter the fit with features outside [0, 1].
  bool LearnsBeyondSpace() const override { return true; }

  /// The [0, 1] features of a parameter set (one column per numeric parameter, one per choice);
  /// a numeric value outside the space maps outside [0, 1].
  static Eigen::VectorXd Encode(const SearchSpace& space, const ParamVector& values);
  /// The losses the GP models (before standardising, with `gp_warp_targets`):
  /// log1p((loss - best) / d), d the 90th percentile (nearest rank) of loss - best: about
  /// linear within d of the best, logarithmic beyond, and in the same order.
  static Eigen::VectorXd WarpLosses(const Eigen::VectorXd& losses);
  /// `origin` moved by a normal step of `scale` (unit-cube widths) in every numeric parameter
  /// and a new choice with probability 0.1 in every categorical; a parameter that a new choice
  /// switches on is drawn over its whole range.
  static ParamVector Perturb(const SearchSpace& space, const ParamVector& origin, double scale,
                             Rng& rng);
  /// `origin` with one of its active parameters drawn again over its whole range (and any
  /// parameters that this switches on drawn too): SMAC's one-exchange neighbour.
  static ParamVector MoveOne(const SearchSpace& space, const ParamVector& origin, Rng& rng);

 private:
  struct TrainingData {
    size_t n_complete = 0;  // completed trials, before the training-set cap
    Eigen::MatrixXd x;
    Eigen::VectorXd y;  // standardised losses, then the lies of running trials
    size_t n_observed = 0;
    double incumbent = 0.0;                // the best standardised loss
    std::vector<const ParamVector*> best;  // the best trials' parameters, best first
  };

  struct Candidates {
    std::vector<ParamVector> params;
    Eigen::MatrixXd features;
  };

  Candidates Propose(const SearchSpace& space, const std::vector<const ParamVector*>& best,
                     Rng& rng) const;
  TrainingData BuildTrainingData(const SamplingContext& context) const;
  struct Scored {
    size_t row;
    double score;  // log EI
    static bool Higher(const Scored& lhs, const Scored& rhs) { return lhs.score > rhs.score; }
  };
  /// The `count` rows of `features` with the highest log EI, best first. EI grows with the
  /// variance, so the cheap variance bound of GaussianProcess::PredictWithVarianceBound bounds
  /// EI from above: rows are scored exactly in order of their bound until the count-th best
  /// exact score reaches the next bound. The result is that of scoring every row exactly.
  std::vector<Scored> Best(const detail::GaussianProcess& process, const Eigen::MatrixXd& features,
                           double incumbent, size_t count);
  /// The same by scoring every row exactly (for a few rows).
  static std::vector<Scored> BestExact(const detail::GaussianProcess& process,
                                       const Eigen::MatrixXd& features, double incumbent,
                                       size_t count);
  /// kRandomSteps random steps around each of `points` (scores: theirs); replaces a point and
  /// its score by its best step if that scores higher.
  void StepRandomly(const SearchSpace& space, const detail::GaussianProcess& process,
                    double incumbent, std::vector<ParamVector>& points, std::vector<double>& scores,
                    Rng& rng) const;
  /// Gradient ascent on log EI over the continuous parameters of `points` (scores: theirs),
  /// all in one batch; replaces each point and score by the best reached.
  void AscendGradient(const SearchSpace& space, const detail::GaussianProcess& process,
                      double incumbent, std::vector<ParamVector>& points,
                      std::vector<double>& scores) const;
  // The hyperparameters of the last search on one space (ADAPTIVE asks on its region and on the
  // full space in turn), and the completed-trial count it saw: the start of the next search, and
  // reused as they are between searches. Only the cost and the starting point depend on them;
  // the data always come from the study.
  struct FitCache {
    std::vector<double> bounds;  // the ranges the inputs are scaled to
    Eigen::VectorXd theta;
    size_t fitted_at = 0;
    double first_step = 1.0;       // the first line-search step the last search accepted
    detail::LbfgsHistory history;  // the last search's curvature pairs
  };
  FitCache& CacheFor(const SearchSpace& space);
  /// Fits `process` to `data`, warm-starting the hyperparameters from the last fit (see Sample).
  void FitProcess(const SearchSpace& space, detail::GaussianProcess& process,
                  const TrainingData& data, Rng& rng);

  GpSettings settings_;
  std::vector<FitCache> fit_caches_;  // the most recently used last
  // Best()'s cross-covariances (training rows x candidates), kept between asks so that their
  // pages stay mapped.
  std::vector<double> cross_buffer_;
};

/// log(EI) of a Gaussian posterior (mean, stddev) against the incumbent `best` (minimisation).
double LogExpectedImprovement(double mean, double stddev, double best);

}  // namespace KOLOSAL_GP_ISA
}  // namespace kolosal::hpo
