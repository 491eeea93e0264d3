#include "kolosal/hpo/pruner_registry.hpp"

#include <limits>

#include "kolosal/core/error.hpp"
#include "kolosal/hpo/hyperband_pruner.hpp"
#include "kolosal/hpo/median_pruner.hpp"
#include "kolosal/hpo/successive_halving_pruner.hpp"

namespace kolosal::hpo {
namespace {

constexpr int64_t kMaxInt = std::numeric_limits<int64_t>::max();

// A resource option: a positive integer, or "auto" (nullopt).
std::optional<int64_t> ReadResource(ConfigReader& options, std::string_view key) {
  const nlohmann::json* value = options.Find(key);
  if (value == nullptr || (value->is_string() && value->get<std::string>() == "auto")) {
    return std::nullopt;
  }
  if (!value->is_number_integer() || value->get<int64_t>() < 1) {
    ThrowInvalidArgument(options.context() + ": '" + std::string(key) +
                         "' must be \"auto\" or an integer >= 1, got " + value->dump());
  }
  return value->get<int64_t>();
}

std::unique_ptr<Pruner> CreateMedian(ConfigReader& options) {
  MedianPruner::Options median;
  median.n_startup_trials = options.GetInt("n_startup_trials", 5, 0, kMaxInt);
  median.n_warmup_steps = options.GetInt("n_warmup_steps", 0, 0, kMaxInt);
  median.interval_steps = options.GetInt("interval_steps", 1, 1, kMaxInt);
  return std::make_unique<MedianPruner>(median);
}

std::unique_ptr<Pruner> CreateSuccessiveHalving(ConfigReader& options) {
  SuccessiveHalvingPruner::Options halving;
  halving.min_resource = ReadResource(options, "min_resource");
  halving.reduction_factor = options.GetInt("reduction_factor", 4, 2, 1000);
  halving.min_early_stopping_rate = options.GetInt("min_early_stopping_rate", 0, 0, 60);
  return std::make_unique<SuccessiveHalvingPruner>(halving);
}

std::unique_ptr<Pruner> CreateHyperband(ConfigReader& options) {
  HyperbandPruner::Options hyperband;
  hyperband.min_resource = options.GetInt("min_resource", 1, 1, kMaxInt);
  hyperband.max_resource = ReadResource(options, "max_resource");
  hyperband.reduction_factor = options.GetInt("reduction_factor", 3, 2, 1000);
  if (hyperband.max_resource && *hyperband.max_resource < hyperband.min_resource) {
    ThrowInvalidArgument(options.context() + ": max_resource is below min_resource");
  }
  return std::make_unique<HyperbandPruner>(hyperband);
}

}  // namespace

const PrunerRegistry& PrunerRegistry::Builtin() {
  static const PrunerRegistry registry = [] {
    PrunerRegistry builtin;
    RegisterBuiltinPruners(builtin);
    return builtin;
  }();
  return registry;
}

void RegisterBuiltinPruners(PrunerRegistry& registry) {
  registry.Register("none", "never prunes", [](ConfigReader&) { return nullptr; });
  registry.Register("median", "prunes below the median of completed trials at the same step",
                    CreateMedian);
  registry.Register("successive_halving", "asynchronous successive halving (ASHA)",
                    CreateSuccessiveHalving);
  registry.Register("hyperband", "Hyperband: brackets of successive halving", CreateHyperband);
}

std::unique_ptr<Pruner> CreatePruner(const nlohmann::json& config) {
  nlohmann::json object = config;
  if (config.is_string()) object = {{"name", config.get<std::string>()}};
  if (!object.is_object()) {
    ThrowInvalidArgument("pruner: expected a name or an object {\"name\": ...}, got " +
                         config.dump());
  }
  ConfigReader options(object, "pruner");
  const std::string name = options.GetString("name", "none");
  const auto& entry = PrunerRegistry::Builtin().Find(name);
  ConfigReader named_options(object, "pruner '" + name + "'");
  named_options.Allow("name");
  std::unique_ptr<Pruner> pruner = entry.factory(named_options);
  named_options.Finish();
  return pruner;
}

}  // namespace kolosal::hpo
