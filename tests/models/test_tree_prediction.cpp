// Batch prediction of tree models: every row gets the same bits alone, inside any batch, with any
// number of threads, with or without SIMD, and as the plain node-by-node walk would give it.
#include <gtest/gtest.h>
#include <tbb/task_arena.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "kolosal/models/tree/complete_trees.hpp"
#include "kolosal/models/tree/gradient_boosting_model.hpp"
#include "tree_test_helpers.hpp"

namespace kolosal::tree_testing {
namespace {

// A numeric feature with missing values, an integer one (thresholds at x.5), a categorical one
// with `n_codes` codes (over 32: bitsets beyond one word) and one with 6 codes and missing values.
TreeData CategoricalData(int64_t n_rows, Task task, int n_codes, uint64_t seed) {
  TreeData data;
  data.cols = 4;
  data.task = task;
  data.n_classes = task == Task::kClassification ? 3 : 0;
  data.features = {{"a", false, 0}, {"b", false, 0}, {"c", true, n_codes}, {"d", true, 6}};
  Rng rng(seed);
  const float nan = std::numeric_limits<float>::quiet_NaN();
  for (int64_t row = 0; row < n_rows; ++row) {
    const auto a = static_cast<float>(UniformUnit(rng) * 4.0 - 2.0);
    const auto b = static_cast<float>(UniformIndex(rng, 10));
    const auto c = static_cast<float>(UniformIndex(rng, static_cast<uint64_t>(n_codes)));
    const auto d = static_cast<float>(UniformIndex(rng, 6));
    const double target = std::sin(3.0 * a) + 0.1 * b + std::fmod(c * 7.0, 5.0) * 0.4 +
                          (d == 2.0f ? 1.0 : 0.0) + 0.1 * UniformUnit(rng);
    data.x.insert(data.x.end(),
                  {UniformUnit(rng) < 0.1 ? nan : a, b, c, UniformUnit(rng) < 0.05 ? nan : d});
    const bool regression = task == Task::kRegression;
    data.y.push_back(regression ? static_cast<float>(target)
                                : static_cast<float>(std::min(2, static_cast<int>(target))));
  }
  return data;
}

// The data's rows plus rows with values no training row had: NaN, negative and fractional codes,
// unseen codes (below and from 32), codes beyond 255, infinities and values on thresholds.
std::vector<float> RowsWithOddValues(const TreeData& data) {
  std::vector<float> x = data.x;
  const float inf = std::numeric_limits<float>::infinity();
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const std::vector<float> odd = {nan,   -1.0f, -0.0f,  2.5f,   7.5f,  12.0f, 31.0f, 32.0f,
                                  33.0f, 45.0f, 255.0f, 256.0f, 1e30f, -inf,  inf};
  for (const float first : odd) {
    for (const float second : odd) x.insert(x.end(), {first, second, second, first});
  }
  return x;
}

data::MatrixView View(const std::vector<float>& x, int64_t cols) {
  return {x.data(), static_cast<int64_t>(x.size()) / cols, cols};
}

struct Case {
  std::string name;
  nlohmann::json params;
  Task task;
  int64_t n_rows;
  int n_codes = 40;
};

nlohmann::json BoostingParams() {
  return {{"n_estimators", 25},    {"growth", "depth_wise"},  {"max_depth", 6},
          {"min_samples_leaf", 1}, {"min_data_per_group", 3}, {"cat_smooth", 1.0}};
}

std::vector<Case> Cases() {
  return {{"gradient_boosting", BoostingParams(), Task::kRegression, 3000},
          {"gradient_boosting", BoostingParams(), Task::kRegression, 3000, 20},
          {"gradient_boosting", BoostingParams(), Task::kClassification, 3000},
          {"decision_tree", {{"max_depth", 5}}, Task::kClassification, 3000},
          {"random_forest", {{"n_estimators", 8}}, Task::kClassification, 3000},
          {"extra_trees", {{"n_estimators", 8}}, Task::kRegression, 3000},
          // Trees far beyond a cache chunk: the tree-major walk.
          {"random_forest", {{"n_estimators", 3}, {"bootstrap", false}}, Task::kRegression, 30000}};
}

std::vector<float> PredictIn(const models::Model& model, data::MatrixView x, int n_threads) {
  tbb::task_arena arena(n_threads);
  std::vector<float> out;
  arena.execute([&] { out = PredictRows(model, x); });
  return out;
}

std::vector<float> Slice(const std::vector<float>& values, int64_t begin, int64_t end, int width) {
  return {values.begin() + begin * width, values.begin() + end * width};
}

TEST(TreePrediction, EveryRowGetsTheSameBitsInAnyBatch) {
  for (const Case& test_case : Cases()) {
    const TreeData data = CategoricalData(test_case.n_rows, test_case.task, test_case.n_codes, 61);
    const auto model = FitTree(test_case.name, test_case.params, data);
    const std::vector<float> x = RowsWithOddValues(data);
    const data::MatrixView all = View(x, data.cols);
    const std::vector<float> batch = PredictIn(*model, all, 2);
    const int width = model->n_outputs();
    EXPECT_TRUE(BitEqual(batch, PredictIn(*model, all, 1))) << test_case.name;
    // Single rows and batches of three (both walk the nodes row by row), and batches that
    // start and end inside row blocks.
    for (int64_t row = 0; row + 3 <= all.rows; row += 97) {
      const std::vector<float> one = PredictRows(*model, {all.row(row), 1, all.cols});
      ASSERT_TRUE(BitEqual(one, Slice(batch, row, row + 1, width)))
          << test_case.name << " row " << row;
      const std::vector<float> three = PredictRows(*model, {all.row(row), 3, all.cols});
      ASSERT_TRUE(BitEqual(three, Slice(batch, row, row + 3, width)))
          << test_case.name << " rows from " << row;
    }
    for (const int64_t begin : {int64_t{5}, int64_t{63}, all.rows - 200}) {
      const int64_t end = std::min<int64_t>(begin + 141, all.rows);
      const std::vector<float> part = PredictRows(*model, {all.row(begin), end - begin, all.cols});
      EXPECT_TRUE(BitEqual(part, Slice(batch, begin, end, width)))
          << test_case.name << " rows from " << begin;
    }
    models::tree::CompleteTrees::SetSimd(false);
    const std::vector<float> portable = PredictIn(*model, all, 2);
    models::tree::CompleteTrees::SetSimd(true);
    EXPECT_TRUE(BitEqual(batch, portable)) << test_case.name;
  }
}

// A batch equals the base margin plus every tree's leaf added row by row through the plain node
// walk, with and without SIMD.
void ExpectNodeWalk(const models::Model& model, const TreeData& data) {
  const auto& boosting = dynamic_cast<const models::tree::GradientBoostingModel&>(model);
  const models::tree::TreeEnsemble& ensemble = boosting.ensemble();
  const std::vector<float> x = RowsWithOddValues(data);
  const data::MatrixView all = View(x, data.cols);
  std::vector<float> walked(static_cast<size_t>(all.rows), boosting.base_margins()[0]);
  for (int64_t row = 0; row < all.rows; ++row) {
    ensemble.AccumulateRow(all.row(row), &walked[row], 0, ensemble.n_trees());
  }
  for (const bool simd : {true, false}) {
    models::tree::CompleteTrees::SetSimd(simd);
    EXPECT_TRUE(BitEqual(PredictRows(model, all), walked)) << simd;
  }
  models::tree::CompleteTrees::SetSimd(true);
}

// The shallow-tree layout routes every row as the trees' own nodes do, with category bitsets in
// one word (20 codes) and beyond it (40 codes).
TEST(TreePrediction, BatchesMatchTheNodeWalk) {
  for (const int n_codes : {40, 20}) {
    const TreeData data = CategoricalData(3000, Task::kRegression, n_codes, 62);
    ExpectNodeWalk(*FitTree("gradient_boosting", BoostingParams(), data), data);
  }
}

}  // namespace
}  // namespace kolosal::tree_testing
