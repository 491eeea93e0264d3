#include "kolosal/hpo/study_options.hpp"

#include <algorithm>
#include <limits>
#include <vector>

#include "kolosal/core/config.hpp"
#include "kolosal/core/error.hpp"
#include "kolosal/core/names.hpp"
#include "kolosal/hpo/sampler_registry.hpp"

namespace kolosal::hpo {
namespace {

constexpr int64_t kMaxInt = std::numeric_limits<int64_t>::max();
constexpr double kMaxDouble = std::numeric_limits<double>::max();

const std::vector<std::string>& Strategies() {
  static const std::vector<std::string> strategies = {
      "GRID_SEARCH", "RANDOM_SEARCH", "BAYESIAN_OPTIMIZATION", "OPTUNA", "TPE",
      "ADAPTIVE",    "HYPERBAND",     "SUCCESSIVE_HALVING"};
  return strategies;
}

std::string BackendSampler(const std::string& backend) {
  if (backend == "optuna") return "tpe";
  if (backend == "hyperopt") return "tpe_hyperopt";
  return "gp";  // skopt
}

// The sampler (and, for the bracket strategies, the pruner) a strategy stands for.
void ResolveStrategy(StudyOptions& options, const std::string& backend, bool pruner_given) {
  const std::string& strategy = options.optimization_strategy;
  const bool grid_or_random = strategy == "GRID_SEARCH" || strategy == "RANDOM_SEARCH";
  if (grid_or_random && !backend.empty()) {
    ThrowInvalidArgument("study config: hyperopt_backend '" + backend + "' does not apply to " +
                         strategy + "; remove one of them");
  }
  if (strategy == "GRID_SEARCH") options.sampler = "grid";
  if (strategy == "RANDOM_SEARCH") options.sampler = "random";
  if (strategy == "BAYESIAN_OPTIMIZATION")
    options.sampler = backend.empty() ? "gp" : BackendSampler(backend);
  if (strategy == "OPTUNA" || strategy == "TPE" || strategy == "HYPERBAND" ||
      strategy == "SUCCESSIVE_HALVING") {
    options.sampler = BackendSampler(backend.empty() ? "optuna" : backend);
  }
  if (strategy == "ADAPTIVE") {
    options.sampler = "adaptive";
    options.adaptive_base = BackendSampler(backend.empty() ? "optuna" : backend);
  }
  const bool bracket_strategy = strategy == "HYPERBAND" || strategy == "SUCCESSIVE_HALVING";
  if (!bracket_strategy) return;
  const std::string pruner = strategy == "HYPERBAND" ? "hyperband" : "successive_halving";
  if (pruner_given) {
    const std::string given = options.pruner.is_string() ? options.pruner.get<std::string>()
                                                         : options.pruner.value("name", "");
    if (given != pruner) {
      ThrowInvalidArgument("study config: optimization_strategy " + strategy +
                           " uses the pruner '" + pruner + "', but 'pruner' is '" + given + "'");
    }
    return;
  }
  options.pruner = pruner;
}

// The samplers an explicit `sampler` key may name without contradicting the strategy and the
// backend the config gives (empty: any). A strategy that names a sampler family admits only that
// family; HYPERBAND and SUCCESSIVE_HALVING name a pruner, so any sampler goes with them.
std::vector<std::string> SamplersAllowedBy(const std::string& strategy, bool strategy_given,
                                           const std::string& backend) {
  if (strategy == "ADAPTIVE") return {"adaptive"};
  if (!backend.empty()) return {BackendSampler(backend)};
  if (!strategy_given) return {};
  if (strategy == "GRID_SEARCH") return {"grid"};
  if (strategy == "RANDOM_SEARCH") return {"random"};
  if (strategy == "BAYESIAN_OPTIMIZATION") return {"gp"};
  if (strategy == "OPTUNA" || strategy == "TPE") return {"tpe", "tpe_univariate", "tpe_hyperopt"};
  return {};
}

// An explicit sampler replaces the one the strategy resolved to, but only when they agree:
// {"optimization_strategy":"ADAPTIVE","sampler":"random"} would otherwise run plain random.
void ApplyExplicitSampler(StudyOptions& options, const std::string& sampler, bool strategy_given,
                          const std::string& backend) {
  SamplerRegistry::Builtin().Find(sampler);  // an unknown name lists the valid ones
  const std::vector<std::string> allowed =
      SamplersAllowedBy(options.optimization_strategy, strategy_given, backend);
  if (!allowed.empty() && std::find(allowed.begin(), allowed.end(), sampler) == allowed.end()) {
    std::string given =
        strategy_given ? "optimization_strategy " + options.optimization_strategy : std::string();
    if (!backend.empty()) {
      given += (given.empty() ? "" : " with ") + std::string("hyperopt_backend '") + backend + "'";
    }
    std::string uses;
    for (const std::string& name : allowed) uses += (uses.empty() ? "'" : ", '") + name + "'";
    ThrowInvalidArgument("study config: sampler '" + sampler + "' contradicts " + given +
                         ", which uses " + (allowed.size() > 1 ? "one of " : "") + uses +
                         "; remove one of them");
  }
  options.sampler = sampler;
}

void ReadTpeSettings(ConfigReader& reader, StudyOptions& options) {
  const bool hyperopt =
      options.sampler == "tpe_hyperopt" || options.adaptive_base == "tpe_hyperopt";
  TpeSettings& tpe = options.tpe;
  if (hyperopt) {
    tpe.n_startup_trials = 20;
    tpe.gamma_factor = 0.25;
    tpe.gamma_sqrt = true;
    tpe.multivariate = false;
    tpe.group = false;
    tpe.constant_liar = false;
  }
  if (options.sampler == "tpe_univariate" || options.adaptive_base == "tpe_univariate") {
    tpe.multivariate = false;
  }
  tpe.n_startup_trials = reader.GetInt("n_startup_trials", tpe.n_startup_trials, 0, kMaxInt);
  options.gp.n_startup_trials =
      reader.GetInt("n_startup_trials", options.gp.n_startup_trials, 0, kMaxInt);
  tpe.n_ei_candidates = reader.GetInt("n_ei_candidates", tpe.n_ei_candidates, 1, 100000);
  tpe.multivariate = reader.GetBool("multivariate", tpe.multivariate);
  tpe.group = reader.GetBool("group", tpe.group);
  tpe.constant_liar = reader.GetBool("constant_liar", tpe.constant_liar);
  tpe.prior_weight = reader.GetDouble("prior_weight", tpe.prior_weight, 0.0, 1e6);
  tpe.gamma_factor = reader.GetDouble("gamma", tpe.gamma_factor, 1e-6, 1.0);
  tpe.sample_prior_centre = reader.GetBool("sample_prior_centre", tpe.sample_prior_centre);
  options.gp.n_candidates = reader.GetInt("gp_candidates", options.gp.n_candidates, 10, 1000000);
  options.gp.max_training_points =
      reader.GetInt("gp_max_training_points", options.gp.max_training_points, 10, 100000);
  options.gp.warp_targets = reader.GetBool("gp_warp_targets", options.gp.warp_targets);
}

}  // namespace

StudyOptions ParseStudyOptions(const nlohmann::json& config) {
  ConfigReader reader(config, "study config");
  StudyOptions options;
  options.max_trials = reader.GetInt("max_trials", options.max_trials, 1, kMaxInt);
  options.optimization_timeout = reader.GetDouble("optimization_timeout", 0.0, 0.0, kMaxDouble);
  options.optimization_strategy = reader.GetString("optimization_strategy", "OPTUNA");
  if (std::find(Strategies().begin(), Strategies().end(), options.optimization_strategy) ==
      Strategies().end()) {
    ThrowInvalidArgument("study config: " + UnknownNameMessage("optimization_strategy",
                                                               options.optimization_strategy,
                                                               Strategies()));
  }
  const std::string backend =
      reader.Has("hyperopt_backend")
          ? reader.GetChoice("hyperopt_backend", "optuna", {"optuna", "hyperopt", "skopt"})
          : "";
  const bool pruner_given = reader.Has("pruner");
  if (const nlohmann::json* pruner = reader.Find("pruner")) options.pruner = *pruner;
  ResolveStrategy(options, backend, pruner_given);
  if (reader.Has("sampler")) {
    ApplyExplicitSampler(options, reader.GetString("sampler", options.sampler),
                         reader.Has("optimization_strategy"), backend);
  }
  options.adaptation_frequency = reader.GetInt("adaptation_frequency", 10, 1, kMaxInt);
  options.adaptive_exploration = reader.GetDouble("adaptive_exploration", 0.2, 0.0, 1.0);
  options.early_stopping_patience = reader.GetInt("early_stopping_patience", 0, 0, kMaxInt);
  options.convergence_tolerance = reader.GetDouble("convergence_tolerance", 1e-4, 0.0, kMaxDouble);
  options.n_jobs = static_cast<int>(reader.GetInt("n_jobs", 1, -1, 4096));
  if (options.n_jobs == 0)
    ThrowInvalidArgument("study config: 'n_jobs' must be >= 1 or -1 (all cores)");
  options.random_state = static_cast<uint64_t>(reader.GetInt("random_state", 42, 0, kMaxInt));
  options.direction =
      ParseDirection(reader.GetChoice("direction", "minimize", {"minimize", "maximize"}));
  ReadTpeSettings(reader, options);
  options.grid_points = reader.GetInt("grid_points", 10, 1, 100000);
  if (reader.Has("heartbeat_interval")) {
    // At most a day: the heartbeat thread waits this long, and a wait must fit the clock.
    options.heartbeat_interval = reader.GetDouble("heartbeat_interval", 0.0, 0.0, 86400.0);
  }
  options.retry_failed_trials = reader.GetBool("retry_failed_trials", false);
  options.study_name = reader.GetString("study_name", options.study_name);
  if (const nlohmann::json* enqueue = reader.Find("enqueue_trials"))
    options.enqueue_trials = *enqueue;
  if (const nlohmann::json* warm = reader.Find("warm_start")) options.warm_start = *warm;
  if (!options.enqueue_trials.is_array())
    ThrowInvalidArgument("study config: 'enqueue_trials' must be an array");
  reader.Finish();
  return options;
}

StudyOptions ParseStudyOptionsText(std::string_view config_text) {
  return ParseStudyOptions(ParseJsonConfig(config_text, "study config"));
}

}  // namespace kolosal::hpo
