// Known answers and edge cases of the decision tree (and so of the shared tree machinery).
#include <gtest/gtest.h>

#include <cmath>

#include "kolosal/models/tree/forest_model.hpp"
#include "tree_test_helpers.hpp"

namespace kolosal::tree_testing {
namespace {

TreeData Classes(std::vector<float> x, int64_t cols, std::vector<float> y, int n_classes) {
  TreeData data;
  data.x = std::move(x);
  data.cols = cols;
  data.y = std::move(y);
  data.task = Task::kClassification;
  data.n_classes = n_classes;
  return data;
}

const models::tree::ForestModel& AsForest(const models::Model& model) {
  return dynamic_cast<const models::tree::ForestModel&>(model);
}

TEST(TreeDecisionTree, StumpSeparatesTwoClasses) {
  const TreeData data = Classes({1, 2, 3, 4, 10, 11, 12, 13}, 1, {0, 0, 0, 0, 1, 1, 1, 1}, 2);
  const auto model = FitTree("decision_tree", {{"max_depth", 1}}, data);
  EXPECT_EQ(AsForest(*model).ensemble().n_nodes(), 3);
  const std::vector<float> probe = {0.0f, 4.0f, 6.9f, 10.0f, 100.0f};
  const std::vector<float> out = PredictRows(*model, {probe.data(), 5, 1});
  const std::vector<float> expected = {1, 0, 1, 0, 1, 0, 0, 1, 0, 1};
  EXPECT_EQ(out, expected);
}

TEST(TreeDecisionTree, LearnsXorAtDepthTwo) {
  TreeData data = Classes({}, 2, {}, 2);
  for (int copy = 0; copy < 5; ++copy) {
    data.x.insert(data.x.end(), {0, 0, 0, 1, 1, 0, 1, 1});
    data.y.insert(data.y.end(), {0, 1, 1, 0});
  }
  // Gini sees no gain at the root for XOR, so the tree must still split (ties allowed).
  const auto model = FitTree("decision_tree", {{"max_depth", 2}, {"criterion", "entropy"}}, data);
  const std::vector<float> out = PredictRows(*model, data.view());
  for (int64_t row = 0; row < data.rows(); ++row) {
    EXPECT_EQ(ArgMax(out, 2, row), static_cast<int>(data.y[row])) << "row " << row;
  }
}

TEST(TreeDecisionTree, RegressionReproducesPiecewiseConstant) {
  TreeData data;
  data.cols = 1;
  for (int idx = 0; idx < 300; ++idx) {
    const float x = static_cast<float>(idx) / 10.0f;
    data.x.push_back(x);
    data.y.push_back(x < 10.0f ? 1.5f : (x < 20.0f ? -2.0f : 7.25f));
  }
  const auto model = FitTree("decision_tree", {}, data);
  const std::vector<float> out = PredictRows(*model, data.view());
  for (int64_t row = 0; row < data.rows(); ++row) EXPECT_FLOAT_EQ(out[row], data.y[row]);
  EXPECT_EQ(AsForest(*model).ensemble().n_nodes(), 5);  // two splits, three leaves
}

// The rows with f0 = 0 hold f1 = 0 and f1 = 10 only; the training data has every f1 in between
// (at f0 = 1), so the split of that node has nine bins to put its threshold in. As CART does, it
// goes midway: f1 <= 5 predicts like f1 = 0, f1 >= 6 like f1 = 10.
TEST(TreeDecisionTree, CentersThresholdsBetweenTheNodesValues) {
  for (int copies : {1, 3}) {
    TreeData data;
    data.cols = 2;
    data.features = {{"f0", false, 0}, {"f1", false, 0}};
    for (int copy = 0; copy < copies; ++copy) {
      data.x.insert(data.x.end(), {0, 0, 0, 10});
      data.y.insert(data.y.end(), {0, 10});
    }
    for (int value = 1; value <= 9; ++value) {
      data.x.insert(data.x.end(), {1, static_cast<float>(value)});
      data.y.push_back(100);
    }
    const auto model = FitTree("decision_tree", {}, data);
    const std::vector<float> probe = {0, 0, 0, 5, 0, 6, 0, 10};
    const std::vector<float> expected = {0, 0, 10, 10};
    EXPECT_EQ(PredictRows(*model, {probe.data(), 4, 2}), expected) << copies << " copies";
  }
}

TEST(TreeDecisionTree, LearnsMissingValueDirection) {
  // Missing values behave like large values: the learned default direction must send them right.
  TreeData data = Classes({}, 1, {}, 2);
  for (int idx = 0; idx < 40; ++idx) {
    const bool missing = idx % 4 == 0;
    const float value = static_cast<float>(idx % 20);
    data.x.push_back(missing ? std::nanf("") : value);
    data.y.push_back(missing || value >= 10.0f ? 1.0f : 0.0f);
  }
  const auto model = FitTree("decision_tree", {{"max_depth", 1}}, data);
  const std::vector<float> probe = {std::nanf(""), 1.0f, 15.0f};
  const std::vector<float> out = PredictRows(*model, {probe.data(), 3, 1});
  EXPECT_EQ(ArgMax(out, 2, 0), 1);
  EXPECT_EQ(ArgMax(out, 2, 1), 0);
  EXPECT_EQ(ArgMax(out, 2, 2), 1);
}

TEST(TreeDecisionTree, SplitsCategoriesAsAPartition) {
  // Class 1 for categories {1, 3}: no single threshold on the codes separates them.
  TreeData data = Classes({}, 1, {}, 2);
  data.features = {{"c", true, 4}};
  for (int idx = 0; idx < 40; ++idx) {
    const int code = idx % 4;
    data.x.push_back(static_cast<float>(code));
    data.y.push_back(code == 1 || code == 3 ? 1.0f : 0.0f);
  }
  const auto model = FitTree("decision_tree", {{"max_depth", 1}}, data);
  const std::vector<float> probe = {0, 1, 2, 3, std::nanf(""), 7};
  const std::vector<float> out = PredictRows(*model, {probe.data(), 6, 1});
  EXPECT_EQ(ArgMax(out, 2, 0), 0);
  EXPECT_EQ(ArgMax(out, 2, 1), 1);
  EXPECT_EQ(ArgMax(out, 2, 2), 0);
  EXPECT_EQ(ArgMax(out, 2, 3), 1);
  // Unseen (NaN) and out-of-range codes follow the default direction: a valid distribution.
  for (int64_t row = 4; row < 6; ++row) {
    EXPECT_FLOAT_EQ(out[row * 2] + out[row * 2 + 1], 1.0f);
  }
}

TEST(TreeDecisionTree, SingleClassGivesCertainty) {
  const TreeData data = Classes({1, 2, 3, 4, 5, 6}, 1, {1, 1, 1, 1, 1, 1}, 3);
  for (const char* name : {"decision_tree", "random_forest", "gradient_boosting"}) {
    const auto model = FitTree(name, {}, data);
    const std::vector<float> out = PredictRows(*model, data.view());
    for (int64_t row = 0; row < data.rows(); ++row) EXPECT_EQ(ArgMax(out, 3, row), 1) << name;
  }
}

TEST(TreeDecisionTree, ConstantFeaturesGiveOneLeaf) {
  const TreeData data = Classes({5, 1, 5, 1, 5, 1, 5, 1}, 2, {0, 1, 0, 1}, 2);
  const auto model = FitTree("decision_tree", {}, data);
  EXPECT_EQ(AsForest(*model).ensemble().n_nodes(), 1);
  const std::vector<float> out = PredictRows(*model, data.view());
  EXPECT_FLOAT_EQ(out[0], 0.5f);
}

TEST(TreeDecisionTree, GrowsOneRowLeaves) {
  TreeData data;
  data.cols = 1;
  for (int idx = 0; idx < 16; ++idx) {
    data.x.push_back(static_cast<float>(idx));
    data.y.push_back(static_cast<float>((idx * 7) % 5));
  }
  const auto model = FitTree("decision_tree", {{"min_samples_leaf", 1}}, data);
  const std::vector<float> out = PredictRows(*model, data.view());
  EXPECT_EQ(out, data.y);
  const auto coarse = FitTree("decision_tree", {{"min_samples_leaf", 4}}, data);
  EXPECT_LE(AsForest(*coarse).ensemble().n_nodes(), 7);
}

TEST(TreeDecisionTree, ReportsFeatureImportance) {
  const TreeData data = MixedClassification(500, 2, 3);
  const auto model = FitTree("decision_tree", {{"max_depth", 4}}, data);
  const std::vector<double> gain = model->FeatureImportance(models::ImportanceType::kGain);
  const std::vector<double> splits = model->FeatureImportance(models::ImportanceType::kSplit);
  ASSERT_EQ(gain.size(), 3u);
  EXPECT_GT(gain[0], gain[2]);
  EXPECT_GT(splits[0] + splits[1] + splits[2], 0.0);
}

TEST(TreeDecisionTree, RejectsBadParams) {
  auto create = [](const nlohmann::json& params, Task task) {
    return CreateTree("decision_tree", params, task);
  };
  ExpectStatus(StatusCode::kInvalidArgument, [&] {
    create({{"max_dept", 3}}, Task::kClassification);
  });
  ExpectStatus(StatusCode::kInvalidArgument, [&] {
    create({{"criterion", "gini"}}, Task::kRegression);
  });
  ExpectStatus(StatusCode::kInvalidArgument, [&] {
    create({{"min_samples_leaf", 0}}, Task::kClassification);
  });
  ExpectStatus(StatusCode::kInvalidArgument, [&] {
    create({{"max_features", "cube"}}, Task::kClassification);
  });
  ExpectStatus(StatusCode::kInvalidArgument, [&] {
    create({{"n_estimators", 10}}, Task::kClassification);
  });
  try {
    create({{"max_dept", 3}}, Task::kClassification);
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("max_depth"), std::string::npos) << error.what();
  }
}

TEST(TreeDecisionTree, RejectsBadData) {
  TreeData data = Classes({1, 2, 3}, 1, {0, 1, 2}, 2);
  ExpectStatus(StatusCode::kInvalidArgument, [&] { FitTree("decision_tree", {}, data); });
  data.y = {0, 1};
  ExpectStatus(StatusCode::kInvalidArgument, [&] { FitTree("decision_tree", {}, data); });
}

}  // namespace
}  // namespace kolosal::tree_testing
