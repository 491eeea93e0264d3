#include <cmath>
#include <cstdio>
#include <string>

#include "commands.hpp"
#include "csv_option.hpp"
#include "kolosal/core/config.hpp"
#include "kolosal/data/csv_reader.hpp"
#include "kolosal/train/tuner.hpp"

namespace kolosal::cli {
namespace {

struct TuneArgs {
  std::string data;
  std::string target;
  std::string weight_column;
  std::string model;
  std::string params = "{}";
  std::string csv;
  std::string search_space;
  std::string study_config;
  std::string task;
  std::string metric;
  std::string storage;
  std::string study_name;
  std::string strategy;
  std::string pruner;
  std::string out;
  int64_t trials = 20;
  int cv_folds = 5;
  double timeout = 0.0;
  int n_jobs = 1;
  int parallel = 1;
  uint64_t seed = 0;
};

std::string FormatValue(double value) {
  if (std::isnan(value)) return "-";
  char text[32];
  std::snprintf(text, sizeof text, "%.4f", value);
  return text;
}

// "trial 12/50 (#11)  value 0.9412  best 0.9466 (#7)  params {...}": the count in this call,
// then the trial's number in the study (which a resumed study continues).
bool PrintTrial(const train::TunedTrial& trial) {
  std::string line = "trial " + std::to_string(trial.index);
  if (trial.n_trials > 0) line += "/" + std::to_string(trial.n_trials);
  line += " (#" + std::to_string(trial.number) + ")";
  if (trial.state == "COMPLETE") line += "  value " + FormatValue(trial.value);
  if (trial.state == "PRUNED") line += "  pruned at " + FormatValue(trial.value);
  if (trial.state == "FAILED") line += "  failed";
  if (trial.best_number) {
    line += "  best " + FormatValue(trial.best_value) + " (#" + std::to_string(*trial.best_number) +
            ")";
  }
  line += "  params " + trial.params.dump();
  std::printf("%s\n", line.c_str());
  std::fflush(stdout);
  return true;
}

// The study keys that the command-line options set, over those of --study-config.
nlohmann::json StudyConfig(const TuneArgs& args) {
  nlohmann::json config = ParseJsonConfig(args.study_config, "--study-config");
  if (!config.is_object()) ThrowInvalidArgument("--study-config: expected a JSON object");
  config["random_state"] = static_cast<int64_t>(args.seed & 0x7fffffffffffffffULL);
  if (args.timeout > 0.0) config["optimization_timeout"] = args.timeout;
  if (!args.study_name.empty()) config["study_name"] = args.study_name;
  if (!args.strategy.empty()) config["optimization_strategy"] = args.strategy;
  if (!args.pruner.empty()) config["pruner"] = args.pruner;
  if (args.parallel > 1) config["n_jobs"] = args.parallel;
  return config;
}

train::TuneOptions MakeOptions(const TuneArgs& args) {
  nlohmann::json config = StudyConfig(args);
  config["n_trials"] = args.trials;
  if (!args.search_space.empty()) {
    config["search_space"] = ParseJsonConfig(args.search_space, "--search-space");
  }
  train::TuneOptions options = train::ParseTuneConfig(config);
  options.cv_folds = args.cv_folds;
  options.metric = args.metric;
  options.storage_url = args.storage;
  options.on_trial = PrintTrial;
  return options;
}

void PrintSummary(const nlohmann::json& summary) {
  std::printf("best trial #%lld: %s %s  params %s\n",
              static_cast<long long>(summary.at("best_trial").get<int64_t>()),
              summary.at("metric").get<std::string>().c_str(),
              FormatValue(summary.at("best_score").get<double>()).c_str(),
              summary.at("best_params").dump().c_str());
  std::printf("study '%s': %lld trials (%lld complete, %lld pruned, %lld failed), stopped: %s\n",
              summary.at("study_name").get<std::string>().c_str(),
              static_cast<long long>(summary.at("n_trials").get<int64_t>()),
              static_cast<long long>(summary.at("n_complete").get<int64_t>()),
              static_cast<long long>(summary.at("n_pruned").get<int64_t>()),
              static_cast<long long>(summary.at("n_failed").get<int64_t>()),
              summary.at("stop_reason").get<std::string>().c_str());
}

void RunTune(const TuneArgs& args) {
  train::TuneOptions options = MakeOptions(args);
  data::CsvOptions csv = CsvOptionsFrom(args.csv, args.target, args.weight_column);
  if (!args.task.empty()) csv.task = ParseTask(args.task);
  const data::Dataset dataset = data::ReadCsv(args.data, csv);
  train::TrainSpec spec;
  spec.model = args.model;
  spec.params = ParseJsonConfig(args.params, "--params");
  FitControl control;
  control.n_jobs = args.n_jobs;
  control.random_state = args.seed;
  control.log = [](LogLevel, std::string_view message) {
    std::fprintf(stderr, "kolosal: %.*s\n", static_cast<int>(message.size()), message.data());
  };
  std::printf("data: %lld rows, %lld features, task %s\n", static_cast<long long>(dataset.n_rows()),
              static_cast<long long>(dataset.n_features()),
              std::string(TaskName(dataset.labels().task)).c_str());
  std::printf("tuning %s: %d-fold CV, %s\n", args.model.c_str(), args.cv_folds,
              args.storage.empty() ? "study in memory" : ("storage " + args.storage).c_str());
  std::fflush(stdout);
  const train::TuneResult result = train::TuneModel(dataset, spec, options, control);
  PrintSummary(result.summary);
  if (args.out.empty()) return;
  result.pipeline.SaveToFile(args.out);
  std::printf("saved %s (the best params refitted on all %lld rows)\n", args.out.c_str(),
              static_cast<long long>(dataset.n_rows()));
}

}  // namespace

void AddTuneCommand(CLI::App& app) {
  auto args = std::make_shared<TuneArgs>();
  CLI::App* command = app.add_subcommand(
      "tune", "Tune a model's hyperparameters by cross-validation, then refit the best");
  command->add_option("--data", args->data, "CSV file with a header row")->required();
  command->add_option("--target", args->target, "Target column")->required();
  command->add_option("--weight-column", args->weight_column,
                      "Numeric column of per-row training weights (not a feature)");
  command->add_option("--model", args->model, "Model type (see `kolosal info`)")->required();
  AddCsvOption(*command, args->csv);
  command->add_option("--trials", args->trials, "Trials to run in this call")
      ->check(CLI::Range(int64_t{1}, int64_t{1} << 40));
  command->add_option("--storage", args->storage,
                      "Study storage: sqlite:///abs/path.db or postgresql://user@host:port/db "
                      "(a study of the same name is resumed)");
  command->add_option("--study-name", args->study_name, "Study name in the storage");
  command->add_option("--metric", args->metric, "Metric to optimise (default: accuracy or r2)");
  command->add_option("--cv", args->cv_folds, "Cross-validation folds")->check(CLI::Range(2, 100));
  command->add_option("--timeout", args->timeout, "Stop starting trials after this many seconds")
      ->check(CLI::Range(0.0, 1e9));
  command->add_option("--strategy", args->strategy,
                      "OPTUNA (default), TPE, BAYESIAN_OPTIMIZATION, ADAPTIVE, RANDOM_SEARCH, "
                      "GRID_SEARCH, HYPERBAND or SUCCESSIVE_HALVING");
  command->add_option("--pruner", args->pruner, "median, successive_halving or hyperband");
  command->add_option("--params", args->params, "Fixed model params as JSON (not tuned)");
  command->add_option("--search-space", args->search_space,
                      "Search space as JSON (default: the model's)");
  command->add_option("--study-config", args->study_config,
                      "Other study config keys as JSON (docs/hpo.md)");
  command->add_option("--task", args->task, "classification or regression (default: inferred)");
  command->add_option("--n-jobs", args->n_jobs, "Threads per fit")->check(CLI::Range(1, 1024));
  command->add_option("--parallel", args->parallel, "Trials run at a time")
      ->check(CLI::Range(1, 1024));
  command->add_option("--seed", args->seed, "Random seed (folds, models, sampler)");
  command->add_option("--out", args->out, "Model file to write (the best params refitted)");
  command->callback([args] { RunTune(*args); });
}

}  // namespace kolosal::cli
