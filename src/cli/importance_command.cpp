#include <algorithm>
#include <cstdio>
#include <limits>
#include <numeric>
#include <string>
#include <vector>

#include "commands.hpp"
#include "csv_option.hpp"
#include "kolosal/core/error.hpp"
#include "kolosal/data/csv_reader.hpp"
#include "kolosal/models/trained_pipeline.hpp"
#include "kolosal/train/permutation_importance.hpp"

namespace kolosal::cli {
namespace {

struct ImportanceArgs {
  std::string model;
  std::string type = "auto";
  int top = 0;
  std::string data;  // with target: permutation importance on this CSV
  std::string target;
  std::string csv;
  train::PermutationImportanceOptions permutation;
};

// Indices of `values` largest first (ties in column order), the first `top` of them (0: all).
std::vector<size_t> LargestFirst(const std::vector<double>& values, int top) {
  std::vector<size_t> order(values.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&values](size_t lhs, size_t rhs) { return values[lhs] > values[rhs]; });
  if (top > 0 && static_cast<size_t>(top) < order.size()) order.resize(static_cast<size_t>(top));
  return order;
}

void RunPermutationImportance(const ImportanceArgs& args, const models::TrainedPipeline& pipeline) {
  if (args.type != "auto") ThrowInvalidArgument("--type does not apply to --data (permutation)");
  if (args.target.empty()) ThrowInvalidArgument("--data needs --target");
  data::CsvOptions csv = CsvOptionsFrom(args.csv, args.target);
  csv.task = pipeline.task();
  const data::Dataset dataset = data::ReadCsv(args.data, csv);
  const train::PermutationImportanceResult result =
      train::PermutationImportance(pipeline, dataset, args.permutation);
  std::printf("permutation importance of %s on %lld rows: %s drop, baseline %.4f, %d repeats\n",
              std::string(pipeline.model().TypeName()).c_str(),
              static_cast<long long>(dataset.n_rows()), result.metric.c_str(), result.baseline,
              args.permutation.n_repeats);
  for (const size_t idx : LargestFirst(result.mean, args.top)) {
    std::printf("%-32s %12.6g +/- %.6g\n", result.features[idx].c_str(), result.mean[idx],
                result.std_dev[idx]);
  }
}

// "auto" is the first type the model has: gain for tree models, coefficient for linear ones.
std::pair<models::ImportanceType, std::vector<double>> Importance(
    const models::TrainedPipeline& pipeline, const std::string& type) {
  for (const models::ImportanceType kind : models::kImportanceTypes) {
    if (type != "auto" && type != models::ImportanceTypeName(kind)) continue;
    std::vector<double> values = pipeline.FeatureImportance(kind);
    if (!values.empty()) return {kind, std::move(values)};
    if (type != "auto") {
      throw Error(StatusCode::kUnsupported,
                  std::string(pipeline.model().TypeName()) + " has no " + type + " importance");
    }
  }
  throw Error(StatusCode::kUnsupported,
              std::string(pipeline.model().TypeName()) + " has no feature importance");
}

void RunImportance(const ImportanceArgs& args) {
  const auto pipeline = models::TrainedPipeline::LoadFromFile(args.model);
  if (!args.data.empty()) {
    RunPermutationImportance(args, pipeline);
    return;
  }
  if (!args.target.empty()) ThrowInvalidArgument("--target needs --data");
  const auto [kind, values] = Importance(pipeline, args.type);
  const auto& columns = pipeline.pipeline().input_schema().columns;
  const double total = std::accumulate(values.begin(), values.end(), 0.0);
  std::printf("%s importance of %s (%zu features)\n",
              std::string(models::ImportanceTypeName(kind)).c_str(),
              std::string(pipeline.model().TypeName()).c_str(), values.size());
  for (const size_t idx : LargestFirst(values, args.top)) {
    std::printf("%-32s %12.6g  %5.1f%%\n", columns[idx].name.c_str(), values[idx],
                total > 0.0 ? 100.0 * values[idx] / total : 0.0);
  }
}

}  // namespace

void AddImportanceCommand(CLI::App& app) {
  auto args = std::make_shared<ImportanceArgs>();
  CLI::App* command =
      app.add_subcommand("importance", "Feature importance of a saved model, largest first");
  command->add_option("--model", args->model, "Model file")->required();
  command
      ->add_option("--type", args->type,
                   "gain or split (tree models), coefficient (linear models), or auto")
      ->check(CLI::IsMember({"auto", "gain", "split", "coefficient"}))
      ->capture_default_str();
  command->add_option("--top", args->top, "Show only the N most important features (0: all)")
      ->check(CLI::Range(0, std::numeric_limits<int>::max()));
  command->add_option("--data", args->data,
                      "Labelled CSV: permutation importance (score drop when a column is "
                      "shuffled), for any model");
  command->add_option("--target", args->target, "Target column of --data");
  AddCsvOption(*command, args->csv);
  command->add_option("--metric", args->permutation.metric,
                      "Metric for --data (default: accuracy or r2)");
  command->add_option("--repeats", args->permutation.n_repeats, "Shuffles per column for --data")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  command->add_option("--seed", args->permutation.random_state, "Random seed for --data");
  command->add_option("--n-jobs", args->permutation.n_jobs, "Threads for --data")
      ->check(CLI::Range(1, 1024));
  command->callback([args] { RunImportance(*args); });
}

}  // namespace kolosal::cli
