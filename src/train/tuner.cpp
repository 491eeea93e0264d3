#include "kolosal/train/tuner.hpp"

#include <algorithm>
#include <cmath>
#include <memory>
#include <set>
#include <utility>
#include <vector>

#include "kolosal/core/config.hpp"
#include "kolosal/core/error.hpp"
#include "kolosal/core/names.hpp"
#include "kolosal/hpo/search_space.hpp"
#include "kolosal/hpo/storage_registry.hpp"
#include "kolosal/hpo/study.hpp"
#include "kolosal/metrics/metric.hpp"
#include "kolosal/models/registry.hpp"

namespace kolosal::train {
namespace {

constexpr int64_t kNoLimit = std::numeric_limits<int64_t>::max();
constexpr int64_t kDefaultTrials = 20;

// The keys of a tune config that the tuner reads itself; the rest go to the study.
const std::vector<std::string>& TunerKeys() {
  static const std::vector<std::string> keys = {"n_trials", "search_space"};
  return keys;
}

// The tuner passes every key it does not own to the study parser. A key that neither knows is
// reported against the tuner's keys when one of them is the plausible typo ("n_trial"), and
// with the study parser's own message otherwise.
bool IsUnknownStudyKey(const std::string& key, const nlohmann::json& value) {
  try {
    hpo::ParseStudyOptions(nlohmann::json{{key, value}});
  } catch (const Error& error) {
    return std::string_view(error.what()).starts_with("study config: unknown key '" + key + "'");
  }
  return false;
}

void CheckStudyConfig(const nlohmann::json& study_config) {
  if (study_config.contains("direction")) {
    ThrowInvalidArgument(
        "tune config: 'direction' follows from the metric (greater_is_better); choose the "
        "metric instead");
  }
  try {
    hpo::ParseStudyOptions(study_config);
  } catch (const Error&) {
    for (const auto& [key, value] : study_config.items()) {
      if (NearestName(key, TunerKeys()).empty() || !IsUnknownStudyKey(key, value)) continue;
      ThrowInvalidArgument("tune config: " + UnknownNameMessage("key", key, TunerKeys()));
    }
    throw;
  }
}

// The value a fixed param has, or nullptr.
const nlohmann::json* FixedValue(const TrainSpec& spec, const std::string& name) {
  if (!spec.params.is_object()) return nullptr;
  auto it = spec.params.find(name);
  return it == spec.params.end() ? nullptr : &*it;
}

bool ConditionAllows(const nlohmann::json& allowed_values, const nlohmann::json& value) {
  if (!allowed_values.is_array()) return allowed_values == value;
  return std::find(allowed_values.begin(), allowed_values.end(), value) != allowed_values.end();
}

// `param` without the parts of its condition that fixed params satisfy; nullopt when a fixed
// param (or a dropped parent) rules it out.
std::optional<nlohmann::json> WithFixedParents(nlohmann::json param, const TrainSpec& spec,
                                               const std::set<std::string>& dropped) {
  if (!param.contains("condition") || !param["condition"].is_object()) return param;
  nlohmann::json condition = nlohmann::json::object();
  for (const auto& [parent, allowed_values] : param["condition"].items()) {
    if (dropped.contains(parent)) return std::nullopt;
    const nlohmann::json* fixed = FixedValue(spec, parent);
    if (fixed == nullptr) {
      condition[parent] = allowed_values;
      continue;
    }
    if (!ConditionAllows(allowed_values, *fixed)) return std::nullopt;
  }
  if (condition.empty()) {
    param.erase("condition");
  } else {
    param["condition"] = std::move(condition);
  }
  return param;
}

nlohmann::json DefaultSpaceWithoutFixed(const TrainSpec& spec) {
  const models::ModelEntry& entry = models::ModelRegistry::Builtin().Find(spec.model);
  nlohmann::json kept = nlohmann::json::array();
  std::set<std::string> dropped;
  for (const nlohmann::json& param : entry.default_search_space.at("params")) {
    const std::string name = param.at("name").get<std::string>();
    if (FixedValue(spec, name) != nullptr) continue;
    std::optional<nlohmann::json> active = WithFixedParents(param, spec, dropped);
    if (!active) {
      dropped.insert(name);
      continue;
    }
    kept.push_back(std::move(*active));
  }
  if (entry.default_search_space.at("params").empty()) {
    ThrowInvalidArgument("nothing to tune: '" + spec.model +
                         "' has no hyperparameters in its default search space; give a "
                         "search_space");
  }
  if (kept.empty()) {
    ThrowInvalidArgument("nothing to tune: params fix every parameter of the search space of '" +
                         spec.model + "'; give a search_space");
  }
  return {{"params", std::move(kept)}};
}

hpo::StudyOptions MakeStudyOptions(const TuneOptions& options, const metrics::Metric& metric,
                                   const FitControl& control) {
  CheckStudyConfig(options.study_config);
  nlohmann::json config = options.study_config;
  config["direction"] = metric.greater_is_better ? "maximize" : "minimize";
  if (!config.contains("max_trials")) config["max_trials"] = kNoLimit;
  if (!config.contains("random_state")) {
    config["random_state"] =
        static_cast<int64_t>(control.random_state & static_cast<uint64_t>(kNoLimit));
  }
  return hpo::ParseStudyOptions(config);
}

// Fails before any trial runs when the model cannot fit the task or its fixed params are bad.
void CheckModel(const TrainSpec& spec, Task task) {
  const models::ModelEntry& entry = models::ModelRegistry::Builtin().Find(spec.model);
  const bool supported = task == Task::kClassification ? entry.traits.supports_classification
                                                       : entry.traits.supports_regression;
  if (!supported) {
    ThrowInvalidArgument("model '" + spec.model + "' does not support " +
                         std::string(TaskName(task)));
  }
  entry.create(spec.params, task);
}

TrainSpec WithParams(const TrainSpec& spec, const nlohmann::json& params) {
  TrainSpec merged = spec;
  if (!merged.params.is_object()) merged.params = nlohmann::json::object();
  for (const auto& [name, value] : params.items()) merged.params[name] = value;
  return merged;
}

// The state one Tune call shares between its objective (on worker threads) and the callbacks
// (on the calling thread).
struct TuneRun {
  const data::Dataset& dataset;
  const TrainSpec& spec;
  const TuneOptions& options;
  const FitControl& control;
  const metrics::Metric& metric;
  std::shared_ptr<CancellationToken> cancellation;
  hpo::Study* study = nullptr;
  int64_t n_finished = 0;
  bool cancelled_by_caller = false;
  std::string first_failure;
};

double CrossValidatedScore(const TuneRun& run, const hpo::Trial& trial) {
  FitControl fold_control;
  fold_control.n_jobs = run.control.n_jobs;
  fold_control.random_state = run.control.random_state;
  fold_control.cancellation = run.cancellation;
  double score_sum = 0.0;
  const auto report = [&](int fold_idx, double score) {
    score_sum += score;
    trial.Report(fold_idx, score_sum / static_cast<double>(fold_idx + 1));
    // After the last fold the score is final: pruning it would only throw it away.
    if (fold_idx + 1 < run.options.cv_folds) trial.PruneIfNeeded();
  };
  return CrossValidate(run.dataset, WithParams(run.spec, trial.Params()), run.options.cv_folds,
                       run.metric.name, fold_control, report)
      .mean;
}

TunedTrial DescribeTrial(TuneRun& run, const hpo::FrozenTrial& trial) {
  TunedTrial event;
  event.index = ++run.n_finished;
  event.n_trials = run.options.n_trials;
  event.number = trial.number;
  event.state = std::string(hpo::TrialStateName(trial.state));
  event.value = trial.value;
  event.params =
      trial.params.empty() ? nlohmann::json::object() : run.study->space().ToExternal(trial.params);
  if (const std::optional<hpo::FrozenTrial> best = run.study->BestTrial()) {
    event.best_number = best->number;
    event.best_value = best->value;
  }
  return event;
}

bool OnTrialFinished(TuneRun& run, const hpo::FrozenTrial& trial) {
  const TunedTrial event = DescribeTrial(run, trial);
  bool go_on = !run.options.on_trial || run.options.on_trial(event);
  if (go_on && run.control.progress) {
    const double planned = event.n_trials > 0 ? static_cast<double>(event.n_trials) : 0.0;
    const double fraction =
        planned > 0.0 ? std::min(1.0, static_cast<double>(event.index) / planned) : 0.0;
    go_on = run.control.progress(fraction, "tuning");
  }
  if (!go_on) run.cancelled_by_caller = true;
  return go_on;
}

hpo::OptimizeControl MakeOptimizeControl(TuneRun& run) {
  hpo::OptimizeControl control;
  control.n_trials = run.options.n_trials;
  control.cancellation = run.cancellation;
  control.on_trial_finished = [&run](const hpo::FrozenTrial& trial) {
    return OnTrialFinished(run, trial);
  };
  control.log = [&run](LogLevel level, std::string_view message) {
    if (run.first_failure.empty()) run.first_failure = std::string(message);
    run.control.Log(level, message);
  };
  return control;
}

void ThrowWithoutBest(const TuneRun& run, hpo::StopReason reason) {
  if (reason == hpo::StopReason::kTimeout) {
    throw Error(StatusCode::kTimeout, "tuning: no trial completed before the timeout");
  }
  ThrowInvalidArgument(
      "tuning: no trial completed" +
      (run.first_failure.empty() ? std::string() : "; the first failure: " + run.first_failure));
}

nlohmann::json TrialList(const std::vector<hpo::FrozenTrial>& trials) {
  nlohmann::json list = nlohmann::json::array();
  for (const hpo::FrozenTrial& trial : trials) {
    list.push_back(
        {{"number", trial.number},
         {"state", hpo::TrialStateName(trial.state)},
         {"value", std::isnan(trial.value) ? nlohmann::json() : nlohmann::json(trial.value)}});
  }
  return list;
}

nlohmann::json Summary(const TuneRun& run, hpo::StopReason reason, const hpo::FrozenTrial& best) {
  const std::vector<hpo::FrozenTrial> trials = run.study->Trials();
  const auto count = [&](hpo::TrialState state) {
    return std::count_if(trials.begin(), trials.end(),
                         [state](const hpo::FrozenTrial& trial) { return trial.state == state; });
  };
  const hpo::StudyOptions& options = run.study->options();
  return {{"metric", run.metric.name},
          {"greater_is_better", run.metric.greater_is_better},
          {"direction", hpo::DirectionName(options.direction)},
          {"cv_folds", run.options.cv_folds},
          {"study_name", options.study_name},
          {"optimization_strategy", options.optimization_strategy},
          {"sampler", options.sampler},
          {"stop_reason", hpo::StopReasonName(reason)},
          {"n_trials", trials.size()},
          {"n_trials_run", run.n_finished},
          {"n_complete", count(hpo::TrialState::kComplete)},
          {"n_pruned", count(hpo::TrialState::kPruned)},
          {"n_failed", count(hpo::TrialState::kFailed)},
          {"best_trial", best.number},
          {"best_score", best.value},
          {"best_params", run.study->space().ToExternal(best.params)},
          {"search_space", run.study->space().ToJson()},
          {"trials", TrialList(trials)}};
}

}  // namespace

TuneOptions ParseTuneConfig(const nlohmann::json& config) {
  ConfigReader reader(config, "tune config");
  TuneOptions options;
  const bool trials_given = reader.Has("n_trials");
  options.n_trials = reader.GetInt("n_trials", kDefaultTrials, 1, kNoLimit);
  if (const nlohmann::json* space = reader.Find("search_space")) options.search_space = *space;
  if (config.is_object()) {
    for (const auto& [key, value] : config.items()) {
      if (std::find(TunerKeys().begin(), TunerKeys().end(), key) == TunerKeys().end()) {
        options.study_config[key] = value;
      }
    }
  }
  if (!trials_given && options.study_config.contains("max_trials")) options.n_trials = -1;
  CheckStudyConfig(options.study_config);
  return options;
}

nlohmann::json ResolveSearchSpace(const TrainSpec& spec,
                                  const std::optional<nlohmann::json>& search_space) {
  if (!search_space) return DefaultSpaceWithoutFixed(spec);
  const nlohmann::json parsed = hpo::SearchSpace::FromJson(*search_space).ToJson();
  for (const nlohmann::json& param : parsed.at("params")) {
    const std::string name = param.at("name").get<std::string>();
    if (FixedValue(spec, name) != nullptr) {
      ThrowInvalidArgument("search space: parameter '" + name +
                           "' is also fixed in params; remove it from one of them");
    }
  }
  return *search_space;
}

TuneResult TuneModel(const data::Dataset& dataset, const TrainSpec& spec,
                     const TuneOptions& options, const FitControl& control) {
  if (!dataset.has_labels()) {
    ThrowInvalidArgument("the training dataset has no target column (set \"target\")");
  }
  if (options.cv_folds < 2) ThrowInvalidArgument("tuning needs cv_folds >= 2");
  CheckModel(spec, dataset.labels().task);
  const metrics::Metric& metric =
      metrics::MetricRegistry::Builtin().FindFor(options.metric, dataset.labels().task);
  hpo::SearchSpace space =
      hpo::SearchSpace::FromJson(ResolveSearchSpace(spec, options.search_space));
  hpo::Study study(std::move(space), MakeStudyOptions(options, metric, control),
                   hpo::OpenStorage(options.storage_url));
  TuneRun run{dataset, spec, options, control, metric, control.cancellation, &study, 0, false, ""};
  if (!run.cancellation) run.cancellation = std::make_shared<CancellationToken>();
  const hpo::StopReason reason =
      study.Optimize([&run](const hpo::Trial& trial) { return CrossValidatedScore(run, trial); },
                     MakeOptimizeControl(run));
  if (run.cancelled_by_caller || reason == hpo::StopReason::kCancelled) {
    throw Error(StatusCode::kCancelled, "tuning cancelled");
  }
  const std::optional<hpo::FrozenTrial> best = study.BestTrial();
  if (!best) ThrowWithoutBest(run, reason);
  nlohmann::json summary = Summary(run, reason, *best);
  models::TrainedPipeline pipeline =
      FitPipeline(dataset, WithParams(spec, summary.at("best_params")), control);
  pipeline.mutable_metadata()["tuning"] = summary;
  return {std::move(pipeline), std::move(summary)};
}

}  // namespace kolosal::train
