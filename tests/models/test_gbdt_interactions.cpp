// Gradient boosting's interaction constraints: every root-to-leaf path stays inside one feature
// set, so predictions are sums of one function per set; features in no set stay alone; names and
// positions give the same model, one set of every feature changes nothing, one and two threads
// give the same bytes, and every kind of bad constraint is refused.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <string>
#include <vector>

#include "common/expect_error.hpp"
#include "tree_test_helpers.hpp"

namespace kolosal::tree_testing {
namespace {

using kolosal::testing::ExpectError;

constexpr int kCols = 5;

// y = sin(2a) b + c d + e / 2 + noise: a with b and c with d interact; e acts alone.
TreeData Coupled(int64_t n_rows, uint64_t seed, bool with_missing = false) {
  TreeData data;
  data.cols = kCols;
  data.features = {
      {"a", false, 0}, {"b", false, 0}, {"c", false, 0}, {"d", false, 0}, {"e", false, 0}};
  Rng rng(seed);
  for (int64_t row = 0; row < n_rows; ++row) {
    double v[kCols];
    for (double& value : v) value = UniformUnit(rng) * 4.0 - 2.0;
    for (int col = 0; col < kCols; ++col) {
      const bool hide = with_missing && (row + col) % 11 == 0;
      data.x.push_back(hide ? std::nanf("") : static_cast<float>(v[col]));
    }
    data.y.push_back(static_cast<float>(std::sin(2.0 * v[0]) * v[1] + v[2] * v[3] + v[4] / 2.0 +
                                        0.1 * UniformUnit(rng)));
  }
  return data;
}

// The features of every root-to-leaf path of every tree.
std::vector<std::set<int>> PathFeatures(const models::Model& model) {
  const SavedTrees trees = ReadSavedTrees(model);
  std::vector<std::set<int>> paths;
  struct Step {
    int32_t node;
    std::set<int> above;
  };
  for (const int32_t root : trees.roots) {
    std::vector<Step> stack = {{root, {}}};
    while (!stack.empty()) {
      Step step = std::move(stack.back());
      stack.pop_back();
      const int32_t feature = trees.feature[step.node];
      if (feature < 0) {
        paths.push_back(std::move(step.above));
        continue;
      }
      step.above.insert(feature);
      stack.push_back({trees.left[step.node], step.above});
      stack.push_back({trees.left[step.node] + 1, std::move(step.above)});
    }
  }
  return paths;
}

// How many paths hold features of more than one of `sets`.
int CountCrossingPaths(const models::Model& model, const std::vector<std::set<int>>& sets) {
  int crossing = 0;
  for (const std::set<int>& path : PathFeatures(model)) {
    const bool inside = std::any_of(sets.begin(), sets.end(), [&](const std::set<int>& set) {
      return std::includes(set.begin(), set.end(), path.begin(), path.end());
    });
    crossing += inside ? 0 : 1;
  }
  return crossing;
}

// The largest |f(p) - f(p with block A from q) - f(p with block B from q) + f(p with both from q)|
// over 50 random pairs: zero for a sum of a function of A and a function of the rest.
double LargestCrossDifference(const models::Model& model, const std::vector<int>& block_a,
                              const std::vector<int>& block_b) {
  Rng rng(123);
  double largest = 0.0;
  for (int pair = 0; pair < 50; ++pair) {
    float p[kCols];
    float q[kCols];
    for (int col = 0; col < kCols; ++col) {
      p[col] = static_cast<float>(UniformUnit(rng) * 4.0 - 2.0);
      q[col] = static_cast<float>(UniformUnit(rng) * 4.0 - 2.0);
    }
    std::vector<float> rows;
    for (int variant = 0; variant < 4; ++variant) {
      float row[kCols];
      std::copy(p, p + kCols, row);
      if ((variant & 1) != 0) {
        for (int col : block_a) row[col] = q[col];
      }
      if ((variant & 2) != 0) {
        for (int col : block_b) row[col] = q[col];
      }
      rows.insert(rows.end(), row, row + kCols);
    }
    const std::vector<float> out = PredictRows(model, {rows.data(), 4, kCols});
    largest = std::max(largest, std::abs(static_cast<double>(out[0]) - out[1] - out[2] + out[3]));
  }
  return largest;
}

const std::vector<std::set<int>> kSets = {{0, 1}, {2, 3}, {4}};

TEST(GbdtInteractions, EveryPathStaysInsideOneSet) {
  const TreeData data = Coupled(4000, 60);
  const nlohmann::json growths[] = {{{"num_leaves", 31}},
                                    {{"growth", "depth_wise"}, {"max_depth", 6}}};
  for (const nlohmann::json& growth : growths) {
    SCOPED_TRACE(growth.dump());
    nlohmann::json params = {{"n_estimators", 40}, {"min_samples_leaf", 5}};
    params.update(growth);
    // Unconstrained, the trees mix the pairs.
    EXPECT_GT(CountCrossingPaths(*FitTree("gradient_boosting", params, data), kSets), 50);
    params["interaction_constraints"] = {{0, 1}, {2, 3}};
    const auto constrained = FitTree("gradient_boosting", params, data);
    EXPECT_EQ(CountCrossingPaths(*constrained, kSets), 0);
    // Every feature is still used.
    std::set<int> used;
    for (const std::set<int>& path : PathFeatures(*constrained))
      used.insert(path.begin(), path.end());
    EXPECT_EQ(used.size(), 5u);
  }
}

TEST(GbdtInteractions, PredictionsAddOneFunctionPerSet) {
  const TreeData data = Coupled(4000, 61);
  const nlohmann::json params = {{"n_estimators", 60}, {"min_samples_leaf", 5}};
  const auto free = FitTree("gradient_boosting", params, data);
  EXPECT_GT(LargestCrossDifference(*free, {0, 1}, {2, 3}), 0.05);
  nlohmann::json constrained_params = params;
  constrained_params["interaction_constraints"] = {{0, 1}, {2, 3}};
  const auto constrained = FitTree("gradient_boosting", constrained_params, data);
  // Float sums of 60 trees in one order: exact up to rounding.
  EXPECT_LT(LargestCrossDifference(*constrained, {0, 1}, {2, 3}), 1e-5);
  EXPECT_LT(LargestCrossDifference(*constrained, {0, 1}, {4}), 1e-5);
  EXPECT_LT(LargestCrossDifference(*constrained, {2, 3}, {4}), 1e-5);
  // Within a set the model does interact.
  EXPECT_GT(LargestCrossDifference(*constrained, {0}, {1}), 0.05);
}

// Constraints hold with missing values, categorical features, monotone constraints, several
// outputs, row and column sampling (per tree and per node), and overlapping sets (a path may use a
// and c, or c and d, but never a and d).
TEST(GbdtInteractions, HoldAcrossOtherSettings) {
  TreeData data = Coupled(3000, 62, true);
  data.features[4] = {"e", true, 5};
  for (int64_t row = 0; row < data.rows(); ++row)
    data.x[row * kCols + 4] = static_cast<float>(row % 5);
  TreeData classes = data;
  classes.task = Task::kClassification;
  classes.n_classes = 3;
  for (float& value : classes.y) value = value < -0.5f ? 0.0f : (value < 0.5f ? 1.0f : 2.0f);
  const nlohmann::json settings[] = {
      {{"monotone_constraints", {0, 0, 1, 0, 0}}},
      {{"subsample", 0.7}, {"colsample_bytree", 0.8}, {"colsample_bynode", 0.5}},
      {{"growth", "depth_wise"}, {"max_depth", 5}, {"objective", "huber"}},
  };
  const nlohmann::json sets = nlohmann::json::parse(R"([["a", "b", "e"], ["c", "d"]])");
  const std::vector<std::set<int>> expected = {{0, 1, 4}, {2, 3}};
  for (const nlohmann::json& setting : settings) {
    SCOPED_TRACE(setting.dump());
    nlohmann::json params = {
        {"n_estimators", 20}, {"min_samples_leaf", 5}, {"interaction_constraints", sets}};
    params.update(setting);
    EXPECT_EQ(CountCrossingPaths(*FitTree("gradient_boosting", params, data), expected), 0);
  }
  EXPECT_EQ(CountCrossingPaths(*FitTree("gradient_boosting",
                                        {{"n_estimators", 10},
                                         {"min_samples_leaf", 5},
                                         {"interaction_constraints", sets}},
                                        classes),
                               expected),
            0);
  const nlohmann::json overlapping = {{0, 2}, {2, 3}};
  const std::vector<std::set<int>> overlap_sets = {{0, 2}, {2, 3}, {1}, {4}};
  const auto model = FitTree(
      "gradient_boosting",
      {{"n_estimators", 30}, {"min_samples_leaf", 5}, {"interaction_constraints", overlapping}},
      data);
  EXPECT_EQ(CountCrossingPaths(*model, overlap_sets), 0);
}

TEST(GbdtInteractions, NamesPositionsAndNoOpSetsGiveTheSameModel) {
  const TreeData data = Coupled(2000, 63);
  const nlohmann::json base = {{"n_estimators", 10}};
  nlohmann::json by_position = base;
  by_position["interaction_constraints"] = {{1, 0}, {3, 2, 2}};
  nlohmann::json by_name = base;
  by_name["interaction_constraints"] = nlohmann::json::parse(R"([["a", "b"], ["c", 3]])");
  const std::vector<char> constrained = SaveModel(*FitTree("gradient_boosting", by_position, data));
  EXPECT_EQ(constrained, SaveModel(*FitTree("gradient_boosting", by_name, data)));
  const std::vector<char> free = SaveModel(*FitTree("gradient_boosting", base, data));
  EXPECT_NE(constrained, free);
  // No sets, or one set of every feature, is no constraint at all.
  for (const nlohmann::json& no_op : {nlohmann::json::array(), nlohmann::json{{0, 1, 2, 3, 4}},
                                      nlohmann::json{nlohmann::json::array()}}) {
    SCOPED_TRACE(no_op.dump());
    nlohmann::json params = base;
    params["interaction_constraints"] = no_op;
    EXPECT_EQ(SaveModel(*FitTree("gradient_boosting", params, data)), free);
  }
}

TEST(GbdtInteractions, SameModelWithOneOrTwoThreads) {
  const TreeData data = Coupled(250000, 64);  // above the parallel threshold
  const nlohmann::json params = {{"n_estimators", 3},
                                 {"interaction_constraints", {{0, 1}, {2, 3}}}};
  EXPECT_EQ(SaveModel(*FitTree("gradient_boosting", params, data, Control(1, 5))),
            SaveModel(*FitTree("gradient_boosting", params, data, Control(2, 5))));
}

TEST(GbdtInteractions, RejectsBadConstraints) {
  const TreeData data = Coupled(200, 65);
  auto fit = [&](const nlohmann::json& constraints) {
    return FitTree("gradient_boosting",
                   {{"n_estimators", 2}, {"interaction_constraints", constraints}}, data);
  };
  ExpectError([&] { fit("[[0, 1]]"); }, StatusCode::kInvalidArgument, "interaction_constraints",
              "array of feature sets");
  ExpectError(
      [&] {
        fit({0, 1});
      },
      StatusCode::kInvalidArgument, "interaction_constraints[0]",
      "array of feature positions or names");
  ExpectError(
      [&] {
        fit({{0, 5}});
      },
      StatusCode::kInvalidArgument, "[0][1]", "feature 5 is out of range for 5 features");
  ExpectError([&] { fit({{0}, {-1}}); }, StatusCode::kInvalidArgument, "[1][0]", "feature -1");
  ExpectError(
      [&] {
        fit({{0, 1.5}});
      },
      StatusCode::kInvalidArgument, "[0][1]", "position or name", "1.5");
  ExpectError([&] { fit(nlohmann::json::parse(R"([["a", "bb"]])")); }, StatusCode::kInvalidArgument,
              "'bb'", "'b'");
  TreeData unnamed = data;
  unnamed.features.clear();
  ExpectError(
      [&] {
        FitTree("gradient_boosting",
                {{"interaction_constraints", nlohmann::json::parse(R"([["a", "b"]])")}}, unnamed);
      },
      StatusCode::kInvalidArgument, "no feature names");
  // Forests have no such setting.
  ExpectError(
      [&] {
        CreateTree("random_forest", {{"interaction_constraints", {{0, 1}}}}, Task::kRegression);
      },
      StatusCode::kInvalidArgument, "interaction_constraints");
}

}  // namespace
}  // namespace kolosal::tree_testing
