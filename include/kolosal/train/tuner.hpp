#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "kolosal/core/fit_control.hpp"
#include "kolosal/data/dataset.hpp"
#include "kolosal/models/trained_pipeline.hpp"
#include "kolosal/train/trainer.hpp"

namespace kolosal::train {

/// One finished trial of a tuning run, as TuneOptions::on_trial sees it.
struct TunedTrial {
  /// 1 for the first trial that finished in this call, 2 for the next, ...
  int64_t index = 0;
  /// The trials planned in this call; -1 when the study's own limits decide.
  int64_t n_trials = -1;
  /// The trial's number in the study (counts trials of earlier calls and other processes).
  int64_t number = 0;
  /// "COMPLETE", "PRUNED" or "FAILED".
  std::string state;
  /// The cross-validated score (the running mean when pruned); NaN when failed.
  double value = std::numeric_limits<double>::quiet_NaN();
  /// {"name": value} of the trial's model params.
  nlohmann::json params;
  /// The best COMPLETE trial so far (the whole study), if any.
  std::optional<int64_t> best_number;
  double best_value = std::numeric_limits<double>::quiet_NaN();
};

/// How to tune: the search, the budget, the storage and the cross-validation.
struct TuneOptions {
  int cv_folds = 5;
  /// The metric to optimise; empty = accuracy or r2. Its greater_is_better sets the direction.
  std::string metric;
  /// The search space ({"params": [...]}, docs/search-space.md); empty = the model's registry
  /// default_search_space without the params that the TrainSpec fixes.
  std::optional<nlohmann::json> search_space;
  /// Study config keys (docs/hpo.md) except "direction". Without "max_trials" the study has no
  /// cap of its own; without "random_state" it uses the FitControl's.
  nlohmann::json study_config = nlohmann::json::object();
  /// "" (in memory), "sqlite:///abs/path.db" or "postgresql://...": a study named
  /// study_config["study_name"] that exists there is resumed and extended.
  std::string storage_url;
  /// Trials to run in this call; -1 = until the study stops (max_trials, timeout, convergence).
  int64_t n_trials = 20;
  /// Runs on the calling thread after each trial; returning false cancels the tuning.
  std::function<bool(const TunedTrial& trial)> on_trial;
};

/// Reads a tune config object: "n_trials", "search_space" and every study key except
/// "direction". n_trials defaults to 20 unless "max_trials" is given (then the study's cap
/// decides). Unknown keys are errors with a did-you-mean suggestion. cv_folds, metric and the
/// storage URL are not part of it (the training engine's config and the caller give them).
TuneOptions ParseTuneConfig(const nlohmann::json& config);

/// The search space TuneModel uses for `spec` (see TuneOptions::search_space). A parameter that
/// `spec.params` fixes is dropped from the default space (and so are parameters whose condition
/// the fixed value rules out); in a given space it is an error. Throws Error(kInvalidArgument)
/// when nothing is left to tune.
nlohmann::json ResolveSearchSpace(const TrainSpec& spec,
                                  const std::optional<nlohmann::json>& search_space);

/// A tuned model: the best params refitted on the whole dataset. Its metadata carries
/// "tuning" (the same as `summary`): metric, greater_is_better, direction, cv_folds,
/// study_name, sampler, stop_reason, n_trials (in the study), n_trials_run (this call),
/// n_complete, n_pruned, n_failed, best_trial, best_score, best_params, search_space and
/// trials ([{"number", "state", "value"}]).
struct TuneResult {
  models::TrainedPipeline pipeline;
  nlohmann::json summary;
};

/// Tunes spec.model on a labelled dataset. Each trial's objective is the K-fold
/// cross-validated score of spec with the trial's params merged over spec.params (maximised or
/// minimised as the metric says); the running mean after each fold is reported to the study, so
/// the pruner can stop weak trials early. Trials run study_config["n_jobs"] at a time, each fit
/// with control.n_jobs threads. Then the best params of the whole study (earlier calls and
/// other processes included) are refitted on the whole dataset.
///
/// control.progress gets stage "tuning" (fraction: trials finished / planned) after each trial,
/// then the refit's stages; control.log gets a warning per failed trial. Cancellation (token,
/// progress or on_trial) ends the study and throws Error(kCancelled). Throws
/// Error(kInvalidArgument) for bad configs or data and when every trial failed (with the first
/// failure), Error(kTimeout) when no trial completed before the timeout, Error(kIo) for an
/// unreachable storage, Error(kFailedPrecondition) for a stored study of another space or
/// direction.
TuneResult TuneModel(const data::Dataset& dataset, const TrainSpec& spec,
                     const TuneOptions& options, const FitControl& control);

}  // namespace kolosal::train
