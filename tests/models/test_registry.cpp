#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "kolosal/core/error.hpp"
#include "kolosal/models/registry.hpp"
#include "linear_test_helpers.hpp"

namespace kolosal::models {
namespace {

using kolosal::testing::ExpectError;
using nlohmann::json;

ModelEntry DummyEntry(std::string name, json space = {{"params", json::array()}}) {
  return ModelEntry{std::move(name),
                    "a test model",
                    ModelTraits{},
                    std::move(space),
                    [](const json&, Task) -> std::unique_ptr<Estimator> { return nullptr; },
                    [](const msgpack::object&) -> std::unique_ptr<Model> { return nullptr; }};
}

TEST(ModelRegistryTest, RegistersAndFinds) {
  ModelRegistry registry;
  registry.Register(DummyEntry("zeta"));
  registry.Register(DummyEntry("alpha"));
  EXPECT_EQ(registry.Find("zeta").name, "zeta");
  EXPECT_EQ(registry.TryFind("alpha")->description, "a test model");
  EXPECT_EQ(registry.TryFind("beta"), nullptr);
  EXPECT_EQ(registry.Names(), (std::vector<std::string>{"alpha", "zeta"}));
}

TEST(ModelRegistryTest, DuplicateNameIsAnInternalError) {
  ModelRegistry registry;
  registry.Register(DummyEntry("ridge"));
  ExpectError([&] { registry.Register(DummyEntry("ridge")); }, StatusCode::kInternal,
              "model 'ridge' is registered twice");
}

TEST(ModelRegistryTest, UnknownNameSuggestsTheNearest) {
  ExpectError([] { ModelRegistry::Builtin().Find("logistic_regresion"); },
              StatusCode::kInvalidArgument,
              "unknown model 'logistic_regresion'; did you mean 'logistic_regression'?");
  ExpectError([] { ModelRegistry::Builtin().Find("qqqq"); }, StatusCode::kInvalidArgument,
              "Valid: ");
}

TEST(ModelRegistryTest, RejectsMalformedEntries) {
  ModelRegistry registry;
  ModelEntry no_create = DummyEntry("a");
  no_create.create = nullptr;
  ExpectError([&] { registry.Register(std::move(no_create)); }, StatusCode::kInternal,
              "without create or load");
  ExpectError([&] { registry.Register(DummyEntry("b", json::object())); }, StatusCode::kInternal,
              "search space");
  ExpectError(
      [&] {
        registry.Register(DummyEntry(
            "c", {{"params",
                   {{{"name", "x"}, {"type", "float"}, {"low", 0}, {"high", 1}, {"log", true}}}}}));
      },
      StatusCode::kInternal, "log-scaled parameter 'x' with low <= 0");
  ExpectError(
      [&] {
        registry.Register(DummyEntry("d", {{"params", {{{"name", "x"}, {"type", "complex"}}}}}));
      },
      StatusCode::kInternal, "unknown type 'complex'");
  ExpectError(
      [&] {
        registry.Register(DummyEntry("e", {{"params",
                                            {{{"name", "x"},
                                              {"type", "int"},
                                              {"low", 0},
                                              {"high", 3},
                                              {"condition", {{"missing", {"a"}}}}}}}}));
      },
      StatusCode::kInternal, "does not name an earlier parameter");
  EXPECT_TRUE(registry.Names().empty());
}

TEST(ModelRegistryTest, BuiltinHoldsTheLinearModels) {
  const ModelRegistry& builtin = ModelRegistry::Builtin();
  EXPECT_EQ(&builtin, &ModelRegistry::Builtin());
  const std::vector<std::string> names = builtin.Names();
  EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
  for (const char* name :
       {"logistic_regression", "linear_regression", "ridge", "lasso", "elastic_net"}) {
    SCOPED_TRACE(name);
    const ModelEntry* entry = builtin.TryFind(name);
    ASSERT_NE(entry, nullptr);
    EXPECT_FALSE(entry->description.empty());
    EXPECT_TRUE(entry->traits.needs_scaling);
    EXPECT_FALSE(entry->traits.handles_missing);
    EXPECT_FALSE(entry->traits.handles_categorical);
    const bool classifier = std::string(name) == "logistic_regression";
    EXPECT_EQ(entry->traits.supports_classification, classifier);
    EXPECT_EQ(entry->traits.supports_regression, !classifier);
    EXPECT_TRUE(entry->default_search_space.at("params").is_array());
  }
}

TEST(ModelRegistryTest, LogisticRegressionSearchSpace) {
  const json& space = ModelRegistry::Builtin().Find("logistic_regression").default_search_space;
  const json expected = json::parse(R"({"params":[
    {"name":"C","type":"float","low":0.001,"high":100.0,"log":true},
    {"name":"penalty","type":"categorical","choices":["l2","l1","elasticnet"]},
    {"name":"l1_ratio","type":"float","low":0.0,"high":1.0,"condition":{"penalty":["elasticnet"]}},
    {"name":"class_weight","type":"categorical","choices":["none","balanced"]},
    {"name":"max_iter","type":"int","low":50,"high":1000,"step":50,"log":false}]})");
  EXPECT_EQ(space, expected) << space.dump(2);
}

