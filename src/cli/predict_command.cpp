#include <cstdio>
#include <fstream>
#include <string>

#include "commands.hpp"
#include "kolosal/core/error.hpp"
#include "kolosal/data/csv_reader.hpp"
#include "kolosal/models/trained_pipeline.hpp"

namespace kolosal::cli {
namespace {

struct PredictArgs {
  std::string model;
  std::string data;
  std::string out;
  std::string target;
  bool proba = false;
};

void WritePredictions(std::FILE* out, const models::TrainedPipeline& pipeline,
                      const std::vector<float>& raw, bool proba) {
  const bool classification = pipeline.task() == Task::kClassification;
  const auto& classes = pipeline.classes();
  if (proba && classification) {
    for (size_t idx = 0; idx < classes.size(); ++idx) {
      std::fprintf(out, "%s\"%s\"", idx ? "," : "", classes[idx].c_str());
    }
    std::fputc('\n', out);
    for (size_t offset = 0; offset < raw.size(); offset += classes.size()) {
      for (size_t idx = 0; idx < classes.size(); ++idx) {
        std::fprintf(out, "%s%.9g", idx ? "," : "", raw[offset + idx]);
      }
      std::fputc('\n', out);
    }
    return;
  }
  std::fprintf(out, "prediction\n");
  for (float prediction : pipeline.RawToPredictions(raw)) {
    if (classification) {
      std::fprintf(out, "\"%s\"\n", classes[static_cast<size_t>(prediction)].c_str());
    } else {
      std::fprintf(out, "%.9g\n", prediction);
    }
  }
}

void RunPredict(const PredictArgs& args) {
  const auto pipeline = models::TrainedPipeline::LoadFromFile(args.model);
  const data::Dataset dataset = data::ReadCsv(args.data, data::CsvOptions{});
  if (args.proba && pipeline.task() != Task::kClassification) {
    ThrowInvalidArgument("--proba needs a classification model");
  }
  const std::vector<float> raw = pipeline.PredictRaw(dataset);
  std::FILE* out = stdout;
  if (!args.out.empty()) {
    out = std::fopen(args.out.c_str(), "w");
    if (out == nullptr) throw Error(StatusCode::kIo, "cannot write '" + args.out + "'");
  }
  WritePredictions(out, pipeline, raw, args.proba);
  if (out != stdout) {
    std::fclose(out);
    std::fprintf(stderr, "wrote %lld predictions to %s\n", static_cast<long long>(dataset.n_rows()),
                 args.out.c_str());
  }
}

void RunEvaluate(const PredictArgs& args) {
  const auto pipeline = models::TrainedPipeline::LoadFromFile(args.model);
  data::CsvOptions csv;
  csv.target = args.target;
  csv.task = pipeline.task();
  const data::Dataset dataset = data::ReadCsv(args.data, csv);
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
  command->callback([args] { RunPredict(*args); });
}

void AddEvaluateCommand(CLI::App& app) {
  auto args = std::make_shared<PredictArgs>();
  CLI::App* command = app.add_subcommand("evaluate", "Score a saved model on a labelled CSV");
  command->add_option("--model", args->model, "Model file")->required();
  command->add_option("--data", args->data, "CSV file with the target column")->required();
  command->add_option("--target", args->target, "Target column")->required();
  command->callback([args] { RunEvaluate(*args); });
}

}  // namespace kolosal::cli
