// Known answers and edge cases of the decision tree (and so of the shared tree machinery).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "kolosal/models/tree/bin_mapper.hpp"
#include "kolosal/models/tree/binned_matrix.hpp"
#include "kolosal/models/tree/forest_model.hpp"
#include "kolosal/models/tree/gradient_boosting_model.hpp"
#include "kolosal/models/tree/histogram_builder.hpp"
#include "kolosal/models/tree/split_criterion.hpp"
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
  // Neither criterion sees a gain at the root for XOR, so the tree must still split (ties
  // allowed); gini is the default.
  for (const char* criterion : {"gini", "entropy"}) {
    const auto model = FitTree("decision_tree", {{"max_depth", 2}, {"criterion", criterion}}, data);
    const std::vector<float> out = PredictRows(*model, data.view());
    for (int64_t row = 0; row < data.rows(); ++row) {
      EXPECT_EQ(ArgMax(out, 2, row), static_cast<int>(data.y[row])) << criterion << " row " << row;
    }
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

constexpr const char* kTreeModels[] = {"decision_tree", "random_forest", "extra_trees",
                                       "gradient_boosting"};

// `params` plus n_estimators for the ensembles (decision_tree has no such key).
nlohmann::json WithTrees(const char* name, nlohmann::json params) {
  if (std::string(name) != "decision_tree") params["n_estimators"] = 10;
  return params;
}

// One class present out of three (as in a fold of a rare class), and out of two (the binary,
// logistic path of boosting): every model predicts that class.
TEST(TreeDecisionTree, SingleClassGivesCertainty) {
  for (const int n_classes : {3, 2}) {
    const TreeData data = Classes({1, 2, 3, 4, 5, 6}, 1, {1, 1, 1, 1, 1, 1}, n_classes);
    for (const char* name : kTreeModels) {
      const auto model = FitTree(name, WithTrees(name, nlohmann::json::object()), data);
      const std::vector<float> out = PredictRows(*model, data.view());
      for (int64_t row = 0; row < data.rows(); ++row) {
        EXPECT_EQ(ArgMax(out, n_classes, row), 1) << name << ", " << n_classes << " classes";
        EXPECT_GT(out[row * n_classes + 1], 0.99f) << name << ", " << n_classes << " classes";
      }
    }
  }
}

// Features constant on every row: no model splits, every tree is one leaf, and the prediction
// is the class balance.
TEST(TreeDecisionTree, ConstantFeaturesGiveOneLeaf) {
  const TreeData data = Classes({5, 1, 5, 1, 5, 1, 5, 1}, 2, {0, 1, 0, 1}, 2);
  for (const char* name : kTreeModels) {
    nlohmann::json params = WithTrees(name, nlohmann::json::object());
    // Bootstrap samples would give each tree its own class balance.
    if (std::string(name) == "random_forest") params["bootstrap"] = false;
    const auto model = FitTree(name, params, data);
    const auto& ensemble =
        name == std::string("gradient_boosting")
            ? dynamic_cast<const models::tree::GradientBoostingModel&>(*model).ensemble()
            : AsForest(*model).ensemble();
    EXPECT_EQ(ensemble.n_nodes(), ensemble.n_trees()) << name;
    const std::vector<float> out = PredictRows(*model, data.view());
    EXPECT_NEAR(out[0], 0.5f, 1e-6f) << name;
  }
}

// With one row allowed per leaf every model reproduces distinct training targets: the trees
// (without bootstrap for the forests) grow to one-row leaves, and one boosting round of step 1
// without regularisation puts each row's residual in its own leaf.
TEST(TreeDecisionTree, GrowsOneRowLeaves) {
  TreeData data;
  data.cols = 1;
  for (int idx = 0; idx < 16; ++idx) {
    data.x.push_back(static_cast<float>(idx));
    data.y.push_back(static_cast<float>((idx * 7) % 5));
  }
  const auto model = FitTree("decision_tree", {{"min_samples_leaf", 1}}, data);
  EXPECT_EQ(PredictRows(*model, data.view()), data.y);
  const auto coarse = FitTree("decision_tree", {{"min_samples_leaf", 4}}, data);
  EXPECT_LE(AsForest(*coarse).ensemble().n_nodes(), 7);
  for (const char* forest : {"random_forest", "extra_trees"}) {
    const auto fitted = FitTree(forest, {{"n_estimators", 5}, {"bootstrap", false}}, data);
    EXPECT_EQ(PredictRows(*fitted, data.view()), data.y) << forest;
  }
  const auto boosted = FitTree("gradient_boosting",
                               {{"n_estimators", 1},
                                {"learning_rate", 1.0},
                                {"reg_lambda", 0.0},
                                {"min_child_weight", 0.0},
                                {"min_samples_leaf", 1},
                                {"num_leaves", 16}},
                               data);
  const std::vector<float> out = PredictRows(*boosted, data.view());
  for (int64_t row = 0; row < data.rows(); ++row) EXPECT_NEAR(out[row], data.y[row], 1e-5f);
}

// A categorical feature with more categories than a histogram holds is split as ordered codes;
// every tree model says so in a warning naming the feature, and still fits.
TEST(TreeDecisionTree, WarnsAboutCategoricalsBeyondTheBins) {
  TreeData data = Classes({}, 2, {}, 2);
  data.features = {{"zip", true, 300}, {"narrow", true, 4}};
  for (int row = 0; row < 600; ++row) {
    data.x.insert(data.x.end(), {static_cast<float>(row % 300), static_cast<float>(row % 4)});
    data.y.push_back(row % 300 < 150 ? 1.0f : 0.0f);
  }
  for (const char* name : kTreeModels) {
    std::vector<std::string> warnings;
    FitControl control = Control();
    control.log = [&warnings](LogLevel level, std::string_view message) {
      if (level == LogLevel::kWarning) warnings.emplace_back(message);
    };
    const auto model = FitTree(name, WithTrees(name, nlohmann::json::object()), data, control);
    ASSERT_EQ(warnings.size(), 1u) << name;
    EXPECT_EQ(warnings[0], std::string(name) +
                               ": feature 'zip' has 300 categories, more than 255; its codes are "
                               "split as ordered numbers, not as a partition");
    EXPECT_EQ(ArgMax(PredictRows(*model, data.view()), 2, 0), 1) << name;
  }
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

// y = x on eight rows: a full tree isolates every row. min_samples_split 8 lets only the root
// (8 rows) split; its halves (4 rows) are leaves. At 9 the root itself is a leaf.
TEST(TreeDecisionTree, MinSamplesSplitMakesSmallerNodesLeaves) {
  TreeData data;
  data.cols = 1;
  for (int row = 0; row < 8; ++row) {
    data.x.push_back(static_cast<float>(row));
    data.y.push_back(static_cast<float>(row));
  }
  const auto full = FitTree("decision_tree", {}, data);
  EXPECT_EQ(AsForest(*full).ensemble().n_nodes(), 15);
  EXPECT_EQ(PredictRows(*full, data.view()), data.y);
  const auto root_only = FitTree("decision_tree", {{"min_samples_split", 8}}, data);
  EXPECT_EQ(AsForest(*root_only).ensemble().n_nodes(), 3);
  const std::vector<float> halves = {1.5f, 1.5f, 1.5f, 1.5f, 5.5f, 5.5f, 5.5f, 5.5f};
  EXPECT_EQ(PredictRows(*root_only, data.view()), halves);
  const auto leaf = FitTree("decision_tree", {{"min_samples_split", 9}}, data);
  EXPECT_EQ(AsForest(*leaf).ensemble().n_nodes(), 1);
  EXPECT_EQ(PredictRows(*leaf, data.view()), std::vector<float>(8, 3.5f));
}

// min_impurity_decrease is scikit-learn's: a split must lower the impurity, weighted by the
// node's share of all rows, by at least the value. x = 0..3 with y = 0, 0, 1, 3: the root's
// best split (at 2.5) lowers the variance by 1.5 - 3/4 x 2/9 = 4/3, and its left child's (at
// 1.5) by 3/4 x 2/9 = 1/6. Gini and entropy on two pure halves lower it by 1/2 and 1 bit.
// scikit-learn 1.2 grows the same node counts at each of these values.
TEST(TreeDecisionTree, MinImpurityDecreaseIsScikitLearns) {
  TreeData values;
  values.cols = 1;
  values.x = {0, 1, 2, 3};
  values.y = {0, 0, 1, 3};
  auto n_nodes = [](const nlohmann::json& params, const TreeData& data) {
    return AsForest(*FitTree("decision_tree", params, data)).ensemble().n_nodes();
  };
  EXPECT_EQ(n_nodes({{"min_impurity_decrease", 0.16}}, values), 5);
  EXPECT_EQ(n_nodes({{"min_impurity_decrease", 0.17}}, values), 3);
  EXPECT_EQ(n_nodes({{"min_impurity_decrease", 1.33}}, values), 3);
  EXPECT_EQ(n_nodes({{"min_impurity_decrease", 1.34}}, values), 1);
  const TreeData halves = Classes({0, 1, 2, 3}, 1, {0, 0, 1, 1}, 2);
  EXPECT_EQ(n_nodes({{"criterion", "gini"}, {"min_impurity_decrease", 0.49}}, halves), 3);
  EXPECT_EQ(n_nodes({{"criterion", "gini"}, {"min_impurity_decrease", 0.51}}, halves), 1);
  EXPECT_EQ(n_nodes({{"criterion", "entropy"}, {"min_impurity_decrease", 0.99}}, halves), 3);
  EXPECT_EQ(n_nodes({{"criterion", "entropy"}, {"min_impurity_decrease", 1.01}}, halves), 1);
  // Sample weights count as rows: with the last row weighing 3 (total weight 6) the weighted
  // variance is 17/9, and the split at 2.5 leaves 2/9 on a side of weight 3 and 0 on the other,
  // so it lowers the impurity by 17/9 - 3/6 x 2/9 = 16/9. (scikit-learn 1.2 on these rows
  // splits with 1.77 and not with 1.78, as here.)
  TreeData weighted = values;
  weighted.weights = {1, 1, 1, 3};
  EXPECT_EQ(n_nodes({{"max_depth", 1}, {"min_impurity_decrease", 1.77}}, weighted), 3);
  EXPECT_EQ(n_nodes({{"max_depth", 1}, {"min_impurity_decrease", 1.78}}, weighted), 1);
}

// 100 rows with distinct targets, so every node of two or more rows has a split with a gain:
// with min_samples_split 10 exactly the nodes of at least 10 training rows are split.
TEST(TreeDecisionTree, MinSamplesSplitSplitsExactlyTheLargeNodes) {
  TreeData data;
  data.cols = 1;
  for (int row = 0; row < 100; ++row) {
    data.x.push_back(static_cast<float>(row));
    data.y.push_back(static_cast<float>((row * 37) % 100));
  }
  const auto model = FitTree("decision_tree", {{"min_samples_split", 10}}, data);
  const SavedTrees trees = ReadSavedTrees(*model);
  std::vector<int> rows_in(trees.feature.size(), 0);
  for (int64_t row = 0; row < data.rows(); ++row) {
    for (const int32_t node : trees.Path(0, data.view().row(row))) ++rows_in[node];
  }
  for (size_t node = 0; node < rows_in.size(); ++node) {
    if (trees.is_leaf(node)) {
      EXPECT_GE(rows_in[node], 1) << "node " << node;
      EXPECT_LT(rows_in[node], 10) << "node " << node;
    } else {
      EXPECT_GE(rows_in[node], 10) << "node " << node;
    }
  }
  EXPECT_GT(trees.n_splits(), 8);
}

// y = sum of 2^j * x_j over uniform features: the higher a feature, the better its splits.
TreeData WeightedSum(int64_t n_rows, int n_features, uint64_t seed) {
  TreeData data;
  data.cols = n_features;
  Rng rng(seed);
  for (int64_t row = 0; row < n_rows; ++row) {
    double target = 0.0;
    for (int feature = 0; feature < n_features; ++feature) {
      const auto value = static_cast<float>(UniformUnit(rng));
      data.x.push_back(value);
      target += std::ldexp(value, feature);
    }
    data.y.push_back(static_cast<float>(target));
  }
  return data;
}

// With every feature the root splits feature 7 whatever the seed. max_features draws at every
// node: with one feature per node (0.125 of 8) roots vary with the seed and one tree's nodes use
// several features (a draw per tree would give one); sqrt (2 of 8) and log2 (3 of 8) miss
// feature 7 at the root for some seeds.
TEST(TreeDecisionTree, MaxFeaturesDrawsFeaturesAtEveryNode) {
  const TreeData data = WeightedSum(400, 8, 5);
  std::map<std::string, std::set<int32_t>> roots;
  for (uint64_t seed = 0; seed < 20; ++seed) {
    for (const auto& [name, max_features] : std::vector<std::pair<std::string, nlohmann::json>>{
             {"all", "all"}, {"one", 0.125}, {"sqrt", "sqrt"}, {"log2", "log2"}}) {
      const auto model =
          FitTree("decision_tree", {{"max_depth", 3}, {"max_features", max_features}}, data,
                  Control(1, seed));
      const SavedTrees trees = ReadSavedTrees(*model);
      roots[name].insert(trees.feature[0]);
      if (name != "one") continue;
      std::set<int32_t> used;
      for (const int32_t feature : trees.feature) {
        if (feature >= 0) used.insert(feature);
      }
      EXPECT_GE(used.size(), 2u) << "seed " << seed;
    }
  }
  EXPECT_EQ(roots["all"], std::set<int32_t>{7});
  EXPECT_GE(roots["one"].size(), 5u);
  for (const char* name : {"sqrt", "log2"}) {
    EXPECT_GE(roots[name].size(), 2u) << name;
    EXPECT_TRUE(roots[name].count(7) == 1) << name;
  }
}

// A numeric feature with 1000 distinct values gets at most max_bins value bins, so y = x can be
// reproduced by at most max_bins different leaves; with fewer distinct values than max_bins
// every value has its own bin.
TEST(TreeDecisionTree, BinsNumericFeaturesIntoAtMostMaxBins) {
  TreeData data;
  data.cols = 2;
  data.features = {{"x", false, 0}, {"few", false, 0}};
  for (int row = 0; row < 1000; ++row) {
    data.x.insert(data.x.end(), {static_cast<float>(row), static_cast<float>(row % 40)});
    data.y.push_back(static_cast<float>(row));
  }
  for (const int max_bins : {2, 16, 100, 255}) {
    const auto mapper = models::tree::BinMapper::Fit(data.view(), data.features, max_bins);
    EXPECT_EQ(mapper.n_bins(0), max_bins);
    EXPECT_EQ(mapper.n_bins(1), std::min(max_bins, 40));
  }
  TreeData one_feature;
  one_feature.cols = 1;
  for (int row = 0; row < 1000; ++row) one_feature.x.push_back(static_cast<float>(row));
  one_feature.y = one_feature.x;
  for (const int max_bins : {2, 16, 255}) {
    const auto model = FitTree("decision_tree", {{"max_bins", max_bins}}, one_feature);
    const std::vector<float> out = PredictRows(*model, one_feature.view());
    EXPECT_EQ(std::set<float>(out.begin(), out.end()).size(), static_cast<size_t>(max_bins));
    EXPECT_EQ(AsForest(*model).ensemble().n_nodes(), 2 * max_bins - 1);
  }
  // A value that holds a third of the rows gets a bin of its own.
  TreeData heavy = one_feature;
  for (int row = 0; row < 500; ++row) heavy.x.push_back(500.5f);
  const auto mapper = models::tree::BinMapper::Fit(heavy.view(), {}, 255);
  EXPECT_LE(mapper.n_bins(0), 255);
  const int heavy_bin = mapper.BinOf(0, 500.5f);
  EXPECT_NE(mapper.BinOf(0, 500.0f), heavy_bin);
  EXPECT_NE(mapper.BinOf(0, 501.0f), heavy_bin);
}

// HistogramBuilder: a child's histogram built from its rows equals the parent's minus its
// sibling's, for every criterion family (the stats are multiples of 1/4, so sums are exact).
TEST(TreeDecisionTree, HistogramOfLargerChildIsParentMinusSmaller) {
  const TreeData data = MixedClassification(300, 3, 40);
  const models::tree::BinnedMatrix bins(
      models::tree::BinMapper::Fit(data.view(), data.features, 255), data.view());
  std::vector<models::tree::RowStat> stats(static_cast<size_t>(data.rows()));
  std::vector<int32_t> all_rows;
  std::vector<int32_t> small_rows;
  std::vector<int32_t> large_rows;
  for (int32_t row = 0; row < data.rows(); ++row) {
    stats[row] = {static_cast<float>(row % 13) * 0.25f - 1.0f, static_cast<float>(row % 5) * 0.5f,
                  static_cast<float>(1 + row % 2), static_cast<int32_t>(data.y[row])};
    all_rows.push_back(row);
    (row % 3 == 0 ? small_rows : large_rows).push_back(row);
  }
  using models::tree::Criterion;
  for (const Criterion criterion :
       {Criterion::kGradient, Criterion::kSquaredError, Criterion::kGini}) {
    const models::tree::SplitScorer scorer(criterion, 3, 0.0, 0.0, 0.0, 1.0);
    if (criterion == Criterion::kGradient) {
      for (auto& stat : stats) stat.count = 1.0f;  // boosting counts every row once
    }
    auto build = [&](const std::vector<int32_t>& rows) {
      std::vector<models::tree::RowStat> ordered;
      for (const int32_t row : rows) ordered.push_back(stats[row]);
      std::vector<double> hist(static_cast<size_t>(bins.total_hist_bins() * scorer.n_channels()));
      for (int feature = 0; feature < bins.n_features(); ++feature) {
        models::tree::HistogramBuilder::BuildFeature(bins, feature, rows, ordered.data(), scorer,
                                                     hist.data());
      }
      return hist;
    };
    std::vector<double> parent = build(all_rows);
    const std::vector<double> small = build(small_rows);
    const std::vector<double> large = build(large_rows);
    for (int feature = 0; feature < bins.n_features(); ++feature) {
      models::tree::HistogramBuilder::SubtractFeature(bins, feature, scorer.n_channels(),
                                                      small.data(), parent.data());
    }
    EXPECT_EQ(parent, large) << static_cast<int>(criterion);
    EXPECT_NE(large, std::vector<double>(large.size(), 0.0));
  }
}

// Nodes of 1600 to 4000 rows use dense histograms, and every split builds the smaller child's
// and takes the larger one's as the parent's minus it. The tree is exact only if those
// subtracted histograms are right: the root splits x1 (children of 2400 and 1600 rows), then
// each side needs two levels of x0 splits.
TEST(TreeDecisionTree, SplitsLargeNodesFromSubtractedHistograms) {
  TreeData data;
  data.cols = 2;
  const std::vector<float> by_x0 = {0, 0, 1, 1, 5, 5, 6, 6};
  for (int row = 0; row < 4000; ++row) {
    const int x0 = row % 8;
    const int x1 = (row / 8) % 5;
    data.x.insert(data.x.end(), {static_cast<float>(x0), static_cast<float>(x1)});
    data.y.push_back(by_x0[x0] + (x1 >= 3 ? 100.0f : 0.0f));
  }
  const auto model = FitTree("decision_tree", {{"max_depth", 3}}, data);
  EXPECT_EQ(PredictRows(*model, data.view()), data.y);
  const SavedTrees trees = ReadSavedTrees(*model);
  EXPECT_EQ(trees.feature.size(), 15u);
  EXPECT_EQ(trees.feature[0], 1);
}

// Rows with x missing have the labels of the small values: the learned default direction must
// send NaN left with them (a fixed right-hand default would predict class 1 for them).
TEST(TreeDecisionTree, LearnsThatMissingValuesGoLeft) {
  TreeData data = Classes({}, 1, {}, 2);
  for (int idx = 0; idx < 40; ++idx) {
    const bool missing = idx % 4 == 0;
    const float value = static_cast<float>(idx % 20);
    data.x.push_back(missing ? std::nanf("") : value);
    data.y.push_back(!missing && value >= 10.0f ? 1.0f : 0.0f);
  }
  const auto model = FitTree("decision_tree", {{"max_depth", 1}}, data);
  EXPECT_TRUE(ReadSavedTrees(*model).default_left(0));
  const std::vector<float> probe = {std::nanf(""), 1.0f, 15.0f};
  const std::vector<float> expected = {1, 0, 1, 0, 0, 1};
  EXPECT_EQ(PredictRows(*model, {probe.data(), 3, 1}), expected);
  // The mirror case (missing like the large values) learns the other direction.
  for (int64_t row = 0; row < data.rows(); ++row) {
    if (std::isnan(data.x[row])) data.y[row] = 1.0f;
  }
  const auto mirrored = FitTree("decision_tree", {{"max_depth", 1}}, data);
  EXPECT_FALSE(ReadSavedTrees(*mirrored).default_left(0));
  EXPECT_EQ(PredictRows(*mirrored, {probe.data(), 3, 1}), (std::vector<float>{0, 1, 1, 0, 0, 1}));
}

// Category codes 0..3 of 6 occur in training (codes {1, 3} are class 1), plus four missing
// rows. Codes 4 and 5 (declared, never seen), codes from 6 up, negative codes and NaN all
// follow the learned default direction; seen codes go by the partition.
TEST(TreeDecisionTree, UnseenCategoriesFollowTheDefaultDirection) {
  bool default_left_seen[2] = {false, false};
  for (const float missing_label : {0.0f, 1.0f}) {
    TreeData data = Classes({}, 1, {}, 2);
    data.features = {{"c", true, 6}};
    for (int idx = 0; idx < 50; ++idx) {
      const int code = idx < 30 ? (idx % 2 == 0 ? 1 : 3) : (idx % 2 == 0 ? 0 : 2);
      data.x.push_back(static_cast<float>(code));
      data.y.push_back(code == 1 || code == 3 ? 1.0f : 0.0f);
    }
    for (int idx = 0; idx < 4; ++idx) {
      data.x.push_back(std::nanf(""));
      data.y.push_back(missing_label);
    }
    // The binner puts them in the missing bin too.
    const auto mapper = models::tree::BinMapper::Fit(data.view(), data.features, 255);
    EXPECT_EQ(mapper.BinOf(0, 3.0f), 3);
    for (const float code : {4.0f, 5.0f, 6.0f, -1.0f}) {
      EXPECT_EQ(mapper.BinOf(0, code), mapper.missing_bin(0)) << code;
    }
    const auto model = FitTree("decision_tree", {{"max_depth", 1}}, data);
    const SavedTrees trees = ReadSavedTrees(*model);
    ASSERT_TRUE(trees.categorical(0));
    default_left_seen[trees.default_left(0) ? 1 : 0] = true;
    const std::vector<float> probe = {0, 1, 2, 3, std::nanf(""), 4, 5, 6, 31.0f, 255, 256, -1};
    const std::vector<float> out = PredictRows(*model, {probe.data(), 12, 1});
    const int missing_class = static_cast<int>(missing_label);
    for (int64_t row = 0; row < 12; ++row) {
      const int expected = row < 4 ? (row % 2 == 1 ? 1 : 0) : missing_class;
      EXPECT_FLOAT_EQ(out[row * 2 + expected], 1.0f)
          << "code " << probe[row] << ", missing rows of class " << missing_class;
    }
  }
  // Both directions were learned, so both were checked.
  EXPECT_TRUE(default_left_seen[0]);
  EXPECT_TRUE(default_left_seen[1]);
}

// x0 has three levels (0, 100, 150) and x1 matters only where x0 < 20: the tree splits x0
// twice and x1 once, and its split gains (squared-error reductions) add up to the total sum of
// squares, since every leaf is pure.
TEST(TreeDecisionTree, ImportanceCountsSplitsAndSumsGains) {
  TreeData data;
  data.cols = 2;
  double mean = 0.0;
  for (int x0 = 0; x0 < 40; ++x0) {
    for (int x1 = 0; x1 < 40; ++x1) {
      data.x.insert(data.x.end(), {static_cast<float>(x0), static_cast<float>(x1)});
      const float y = x0 >= 30 ? 150.0f : (x0 >= 20 ? 100.0f : (x1 >= 20 ? 1.0f : 0.0f));
      data.y.push_back(y);
      mean += y;
    }
  }
  mean /= static_cast<double>(data.y.size());
  double total_squares = 0.0;
  for (const float y : data.y) total_squares += (y - mean) * (y - mean);
  const auto model = FitTree("decision_tree", {}, data);
  EXPECT_EQ(AsForest(*model).ensemble().n_nodes(), 7);
  EXPECT_EQ(PredictRows(*model, data.view()), data.y);
  EXPECT_EQ(model->FeatureImportance(models::ImportanceType::kSplit),
            (std::vector<double>{2.0, 1.0}));
  const std::vector<double> gain = model->FeatureImportance(models::ImportanceType::kGain);
  // x1's split turns 400 zeros and 400 ones into pure leaves: 800 * 0.25 = 200.
  EXPECT_NEAR(gain[1], 200.0, 1e-9);
  EXPECT_NEAR(gain[0] + gain[1], total_squares, 1e-9 * total_squares);
}

TEST(TreeDecisionTree, StumpGainIsTheSquaredErrorReduction) {
  TreeData data;
  data.cols = 1;
  data.x = {0, 1, 2, 3, 4, 5, 6, 7};
  data.y = {0, 0, 0, 0, 1, 1, 1, 1};  // sum of squares 8 * 0.25 = 2, all removed by one split
  const auto model = FitTree("decision_tree", {}, data);
  EXPECT_EQ(model->FeatureImportance(models::ImportanceType::kGain), std::vector<double>{2.0});
  EXPECT_EQ(model->FeatureImportance(models::ImportanceType::kSplit), std::vector<double>{1.0});
  // Gini: the parent's score sum_k w_k^2 / w is 4, each pure child's is 4; gain 4 + 4 - 4.
  TreeData classes = data;
  classes.task = Task::kClassification;
  classes.n_classes = 2;
  const auto classifier = FitTree("decision_tree", {}, classes);
  EXPECT_EQ(classifier->FeatureImportance(models::ImportanceType::kGain), std::vector<double>{4.0});
}

// 40000 rows by 4 features: the root's histograms, split search and row partition take the
// parallel paths (kParallelWork, kParallelRows in src/models/tree), which must give the same
// tree as one thread, for classification, regression and per-node feature draws.
TEST(TreeDecisionTree, SameTreeWithOneOrTwoThreadsOnLargeData) {
  const TreeData classes = MixedClassification(40000, 3, 41);
  const TreeData values = SmoothRegression(40000, 42);
  for (const TreeData* data : {&classes, &values}) {
    for (const nlohmann::json& params :
         {nlohmann::json::object(), nlohmann::json{{"max_features", 0.5}, {"max_depth", 12}}}) {
      const auto one = FitTree("decision_tree", params, *data, Control(1, 9));
      const auto two = FitTree("decision_tree", params, *data, Control(2, 9));
      EXPECT_TRUE(BitEqual(PredictRows(*one, data->view()), PredictRows(*two, data->view())))
          << params.dump();
      EXPECT_EQ(SaveModel(*one), SaveModel(*two)) << params.dump();
    }
  }
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
