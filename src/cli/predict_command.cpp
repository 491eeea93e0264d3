#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

#include "commands.hpp"
#include "csv_option.hpp"
#include "kolosal/core/error.hpp"
#include "kolosal/data/csv_reader.hpp"
#include "kolosal/models/trained_pipeline.hpp"
#include "kolosal/stream/streaming_pipeline.hpp"

namespace kolosal::cli {
namespace {

struct PredictArgs {
  std::string model;
  std::string data;
  std::string out;
  std::string target;
  std::string csv;
  bool proba = false;
  bool contributions = false;
  int64_t memory_budget_mb = 256;
};

[[noreturn]] void ThrowCannotWrite(const std::string& path, int error_number) {
  throw Error(StatusCode::kIo, "cannot write '" + path + "': " + std::strerror(error_number));
}

void RunPredict(const PredictArgs& args) {
  const auto pipeline = models::TrainedPipeline::LoadFromFile(args.model);
  if (args.proba && args.contributions) {
    ThrowInvalidArgument("--proba and --contributions cannot be combined");
  }
  if (args.proba && pipeline.task() != Task::kClassification) {
    ThrowInvalidArgument("--proba needs a classification model");
  }
  stream::StreamOptions options;
  options.csv = CsvOptionsFrom(args.csv, "");
  options.probabilities = args.proba;
  options.contributions = args.contributions;
  options.memory_budget_mb = args.memory_budget_mb;
  stream::StreamingPipeline stream(options);
  if (args.out.empty()) {
    stream.PredictCsv(pipeline, args.data, [](std::string_view text) {
      if (std::fwrite(text.data(), 1, text.size(), stdout) != text.size()) {
        ThrowCannotWrite("standard output", errno);
      }
    });
    if (std::fflush(stdout) != 0) ThrowCannotWrite("standard output", errno);
    return;
  }
  stream.PredictCsv(pipeline, args.data, args.out);
  std::fprintf(stderr, "wrote %lld %s to %s\n",
               static_cast<long long>(stream.Stats().at("rows").get<int64_t>()),
               args.contributions ? "rows of contributions" : "predictions", args.out.c_str());
}

void RunEvaluate(const PredictArgs& args) {
  const auto pipeline = models::TrainedPipeline::LoadFromFile(args.model);
  const std::string& target = args.target.empty() ? pipeline.target_name() : args.target;
  if (target.empty()) ThrowInvalidArgument("the model does not name its target: give --target");
  data::CsvOptions csv = CsvOptionsFrom(args.csv, target);
  csv.task = pipeline.task();
  const data::Dataset dataset = data::ReadCsv(args.data, csv);
  if (dataset.n_rows() == 0) ThrowInvalidArgument("'" + args.data + "' has no data rows");
  std::printf("rows: %lld\n", static_cast<long long>(dataset.n_rows()));
  for (const auto& [name, value] : pipeline.Evaluate(dataset)) {
    std::printf("%s: %.4f\n", name.c_str(), value);
  }
}

}  // namespace

void AddPredictCommand(CLI::App& app) {
  auto args = std::make_shared<PredictArgs>();
  CLI::App* command = app.add_subcommand("predict", "Predict a CSV file with a saved model");
  command->add_option("--model", args->model, "Model file")->required();
  command->add_option("--data", args->data, "CSV file (columns matched by name)")->required();
  command->add_option("--out", args->out, "Write predictions here (default: stdout)");
  command->add_flag("--proba", args->proba, "Write class probabilities");
  command
      ->add_option("--memory-budget-mb", args->memory_budget_mb,
                   "Memory the prediction may use; the file is read in chunks that fit "
                   "(default: 256)")
      ->check(CLI::Range(int64_t{1}, int64_t{1} << 30));
  AddCsvOption(*command, args->csv);
  command->add_flag("--contributions", args->contributions,
                    "Write SHAP contributions per column and the bias (margins for boosting and "
                    "logistic models, probabilities for forests)");
  command->callback([args] { RunPredict(*args); });
}

void AddEvaluateCommand(CLI::App& app) {
  auto args = std::make_shared<PredictArgs>();
  CLI::App* command = app.add_subcommand("evaluate", "Score a saved model on a labelled CSV");
  command->add_option("--model", args->model, "Model file")->required();
  command->add_option("--data", args->data, "CSV file with the target column")->required();
  command->add_option("--target", args->target,
                      "Target column (default: the one the model was trained on)");
  AddCsvOption(*command, args->csv);
  command->callback([args] { RunEvaluate(*args); });
}

}  // namespace kolosal::cli
