// The tree models' registry entries: names, traits, native preprocessing, search spaces, and
// create/load through the registry.
#include <gtest/gtest.h>

#include "kolosal/models/registry.hpp"
#include "tree_test_helpers.hpp"

namespace kolosal::tree_testing {
namespace {

constexpr const char* kTreeModels[] = {"decision_tree", "random_forest", "extra_trees",
                                       "gradient_boosting"};

TEST(TreeModels, RegisteredWithNativeTraits) {
  for (const char* name : kTreeModels) {
    const models::ModelEntry& entry = models::ModelRegistry::Builtin().Find(name);
    EXPECT_TRUE(entry.traits.handles_missing) << name;
    EXPECT_TRUE(entry.traits.handles_categorical) << name;
    EXPECT_FALSE(entry.traits.needs_scaling) << name;
    const prep::PreprocessingConfig config = models::DefaultPreprocessing(entry.traits);
    EXPECT_EQ(config.encoder, "native") << name;
    EXPECT_EQ(config.numeric_imputer, "none") << name;
  }
}

// Both bounds of every numeric range and every choice must be accepted for both tasks.
TEST(TreeModels, SearchSpaceValuesAreValidParams) {
  for (const char* name : kTreeModels) {
    const models::ModelEntry& entry = models::ModelRegistry::Builtin().Find(name);
    for (const nlohmann::json& param : entry.default_search_space.at("params")) {
      std::vector<nlohmann::json> values;
      if (param.at("type") == "categorical") {
        for (const nlohmann::json& choice : param.at("choices")) values.push_back(choice);
      } else {
        values = {param.at("low"), param.at("high")};
      }
      for (const nlohmann::json& value : values) {
        const nlohmann::json params = {
            {param.at("name").get<std::string>(), value}, {"random_state", 3}, {"n_jobs", 2}};
        for (Task task : {Task::kClassification, Task::kRegression}) {
          EXPECT_NO_THROW(entry.create(params, task)) << name << " " << params.dump();
        }
      }
    }
  }
}

TEST(TreeModels, CreateAndLoadThroughTheRegistry) {
  const TreeData data = MixedClassification(400, 3, 40);
  for (const char* name : kTreeModels) {
    const models::ModelEntry& entry = models::ModelRegistry::Builtin().Find(name);
    const nlohmann::json params = std::string(name) == "decision_tree"
                                      ? nlohmann::json::object()
                                      : nlohmann::json{{"n_estimators", 3}};
    const auto model = entry.create(params, data.task)->Fit(data.train_data(), Control());
    EXPECT_EQ(model->TypeName(), name);
    const std::vector<char> bytes = SaveModel(*model);
    const msgpack::object_handle handle = msgpack::unpack(bytes.data(), bytes.size());
    const auto loaded = entry.load(handle.get());
    EXPECT_TRUE(BitEqual(PredictRows(*model, data.view()), PredictRows(*loaded, data.view())));
  }
}

}  // namespace
}  // namespace kolosal::tree_testing
