#pragma once

#include <Eigen/Dense>
#include <vector>

#include "kolosal/hpo/detail/gaussian_process.hpp"
#include "kolosal/hpo/sampler.hpp"
#include "kolosal/hpo/study_options.hpp"

namespace kolosal::hpo {

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

  /// The [0, 1] features of a parameter set (one column per numeric parameter, one per choice).
  static Eigen::VectorXd Encode(const SearchSpace& space, const ParamVector& values);

 private:
  struct TrainingData {
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
  static std::vector<double> Score(const detail::GaussianProcess& process,
                                   const Eigen::MatrixXd& features, double incumbent);
  /// Shrinking random steps from `current` that keep the best EI found.
  std::pair<ParamVector, double> Refine(const SearchSpace& space,
                                        const detail::GaussianProcess& process, double incumbent,
                                        ParamVector current, double current_score, Rng& rng) const;
  ParamVector Perturb(const SearchSpace& space, const ParamVector& origin, double scale,
                      Rng& rng) const;

  GpSettings settings_;
};

/// log(EI) of a Gaussian posterior (mean, stddev) against the incumbent `best` (minimisation).
double LogExpectedImprovement(double mean, double stddev, double best);

}  // namespace kolosal::hpo
