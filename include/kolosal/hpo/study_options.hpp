#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "kolosal/hpo/trial.hpp"

namespace kolosal::hpo {

/// Settings of a TPE sampler (defaults are Optuna 5.0's: multivariate, grouped, constant liar).
struct TpeSettings {
  int64_t n_startup_trials = 10;
  int64_t n_ei_candidates = 24;
  bool multivariate = true;
  bool group = true;
  bool constant_liar = true;
  double prior_weight = 1.0;
  /// Size of the "good" set: min(ceil(gamma_factor * f(n)), gamma_cap) where f(n) = n, or
  /// sqrt(n) when gamma_sqrt (hyperopt's rule).
  double gamma_factor = 0.1;
  bool gamma_sqrt = false;
  int64_t gamma_cap = 25;
  /// The first startup trial sits at the prior centre (the middle of every range).
  bool sample_prior_centre = true;
};

/// Settings of the GP sampler.
struct GpSettings {
  int64_t n_startup_trials = 10;
  /// Random EI candidates per trial before the local refinement.
  int64_t n_candidates = 300;
  /// At most this many trials (the best half and the most recent half) train the GP, which
  /// bounds the cost of an ask in long studies.
  int64_t max_training_points = 100;
  /// Warp losses before standardising them: log1p((loss - best) / d), d the 90th percentile
  /// of loss - best, so a heavy tail does not flatten the region near the best.
  bool warp_targets = true;
};

/// A study's configuration, parsed from the product's JSON config keys (see docs/hpo.md).
struct StudyOptions {
  int64_t max_trials = 100;
  /// Seconds; 0 means no limit.
  double optimization_timeout = 0.0;
  std::string optimization_strategy = "OPTUNA";
  /// The registry name of the sampler, resolved from sampler / optimization_strategy /
  /// hyperopt_backend. An explicit sampler must agree with an explicit strategy or backend.
  std::string sampler = "tpe";
  /// The sampler that ADAPTIVE wraps.
  std::string adaptive_base = "tpe";
  int64_t adaptation_frequency = 10;
  /// Share of ADAPTIVE's trials that still explore the full space.
  double adaptive_exploration = 0.2;
  /// Stop when the best value has not improved by more than convergence_tolerance (relative to
  /// max(1, |best|)) over this many finished trials; 0 disables the rule.
  int64_t early_stopping_patience = 0;
  double convergence_tolerance = 1e-4;
  int n_jobs = 1;
  uint64_t random_state = 42;
  Direction direction = Direction::kMinimize;
  /// The pruner: a name or {"name": ..., options}; "none" disables pruning.
  nlohmann::json pruner = "none";
  TpeSettings tpe;
  GpSettings gp;
  /// Points per float parameter in GRID_SEARCH (ints and categoricals use every value).
  int64_t grid_points = 10;
  /// Seconds between heartbeats of running trials; 0 disables heartbeats. Trials whose
  /// heartbeat is older than twice this are marked FAILED. Unset: the storage's default
  /// (Storage::DefaultHeartbeatInterval: 60 s for SQLite and PostgreSQL, 0 in memory), which
  /// the Study fills in.
  std::optional<double> heartbeat_interval;
  /// Re-enqueue the parameters of trials failed by the heartbeat rule.
  bool retry_failed_trials = false;
  std::string study_name = "kolosal";
  /// Parameter sets ({"name": value}) to evaluate first.
  nlohmann::json enqueue_trials = nlohmann::json::array();
  /// Finished trials of an earlier study (HistoryJson() output or its "trials" array).
  nlohmann::json warm_start = nlohmann::json::array();
};

/// Parses a study config object. Unknown keys are errors with a did-you-mean suggestion, and no
/// strategy falls back silently to another: a backend that does not apply, or a sampler that
/// contradicts the strategy or backend, is an error.
StudyOptions ParseStudyOptions(const nlohmann::json& config);
/// Parses JSON text ("" is the default config).
StudyOptions ParseStudyOptionsText(std::string_view config_text);
/// JSON text goes to ParseStudyOptionsText; this stops it from becoming a JSON string.
StudyOptions ParseStudyOptions(const char* config_text) = delete;

}  // namespace kolosal::hpo
