#include "kolosal/models/registry.hpp"

#include <algorithm>
#include <set>

#include "kolosal/core/error.hpp"
#include "kolosal/core/names.hpp"
#include "kolosal/models/linear/linear_models.hpp"
#include "kolosal/models/tree/tree_models.hpp"

namespace kolosal::models {
namespace {

[[noreturn]] void ThrowBadEntry(const std::string& model, const std::string& why) {
  throw Error(StatusCode::kInternal, "model '" + model + "' registers " + why);
}

bool IsNumber(const nlohmann::json& param, const char* key) {
  return param.contains(key) && param.at(key).is_number();
}

// The numeric rules of docs/search-space.md: low <= high, a positive step, log needs low > 0
// (>= 1 for ints) and no step other than an int's 1.
void CheckRange(const std::string& model, const nlohmann::json& param, const std::string& name,
                bool is_int) {
  if (!IsNumber(param, "low") || !IsNumber(param, "high") ||
      param.at("low").get<double>() > param.at("high").get<double>()) {
    ThrowBadEntry(model, "parameter '" + name + "' without a valid low <= high");
  }
  const double default_step = is_int ? 1.0 : 0.0;
  const double step = param.value("step", default_step);
  if (step < default_step) ThrowBadEntry(model, "parameter '" + name + "' with a bad step");
  if (!param.value("log", false)) return;
  const double low = param.at("low").get<double>();
  if (low <= 0 || (is_int && low < 1) || step != default_step) {
    ThrowBadEntry(model,
                  "log-scaled parameter '" + name + "' with low <= 0 (< 1 for an int) or a step");
  }
}

// A condition names earlier parameters and lists the values that activate this one.
void CheckCondition(const std::string& model, const nlohmann::json& param, const std::string& name,
                    const std::set<std::string>& earlier) {
  if (!param.contains("condition")) return;
  const nlohmann::json& condition = param.at("condition");
  if (!condition.is_object() || condition.empty()) {
    ThrowBadEntry(model, "a malformed condition on '" + name + "'");
  }
  for (const auto& [parent, values] : condition.items()) {
    if (!earlier.contains(parent) || !values.is_array() || values.empty()) {
      ThrowBadEntry(model, "a condition on '" + name +
                               "' that does not name an earlier "
                               "parameter with a list of values");
    }
  }
}

void CheckParam(const std::string& model, const nlohmann::json& param,
                const std::set<std::string>& earlier) {
  if (!param.is_object() || !param.contains("name") || !param.at("name").is_string()) {
    ThrowBadEntry(model, "a search-space parameter without a name");
  }
  const std::string name = param.at("name").get<std::string>();
  if (earlier.contains(name)) ThrowBadEntry(model, "parameter '" + name + "' twice");
  const std::string type = param.value("type", "");
  if (type == "float" || type == "int") {
    CheckRange(model, param, name, type == "int");
  } else if (type == "categorical") {
    if (!param.contains("choices") || !param.at("choices").is_array() ||
        param.at("choices").empty()) {
      ThrowBadEntry(model, "categorical parameter '" + name + "' without choices");
    }
  } else {
    ThrowBadEntry(model, "parameter '" + name + "' of unknown type '" + type + "'");
  }
  CheckCondition(model, param, name, earlier);
}

// Catches malformed registrations early, where the model author sees them (see
// docs/search-space.md for the format).
void CheckSearchSpace(const std::string& model, const nlohmann::json& space) {
  if (!space.is_object() || !space.contains("params") || !space.at("params").is_array()) {
    ThrowBadEntry(model, "a search space that is not {\"params\": [...]}");
  }
  std::set<std::string> earlier;
  for (const nlohmann::json& param : space.at("params")) {
    CheckParam(model, param, earlier);
    earlier.insert(param.at("name").get<std::string>());
  }
}

}  // namespace

void ModelRegistry::Register(ModelEntry entry) {
  if (entry.name.empty()) throw Error(StatusCode::kInternal, "a model registers without a name");
  if (TryFind(entry.name) != nullptr) {
    throw Error(StatusCode::kInternal, "model '" + entry.name + "' is registered twice");
  }
  if (!entry.create || !entry.load) ThrowBadEntry(entry.name, "without create or load");
  CheckSearchSpace(entry.name, entry.default_search_space);
  entries_.push_back(std::move(entry));
}

const ModelEntry& ModelRegistry::Find(std::string_view name) const {
  if (const ModelEntry* entry = TryFind(name)) return *entry;
  ThrowInvalidArgument(UnknownNameMessage("model", name, Names()));
}

const ModelEntry* ModelRegistry::TryFind(std::string_view name) const {
  const auto it = std::find_if(entries_.begin(), entries_.end(),
                               [name](const ModelEntry& entry) { return entry.name == name; });
  return it == entries_.end() ? nullptr : &*it;
}

std::vector<std::string> ModelRegistry::Names() const {
  std::vector<std::string> names;
  names.reserve(entries_.size());
  for (const ModelEntry& entry : entries_) names.push_back(entry.name);
  std::sort(names.begin(), names.end());
  return names;
}

const ModelRegistry& ModelRegistry::Builtin() {
  static const ModelRegistry registry = [] {
    ModelRegistry builtin;
    RegisterBuiltinModels(builtin);
    return builtin;
  }();
  return registry;
}

void RegisterBuiltinModels(ModelRegistry& registry) {
  // One line per model family.
  RegisterLinearModels(registry);
  RegisterTreeModels(registry);
}

prep::PreprocessingConfig DefaultPreprocessing(const ModelTraits& traits) {
  prep::PreprocessingConfig config;
  const bool native_missing = traits.handles_missing && traits.handles_categorical;
  config.numeric_imputer = traits.handles_missing ? "none" : "median";
  config.categorical_imputer = native_missing ? "none" : "most_frequent";
  config.scaler = traits.needs_scaling ? "standard" : "none";
  // Scale-free models without native categories do well on ordinal codes; the others need
  // one-hot columns.
  if (traits.handles_categorical) {
    config.encoder = "native";
  } else {
    config.encoder = traits.needs_scaling ? "onehot" : "ordinal";
  }
  return config;
}

}  // namespace kolosal::models
