#include <cstdio>
#include <string>

#include "commands.hpp"
#include "csv_option.hpp"
#include "kolosal/core/config.hpp"
#include "kolosal/data/csv_reader.hpp"
#include "kolosal/train/trainer.hpp"
#include "progress_bar.hpp"

namespace kolosal::cli {
namespace {

struct TrainArgs {
  std::string data;
  std::string target;
  std::string weight_column;
  std::string model;
  std::string params = "{}";
  std::string csv;
  std::string preprocessing;
  std::string task;
  std::string out;
  int n_jobs = 1;
  uint64_t seed = 0;
  int cv_folds = 0;
};

void RunTrain(const TrainArgs& args) {
  data::CsvOptions csv = CsvOptionsFrom(args.csv, args.target, args.weight_column);
  if (!args.task.empty()) csv.task = ParseTask(args.task);
  const data::Dataset dataset = data::ReadCsv(args.data, csv);
  train::TrainSpec spec;
  spec.model = args.model;
  spec.params = ParseJsonConfig(args.params, "--params");
  if (!args.preprocessing.empty()) {
    spec.preprocessing =
        prep::PreprocessingConfig::FromJson(ParseJsonConfig(args.preprocessing, "--preprocessing"));
  }
  FitControl control;
  control.n_jobs = args.n_jobs;
  control.random_state = args.seed;
  control.progress = MakeProgressBar();
  std::printf("data: %lld rows, %lld features, task %s\n", static_cast<long long>(dataset.n_rows()),
              static_cast<long long>(dataset.n_features()),
              std::string(TaskName(dataset.labels().task)).c_str());
  if (args.cv_folds > 0) {
    const auto cv = train::CrossValidate(dataset, spec, args.cv_folds, "", control);
    FinishProgressBar();
    std::printf("cv %s: %.4f +/- %.4f (%d folds)\n", cv.metric.c_str(), cv.mean, cv.std_dev,
                args.cv_folds);
  }
  const models::TrainedPipeline pipeline = train::FitPipeline(dataset, spec, control);
  FinishProgressBar();
  for (const auto& [name, value] : pipeline.metadata().at("training_metrics").items()) {
    std::printf("train %s: %.4f\n", name.c_str(), value.get<double>());
  }
  const nlohmann::json& summary = pipeline.metadata().at("model_summary");
  if (!summary.empty()) std::printf("model: %s\n", summary.dump().c_str());
  pipeline.SaveToFile(args.out);
  std::printf("saved %s\n", args.out.c_str());
}

}  // namespace

void AddTrainCommand(CLI::App& app) {
  auto args = std::make_shared<TrainArgs>();
  CLI::App* command = app.add_subcommand("train", "Train a model on a CSV file and save it");
  command->add_option("--data", args->data, "CSV file with a header row")->required();
  command->add_option("--target", args->target, "Target column")->required();
  command->add_option("--weight-column", args->weight_column,
                      "Numeric column of per-row training weights (not a feature)");
  command->add_option("--model", args->model, "Model type (see `kolosal info`)")->required();
  command->add_option("--params", args->params, "Model params as JSON");
  command->add_option("--preprocessing", args->preprocessing, "Preprocessing config as JSON");
  AddCsvOption(*command, args->csv);
  command->add_option("--task", args->task, "classification or regression (default: inferred)");
  command->add_option("--n-jobs", args->n_jobs, "Threads")->check(CLI::Range(1, 1024));
  command->add_option("--seed", args->seed, "Random seed");
  command->add_option("--cv", args->cv_folds, "Also report a K-fold CV score")
      ->check(CLI::Range(2, 100));
  command->add_option("--out", args->out, "Model file to write")->required();
  command->callback([args] { RunTrain(*args); });
}

}  // namespace kolosal::cli