// Every value of every default search space must be accepted by the model's own params parser,
// so HPO can never propose a configuration the model rejects.
TEST(ModelRegistryTest, SearchSpaceBoundsAreValidParams) {
  for (const std::string& name : ModelRegistry::Builtin().Names()) {
    const ModelEntry& entry = ModelRegistry::Builtin().Find(name);
    const Task task =
        entry.traits.supports_classification ? Task::kClassification : Task::kRegression;
    for (const json& param : entry.default_search_space.at("params")) {
      SCOPED_TRACE(name + " " + param.dump());
      const std::string key = param.at("name");
      const json values = param.contains("choices")
                              ? param.at("choices")
                              : json::array({param.at("low"), param.at("high")});
      for (const json& value : values) {
        json params = {{key, value}};
        if (param.contains("condition")) {
          for (const auto& [parent, parent_values] : param.at("condition").items()) {
            params[parent] = parent_values.at(0);
          }
        }
        EXPECT_NO_THROW(entry.create(params, task)) << params.dump();
      }
    }
  }
}

TEST(DefaultPreprocessingTest, ScaledModelsGetImputationScalingAndOneHot) {
  const prep::PreprocessingConfig config =
      DefaultPreprocessing(ModelRegistry::Builtin().Find("ridge").traits);
  EXPECT_EQ(config.numeric_imputer, "median");
  EXPECT_EQ(config.categorical_imputer, "most_frequent");
  EXPECT_EQ(config.scaler, "standard");
  EXPECT_EQ(config.encoder, "onehot");
}

TEST(DefaultPreprocessingTest, NativeModelsGetNothing) {
  ModelTraits traits;
  traits.handles_missing = true;
  traits.handles_categorical = true;
  const prep::PreprocessingConfig config = DefaultPreprocessing(traits);
  EXPECT_EQ(config.numeric_imputer, "none");
  EXPECT_EQ(config.categorical_imputer, "none");
  EXPECT_EQ(config.scaler, "none");
  EXPECT_EQ(config.encoder, "native");
}

TEST(DefaultPreprocessingTest, ScaleFreeModelsWithoutNativeCategoriesGetOrdinalCodes) {
  ModelTraits traits;  // e.g. a tree that cannot split on categories nor skip missing values
  const prep::PreprocessingConfig config = DefaultPreprocessing(traits);
  EXPECT_EQ(config.numeric_imputer, "median");
  EXPECT_EQ(config.scaler, "none");
  EXPECT_EQ(config.encoder, "ordinal");
}

}  // namespace
}  // namespace kolosal::models
