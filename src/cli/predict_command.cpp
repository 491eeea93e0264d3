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

// One column per input column and the bias, per class ("class:column") for classification.
void WriteContributions(std::FILE* out, const models::TrainedPipeline& pipeline,
                        const std::vector<float>& values) {
  const auto& columns = pipeline.pipeline().input_schema().columns;
  const bool classification = pipeline.task() == Task::kClassification;
  const size_t width = columns.size() + 1;
  const auto n_outputs = static_cast<size_t>(pipeline.n_outputs());
  for (size_t output = 0; output < n_outputs; ++output) {
    const std::string prefix = classification ? pipeline.classes()[output] + ":" : "";
    for (size_t col = 0; col < width; ++col) {
      const std::string& name = col < columns.size() ? columns[col].name : "bias";
      std::fprintf(out, "%s%s", output + col ? "," : "",
                   data::QuoteCsvField(prefix + name).c_str());
    }
  }
  std::fputc('\n', out);
  const size_t row_width = width * n_outputs;
  for (size_t offset = 0; offset < values.size(); offset += row_width) {
    for (size_t idx = 0; idx < row_width; ++idx) {
      std::fprintf(out, "%s%.9g", idx ? "," : "", values[offset + idx]);
    }
    std::fputc('\n', out);
  }
}

[[noreturn]] void ThrowCannotWrite(const std::string& path, int error_number) {
  throw Error(StatusCode::kIo, "cannot write '" + path + "': " + std::strerror(error_number));
}

// Contributions are computed in memory; predictions stream, so files of any size fit.
void RunContributions(const PredictArgs& args, const models::TrainedPipeline& pipeline) {
  if (args.proba) ThrowInvalidArgument("--proba and --contributions cannot be combined");
  const data::Dataset dataset = data::ReadCsv(args.data, CsvOptionsFrom(args.csv, ""));
  const std::vector<float> values = pipeline.Contributions(dataset);
  const bool to_file = !args.out.empty();
  std::FILE* out = to_file ? std::fopen(args.out.c_str(), "w") : stdout;
  if (out == nullptr) ThrowCannotWrite(args.out, errno);
  WriteContributions(out, pipeline, values);
  // A full disk or a closed pipe shows up only when the buffered text is flushed.
  const bool written = std::fflush(out) == 0 && !std::ferror(out);
  const int error_number = errno;
  const bool closed = !to_file || std::fclose(out) == 0;
  if (!written || !closed) ThrowCannotWrite(to_file ? args.out : "standard output", error_number);
}

void RunPredict(const PredictArgs& args) {
  const auto pipeline = models::TrainedPipeline::LoadFromFile(args.model);
  if (args.contributions) {
    RunContributions(args, pipeline);
    return;
  }
  if (args.proba && pipeline.task() != Task::kClassification) {
    ThrowInvalidArgument("--proba needs a classification model");
  }
  stream::StreamOptions options;
  options.csv = CsvOptionsFrom(args.csv, "");
  options.probabilities = args.proba;
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
  std::fprintf(stderr, "wrote %lld predictions to %s\n",
               static_cast<long long>(stream.Stats().at("rows").get<int64_t>()), args.out.c_str());
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
