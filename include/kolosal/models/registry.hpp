#pragma once

#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "kolosal/models/model.hpp"
#include "kolosal/prep/pipeline.hpp"

namespace kolosal::models {

/// What an estimator needs from preprocessing.
struct ModelTraits {
  bool supports_classification = true;
  bool supports_regression = true;
  bool handles_missing = false;      // NaN inputs are fine (no imputation needed)
  bool handles_categorical = false;  // splits natively on categorical codes
  bool needs_scaling = false;        // benefits from standardised inputs
};

/// One registered model type: how to create it from params, how to load a saved one, and the
/// default hyperparameter search space (see docs/search-space.md for the JSON format).
struct ModelEntry {
  std::string name;
  std::string description;
  ModelTraits traits;
  nlohmann::json default_search_space;
  /// Validates `params` (unknown keys are errors with a suggestion) for `task`.
  std::function<std::unique_ptr<Estimator>(const nlohmann::json& params, Task task)> create;
  std::function<std::unique_ptr<Model>(const msgpack::object& state)> load;
};

class ModelRegistry {
 public:
  /// Throws Error(kInternal) if the name is taken.
  void Register(ModelEntry entry);
  /// Throws Error(kInvalidArgument) listing the valid names and the nearest one.
  const ModelEntry& Find(std::string_view name) const;
  const ModelEntry* TryFind(std::string_view name) const;
  std::vector<std::string> Names() const;

  /// The registry holding every builtin model (created on first use, then read-only).
  static const ModelRegistry& Builtin();

 private:
  std::vector<ModelEntry> entries_;
};

/// Registers every builtin model; each model family adds one line here.
void RegisterBuiltinModels(ModelRegistry& registry);

/// The preprocessing a model type gets by default: imputation, scaling and one-hot encoding for
/// models that need them; native missing values and categories for those that handle them.
prep::PreprocessingConfig DefaultPreprocessing(const ModelTraits& traits);

}  // namespace kolosal::models
