// Every tree model on every shared dataset (through the native preprocessing): fits, saves and
// loads back bit-exact.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/test_data.hpp"
#include "tree_test_helpers.hpp"

namespace kolosal::tree_testing {
namespace {

struct DatasetCase {
  const char* file;
  const char* target;
};

const DatasetCase kDatasets[] = {
    {"spam.csv", "type"},          {"letterrecognition.csv", "lettr"},
    {"diamonds.csv", "price"},     {"satellite.csv", "classes"},
    {"credit_data.csv", "Status"}, {"ames.csv", "Sale_Price"},
    {"shuttle.csv", "Class"},      {"concrete.csv", "compressive_strength"},
    {"sonar.csv", "Class"},        {"glass.csv", "Type"},
};

// Small settings: the point is the round trip, not the score.
const std::pair<const char*, nlohmann::json> kModels[] = {
    {"decision_tree", {{"max_depth", 8}}},
    {"random_forest", {{"n_estimators", 4}, {"max_depth", 10}}},
    {"extra_trees", {{"n_estimators", 4}, {"max_depth", 10}}},
    {"gradient_boosting", {{"n_estimators", 5}, {"num_leaves", 15}}},
};

class TreeDatasets : public ::testing::TestWithParam<DatasetCase> {};

TEST_P(TreeDatasets, SaveLoadRoundTripIsBitExact) {
  KOLOSAL_REQUIRE_DATASET(path, GetParam().file);
  const TreeData data = LoadNativeCsv(path, GetParam().target);
  for (const auto& [name, params] : kModels) {
    const auto model = FitTree(name, params, data, Control(2, 1));
    const std::vector<char> bytes = SaveModel(*model);
    const auto loaded = LoadModel(name, bytes);
    EXPECT_TRUE(BitEqual(PredictRows(*model, data.view()), PredictRows(*loaded, data.view())))
        << name << " on " << GetParam().file;
    EXPECT_EQ(SaveModel(*loaded), bytes) << name << " on " << GetParam().file;
  }
}

INSTANTIATE_TEST_SUITE_P(SharedData, TreeDatasets, ::testing::ValuesIn(kDatasets),
                         [](const ::testing::TestParamInfo<DatasetCase>& info) {
                           std::string name = info.param.file;
                           return name.substr(0, name.find('.'));
                         });

}  // namespace
}  // namespace kolosal::tree_testing
