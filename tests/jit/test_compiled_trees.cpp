// Compiled tree ensembles against the interpreter: bit-identical outputs for every model kind,
// on training rows and on rows made to hit every edge of a split (values equal to thresholds and
// one float either side, NaN, infinities, -0.0, negative, fractional and unseen category codes),
// whatever the number of threads.
#include <gtest/gtest.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "common/test_data.hpp"
#include "kolosal/jit/compiled_trees.hpp"
#include "models/tree_test_helpers.hpp"

namespace kolosal::jit {
namespace {

using models::tree::ForestModel;
using models::tree::GradientBoostingModel;
using models::tree::TreeEnsemble;
using models::tree::TreeNode;
using tree_testing::BitEqual;
using tree_testing::FitTree;
using tree_testing::TreeData;

const TreeEnsemble& EnsembleOf(const models::Model& model) {
  if (const auto* boosting = dynamic_cast<const GradientBoostingModel*>(&model)) {
    return boosting->ensemble();
  }
  return dynamic_cast<const ForestModel&>(model).ensemble();
}

/// The data's rows, then for every split node rows whose split feature is the threshold, the
/// next float either side, and the special values, with the other features from a data row.
std::vector<float> EdgeRows(const TreeData& data, const TreeEnsemble& ensemble) {
  std::vector<float> rows = data.x;
  const float specials[] = {std::numeric_limits<float>::quiet_NaN(),
                            std::numeric_limits<float>::infinity(),
                            -std::numeric_limits<float>::infinity(),
                            -0.0f,
                            -1.0f,
                            2.5f,
                            255.0f,
                            255.5f,
                            256.0f,
                            1e9f};
  const int64_t cols = data.cols;
  for (size_t node_idx = 0; node_idx < ensemble.nodes().size(); node_idx += 3) {
    const TreeNode& node = ensemble.nodes()[node_idx];
    if (node.is_leaf()) continue;
    const float at = node.threshold;
    for (const float value : {at, std::nextafter(at, -INFINITY), std::nextafter(at, INFINITY)}) {
      const float* base = data.x.data() + (node_idx % data.rows()) * cols;
      rows.insert(rows.end(), base, base + cols);
      rows[rows.size() - cols + node.feature] = value;
    }
  }
  for (const float special : specials) {
    for (int64_t feature = 0; feature < cols; ++feature) {
      rows.insert(rows.end(), data.x.begin(), data.x.begin() + cols);
      rows[rows.size() - cols + feature] = special;
    }
    rows.insert(rows.end(), static_cast<size_t>(cols), special);  // every feature at once
  }
  return rows;
}

void ExpectSameAsInterpreter(const TreeEnsemble& ensemble, const TreeData& data) {
  const std::unique_ptr<CompiledTrees> compiled = CompiledTrees::Compile(ensemble);
  ASSERT_NE(compiled, nullptr);
  EXPECT_GT(compiled->code_size(), 0u);
  const std::vector<float> rows = EdgeRows(data, ensemble);
  const data::MatrixView x{rows.data(), static_cast<int64_t>(rows.size()) / data.cols, data.cols};
  const int64_t width = ensemble.output_width();
  // Outputs start from non-zero values, as base margins do, and sit at an offset in a wider
  // stride, as the models call Accumulate.
  const int64_t stride = width + 2;
  std::vector<float> start(static_cast<size_t>(x.rows * stride));
  for (size_t idx = 0; idx < start.size(); ++idx) start[idx] = 0.25f * static_cast<float>(idx % 7);

  std::vector<float> interpreted = start;
  ensemble.Accumulate(x, interpreted.data(), stride, 1);
  std::vector<float> by_row = start;
  for (int64_t row = 0; row < x.rows; ++row) {
    compiled->AccumulateRow(x.row(row), by_row.data() + row * stride + 1);
  }
  EXPECT_TRUE(BitEqual(by_row, interpreted));
  for (const int threads : {1, 2}) {
    std::vector<float> batch = start;
    tbb::task_arena(threads).execute([&] { compiled->Accumulate(x, batch.data(), stride, 1); });
    EXPECT_TRUE(BitEqual(batch, interpreted)) << threads << " threads";
  }
}

struct ModelCase {
  std::string name;
  nlohmann::json params;
  bool regression;
  int n_classes;
};

class CompiledTreesTest : public ::testing::TestWithParam<ModelCase> {};

TEST_P(CompiledTreesTest, MatchesTheInterpreterBitForBit) {
  const ModelCase& test_case = GetParam();
  const TreeData data = test_case.regression
                            ? tree_testing::SmoothRegression(600, 3)
                            : tree_testing::MixedClassification(600, test_case.n_classes, 3);
  const std::unique_ptr<models::Model> model = FitTree(test_case.name, test_case.params, data);
  ExpectSameAsInterpreter(EnsembleOf(*model), data);
}

INSTANTIATE_TEST_SUITE_P(
    EveryTreeModel, CompiledTreesTest,
    ::testing::Values(
        ModelCase{"gradient_boosting", {{"n_estimators", 30}}, false, 2},
        ModelCase{"gradient_boosting", {{"n_estimators", 20}, {"num_leaves", 63}}, false, 4},
        ModelCase{"gradient_boosting",
                  {{"n_estimators", 30}, {"growth", "depth_wise"}, {"max_depth", 6}},
                  true,
                  0},
        ModelCase{"random_forest", {{"n_estimators", 10}}, false, 3},
        ModelCase{"extra_trees", {{"n_estimators", 10}}, true, 0},
        ModelCase{"decision_tree", nlohmann::json::object(), false, 2}),
    [](const ::testing::TestParamInfo<ModelCase>& info) {
      return info.param.name + "_" + std::to_string(info.index);
    });

// One asmjit runtime serves the process: compiling and releasing from several threads at once
// gives each caller its own working code.
TEST(CompiledTrees, CompilesFromManyThreadsAtOnce) {
  const TreeData data = tree_testing::MixedClassification(400, 3, 5);
  const auto model = FitTree("gradient_boosting", {{"n_estimators", 15}}, data);
  const TreeEnsemble& ensemble = EnsembleOf(*model);
  const int64_t width = ensemble.output_width();
  std::vector<float> expected(static_cast<size_t>(data.rows() * width), 0.0f);
  ensemble.Accumulate(data.view(), expected.data(), width, 0);
  std::vector<int> matches(16, 0);
  tbb::task_arena(4).execute([&] {
    tbb::parallel_for(0, 16, [&](int task) {
      const std::unique_ptr<CompiledTrees> compiled = CompiledTrees::Compile(ensemble);
      std::vector<float> outputs(expected.size(), 0.0f);
      for (int64_t row = 0; row < data.rows(); ++row) {
        compiled->AccumulateRow(data.view().row(row), outputs.data() + row * width);
      }
      matches[static_cast<size_t>(task)] = BitEqual(outputs, expected) ? 1 : 0;
    });
  });
  EXPECT_EQ(std::count(matches.begin(), matches.end(), 1), 16);
}

void ExpectSameOnDataset(const std::string& path, const char* target) {
  const TreeData data = tree_testing::LoadNativeCsv(path, target);
  const auto boosting = FitTree("gradient_boosting", {{"n_estimators", 20}}, data);
  ExpectSameAsInterpreter(EnsembleOf(*boosting), data);
  const auto forest = FitTree("random_forest", {{"n_estimators", 5}}, data);
  ExpectSameAsInterpreter(EnsembleOf(*forest), data);
}

// Missing values and categorical splits.
TEST(CompiledTrees, MatchesTheInterpreterOnCreditData) {
  KOLOSAL_REQUIRE_DATASET(path, "credit_data.csv");
  ExpectSameOnDataset(path, "Status");
}

// 26 classes; fully grown forest trees of thousands of nodes.
TEST(CompiledTrees, MatchesTheInterpreterOnLetterRecognition) {
  KOLOSAL_REQUIRE_DATASET(path, "letterrecognition.csv");
  ExpectSameOnDataset(path, "lettr");
}

}  // namespace
}  // namespace kolosal::jit
