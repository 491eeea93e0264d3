#include <cstdio>
#include <string>
#include <thread>

#include "commands.hpp"
#include "kolosal/core/version.hpp"
#include "kolosal/hpo/detail/gp_dispatch.hpp"
#include "kolosal/io/model_file.hpp"
#include "kolosal/metrics/metric.hpp"
#include "kolosal/models/registry.hpp"
#include "kolosal/precision/cpu_features.hpp"

namespace kolosal::cli {
namespace {

std::string Join(const std::vector<std::string>& items) {
  std::string joined;
  for (const std::string& item : items) joined += (joined.empty() ? "" : ", ") + item;
  return joined;
}

void RunInfo() {
  std::printf("kolosal %s (%s, %s)\n", kVersionString, kBuildType, kCompiler);
  std::printf("model format: %u\n", io::kModelFormatVersion);
  std::printf("cpu features: %s\n", Join(precision::CpuFeatures::Detect().Names()).c_str());
  std::printf("hardware threads: %u\n", std::thread::hardware_concurrency());
  std::printf("gp sampler build: %s\n", std::string(hpo::detail::GpInstructionSet()).c_str());
  std::printf("models:\n");
  const models::ModelRegistry& registry = models::ModelRegistry::Builtin();
  for (const std::string& name : registry.Names()) {
    std::printf("  %-22s %s\n", name.c_str(), registry.Find(name).description.c_str());
  }
  std::printf("metrics: %s\n", Join(metrics::MetricRegistry::Builtin().Names()).c_str());
}

}  // namespace

void AddInfoCommand(CLI::App& app) {
  CLI::App* command = app.add_subcommand("info", "Version, CPU features, models and metrics");
  command->callback(RunInfo);
}

}  // namespace kolosal::cli
