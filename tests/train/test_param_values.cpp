// Every key that every registered model accepts, given values of the wrong type, out of range or
// at the edge of range: fitting either works or throws Error(kInvalidArgument) naming the key.
// Nothing else escapes, nothing crashes (under the asan preset, nothing casts out of range).
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "common/config_keys.hpp"
#include "kolosal/core/error.hpp"
#include "kolosal/data/synthetic.hpp"
#include "kolosal/models/registry.hpp"
#include "kolosal/train/trainer.hpp"

namespace kolosal::train {
namespace {

/// Whether fitting with this value would take long on purpose (e.g. 1.5e9 trees) rather than
/// fail: such values are checked for acceptance only.
bool IsLargeCount(const nlohmann::json& value) {
  return value.is_number() && std::abs(value.get<double>()) > 1000.0;
}

void CheckModel(const std::string& model, const data::Dataset& dataset) {
  const std::vector<std::string> keys = testing::AcceptedKeys([&](const nlohmann::json& params) {
    FitPipeline(dataset, TrainSpec{model, params, {}}, FitControl{});
  });
  ASSERT_FALSE(keys.empty()) << model << ": the unknown-key error lists no keys";
  FitControl control;
  control.random_state = 2;
  const testing::KeyValueCounts counts =
      testing::CheckEveryKeyValue(keys, [&](const std::string& key, const nlohmann::json& value) {
        const TrainSpec spec{model, {{key, value}}, {}};
        if (IsLargeCount(value)) {
          // It may be valid (1.5e9 trees); only whether it is accepted is checked.
          models::ModelRegistry::Builtin().Find(model).create(spec.params, dataset.labels().task);
        } else {
          FitPipeline(dataset, spec, control);
        }
      });
  EXPECT_GT(counts.rejected, static_cast<int>(keys.size())) << model;
}

TEST(ParamValues, EveryKeyOfEveryModelRejectsOrFits) {
  const data::Dataset classification = data::MakeClassification(80, 3, 1, 3, 2.0, 4);
  const data::Dataset regression = data::MakeRegression(80, 4, 0.1, 4);
  const models::ModelRegistry& registry = models::ModelRegistry::Builtin();
  for (const std::string& model : registry.Names()) {
    SCOPED_TRACE(model);
    const models::ModelTraits& traits = registry.Find(model).traits;
    if (traits.supports_classification) CheckModel(model, classification);
    if (traits.supports_regression) CheckModel(model, regression);
  }
}

}  // namespace
}  // namespace kolosal::train
