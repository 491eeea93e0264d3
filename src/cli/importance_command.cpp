#include <algorithm>
#include <cstdio>
#include <numeric>
#include <string>
#include <vector>

#include "commands.hpp"
#include "kolosal/core/error.hpp"
#include "kolosal/models/trained_pipeline.hpp"

namespace kolosal::cli {
namespace {

struct ImportanceArgs {
  std::string model;
  std::string type = "auto";
  int top = 0;
};

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
  const auto [kind, values] = Importance(pipeline, args.type);
  const auto& columns = pipeline.pipeline().input_schema().columns;
  std::vector<size_t> order(values.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&values](size_t lhs, size_t rhs) { return values[lhs] > values[rhs]; });
  if (args.top > 0 && static_cast<size_t>(args.top) < order.size()) order.resize(args.top);
  const double total = std::accumulate(values.begin(), values.end(), 0.0);
  std::printf("%s importance of %s (%zu features)\n",
              std::string(models::ImportanceTypeName(kind)).c_str(),
              std::string(pipeline.model().TypeName()).c_str(), values.size());
  for (const size_t idx : order) {
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
      ->check(CLI::NonNegativeNumber);
  command->callback([args] { RunImportance(*args); });
}

}  // namespace kolosal::cli
