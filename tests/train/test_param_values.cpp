// Every key that every registered model accepts, given values of the wrong type, out of range or
// at the edge of range: fitting either works or throws Error(kInvalidArgument) naming the key.
// Nothing else escapes, nothing crashes (under the asan preset, nothing casts out of range).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "kolosal/core/error.hpp"
#include "kolosal/data/synthetic.hpp"
#include "kolosal/models/registry.hpp"
#include "kolosal/train/trainer.hpp"

namespace kolosal::train {
namespace {

/// The keys `model` accepts for `dataset`'s task, as listed by the unknown-key error.
std::vector<std::string> AcceptedKeys(const std::string& model, const data::Dataset& dataset) {
  try {
    FitPipeline(dataset, TrainSpec{model, {{"zz_probe", 1}}, {}}, FitControl{});
  } catch (const Error& error) {
    const std::string message = error.what();
    const size_t list = message.find("Valid: ");
    if (list == std::string::npos) return {};
    std::vector<std::string> keys;
    size_t begin = list + 7;
    while (begin < message.size()) {
      const size_t end = std::min(message.find(", ", begin), message.size());
      keys.push_back(message.substr(begin, end - begin));
      begin = end + 2;
    }
    return keys;
  }
  return {};
}

const std::vector<nlohmann::json>& BadValues() {
  static const std::vector<nlohmann::json> values = {"text",
                                                     true,
                                                     nlohmann::json::array(),
                                                     nlohmann::json::object(),
                                                     -1,
                                                     0,
                                                     0.5,
                                                     1,
                                                     2,
                                                     1.5e9,
                                                     -1e300,
                                                     1e300,
                                                     std::numeric_limits<uint64_t>::max(),
                                                     std::numeric_limits<int64_t>::min()};
  return values;
}

/// Whether fitting with this value would take long on purpose (e.g. 1.5e9 trees) rather than
/// fail: such values are checked for acceptance only.
bool IsLargeCount(const nlohmann::json& value) {
  return value.is_number() && std::abs(value.get<double>()) > 1000.0;
}

void CheckModel(const std::string& model, const data::Dataset& dataset) {
  const std::vector<std::string> keys = AcceptedKeys(model, dataset);
  ASSERT_FALSE(keys.empty()) << model << ": the unknown-key error lists no keys";
  FitControl control;
  control.random_state = 2;
  int rejected = 0;
  for (const std::string& key : keys) {
    for (const nlohmann::json& value : BadValues()) {
      const TrainSpec spec{model, {{key, value}}, {}};
      const std::string context = model + " " + key + "=" + value.dump();
      try {
        if (IsLargeCount(value)) {
          // It may be valid (1.5e9 trees); only whether it is accepted is checked.
          models::ModelRegistry::Builtin().Find(model).create(spec.params, dataset.labels().task);
        } else {
          FitPipeline(dataset, spec, control);
        }
      } catch (const Error& error) {
        ++rejected;
        EXPECT_EQ(error.code(), StatusCode::kInvalidArgument) << context << ": " << error.what();
        EXPECT_NE(std::string(error.what()).find(key), std::string::npos)
            << context << ": the message does not name the key: " << error.what();
      } catch (const std::exception& error) {
        ADD_FAILURE() << context << ": escaped " << error.what();
      }
    }
  }
  EXPECT_GT(rejected, static_cast<int>(keys.size())) << model;
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
