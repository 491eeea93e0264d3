// SHAP contributions of tree models: TreeShap against the Shapley values computed from their
// definition, and the trained models' contributions against their own predictions.
#include <gtest/gtest.h>
#include <tbb/task_arena.h>

#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "kolosal/models/tree/tree_shap.hpp"
#include "tree_test_helpers.hpp"

namespace kolosal::tree_testing {
namespace {

using models::tree::ShapTree;
using models::tree::TreeNode;
using models::tree::TreeShap;

constexpr int kFeatures = 4;  // feature 3 is categorical (codes 0..5)

/// A random tree over kFeatures features with two outputs per leaf. Features repeat along a
/// path, some leaves have no cover and some splits are categorical.
struct RandomTree {
  std::vector<TreeNode> nodes;
  std::vector<double> covers;
  std::vector<float> leaf_values;
  std::vector<uint32_t> words;
  int32_t depth = 0;

  std::vector<double> expected;

  ShapTree view() {
    ShapTree tree{nodes.data(), covers.data(), leaf_values.data(), words.data(), 2, 0, depth};
    expected = TreeShap::ExpectedValues(tree);
    tree.expected_values = expected.data();
    return tree;
  }
};

void GrowRandom(RandomTree& tree, int32_t node_idx, int depth, Rng& rng) {
  tree.depth = std::max<int32_t>(tree.depth, depth);
  if (depth >= 5 || (depth > 0 && UniformUnit(rng) < 0.25)) {
    const auto leaf = static_cast<int32_t>(tree.leaf_values.size() / 2);
    tree.nodes[node_idx] = TreeNode{-1, 0.0f, leaf, 0u};
    tree.leaf_values.push_back(static_cast<float>(UniformUnit(rng) * 2.0 - 1.0));
    tree.leaf_values.push_back(static_cast<float>(UniformUnit(rng) * 2.0 - 1.0));
    tree.covers[node_idx] = UniformUnit(rng) < 0.1 ? 0.0 : 1.0 + 9.0 * UniformUnit(rng);
    return;
  }
  const auto left = static_cast<int32_t>(tree.nodes.size());
  TreeNode node{static_cast<int32_t>(UniformIndex(rng, kFeatures)),
                static_cast<float>(UniformUnit(rng)), left, 0u};
  if (UniformUnit(rng) < 0.5) node.flags |= TreeNode::kDefaultLeft;
  if (node.feature == kFeatures - 1) {
    node.flags |= TreeNode::kCategorical |
                  (static_cast<uint32_t>(tree.words.size()) << TreeNode::kCategoryShift);
    tree.words.push_back(static_cast<uint32_t>(UniformIndex(rng, 64)));  // codes 0..5
    tree.words.resize(tree.words.size() + models::tree::kCategoryWords - 1, 0u);
  }
  tree.nodes[node_idx] = node;
  tree.nodes.resize(tree.nodes.size() + 2);
  tree.covers.resize(tree.nodes.size(), 0.0);
  GrowRandom(tree, left, depth + 1, rng);
  GrowRandom(tree, left + 1, depth + 1, rng);
  tree.covers[node_idx] = tree.covers[left] + tree.covers[left + 1];
}

RandomTree MakeRandomTree(uint64_t seed) {
  RandomTree tree;
  tree.nodes.resize(1);
  tree.covers.resize(1);
  Rng rng(seed);
  GrowRandom(tree, 0, 0, rng);
  return tree;
}

/// E[f(x) | x_S]: features in `coalition` follow the row, the others split by cover.
double ConditionalValue(const RandomTree& tree, int32_t node_idx, const float* row,
                        unsigned coalition, int output) {
  const TreeNode& node = tree.nodes[node_idx];
  if (node.is_leaf()) return tree.leaf_values[node.left * 2 + output];
  if ((coalition >> node.feature) & 1u) {
    const bool left = node.GoesLeft(row[node.feature], tree.words.data());
    return ConditionalValue(tree, node.left + (left ? 0 : 1), row, coalition, output);
  }
  const double cover = tree.covers[node_idx];
  const double left_share = cover > 0.0 ? tree.covers[node.left] / cover : 0.5;
  const double right_share = cover > 0.0 ? tree.covers[node.left + 1] / cover : 0.5;
  return left_share * ConditionalValue(tree, node.left, row, coalition, output) +
         right_share * ConditionalValue(tree, node.left + 1, row, coalition, output);
}

TEST(TreeShap, MatchesTheShapleyValuesOfTheirDefinition) {
  TreeShap shap;
  Rng rng(11);
  for (uint64_t seed = 0; seed < 200; ++seed) {
    RandomTree tree = MakeRandomTree(seed);
    for (int sample = 0; sample < 5; ++sample) {
      float row[kFeatures];
      for (int col = 0; col + 1 < kFeatures; ++col) {
        row[col] = UniformUnit(rng) < 0.15 ? std::nanf("") : static_cast<float>(UniformUnit(rng));
      }
      row[kFeatures - 1] = static_cast<float>(UniformIndex(rng, 7)) - 0.0f;  // 6: unseen code
      std::vector<double> phi(2 * (kFeatures + 1), 0.0);
      shap.Add(tree.view(), row, phi.data(), kFeatures + 1);
      for (int output = 0; output < 2; ++output) {
        const std::vector<double> expected = ShapleyFromDefinition(
            kFeatures,
            [&](unsigned coalition) { return ConditionalValue(tree, 0, row, coalition, output); });
        for (int idx = 0; idx <= kFeatures; ++idx) {
          EXPECT_NEAR(phi[output * (kFeatures + 1) + idx], expected[idx], 1e-9)
              << "tree " << seed << " output " << output << " index " << idx;
        }
      }
    }
  }
}

TEST(TreeShap, ALeafAloneIsAllBias) {
  RandomTree tree;
  tree.nodes = {TreeNode{-1, 0.0f, 0, 0u}};
  tree.covers = {0.0};
  tree.leaf_values = {0.25f, -2.0f};
  std::vector<double> phi(2 * (kFeatures + 1), 0.0);
  const float row[kFeatures] = {0.1f, 0.2f, 0.3f, 1.0f};
  TreeShap().Add(tree.view(), row, phi.data(), kFeatures + 1);
  EXPECT_EQ(phi, (std::vector<double>{0, 0, 0, 0, 0.25, 0, 0, 0, 0, -2.0}));
}

std::vector<float> ContributionsOf(const models::Model& model, data::MatrixView x) {
  std::vector<float> out(static_cast<size_t>(x.rows * model.n_outputs() * (x.cols + 1)));
  EXPECT_TRUE(model.Contributions(x, out));
  return out;
}

/// Each row's contributions per output, summed: the margins or values they explain.
std::vector<double> SumPerOutput(const std::vector<float>& contributions, int64_t width) {
  std::vector<double> sums;
  for (size_t base = 0; base < contributions.size(); base += static_cast<size_t>(width)) {
    double sum = 0.0;
    for (int64_t idx = 0; idx < width; ++idx) sum += contributions[base + idx];
    sums.push_back(sum);
  }
  return sums;
}

struct ShapCase {
  const char* model;
  const char* params;
  Task task;
  int n_classes;
};

void PrintTo(const ShapCase& tested, std::ostream* out) {
  *out << tested.model << " " << tested.params << " " << tested.n_classes << " classes";
}

class TreeContributions : public ::testing::TestWithParam<ShapCase> {
 protected:
  TreeData Data() const {
    const ShapCase& tested = GetParam();
    return tested.task == Task::kRegression ? SmoothRegression(400, 5)
                                            : MixedClassification(400, tested.n_classes, 5);
  }
  std::unique_ptr<models::Model> Fit(const TreeData& data) const {
    return FitTree(GetParam().model, nlohmann::json::parse(GetParam().params), data);
  }
};

// Boosting explains margins (the log-odds of each class; class 0 of a binary model mirrors
// class 1), forests explain probabilities, regression models their values.
TEST_P(TreeContributions, SumToWhatTheModelPredicts) {
  const TreeData data = Data();
  const auto model = Fit(data);
  const std::vector<float> predicted = PredictRows(*model, data.view());
  const std::vector<double> sums =
      SumPerOutput(ContributionsOf(*model, data.view()), data.cols + 1);
  const int n_out = model->n_outputs();
  ASSERT_EQ(sums.size(), predicted.size());
  const bool margins =
      std::string(GetParam().model) == "gradient_boosting" && data.task == Task::kClassification;
  for (int64_t row = 0; row < data.rows(); ++row) {
    if (!margins) {
      for (int k = 0; k < n_out; ++k) {
        EXPECT_NEAR(sums[row * n_out + k], predicted[row * n_out + k], 2e-5) << "row " << row;
      }
      continue;
    }
    // The summed margins give the probabilities: sigmoid for binary, else softmax.
    double max_margin = -1e300;
    for (int k = 0; k < n_out; ++k) max_margin = std::max(max_margin, sums[row * n_out + k]);
    double total = 0.0;
    for (int k = 0; k < n_out; ++k) total += std::exp(sums[row * n_out + k] - max_margin);
    for (int k = 0; k < n_out; ++k) {
      double probability = std::exp(sums[row * n_out + k] - max_margin) / total;
      if (n_out == 2) probability = 1.0 / (1.0 + std::exp(-sums[row * n_out + k]));
      EXPECT_NEAR(probability, predicted[row * n_out + k], 2e-5) << "row " << row;
    }
    if (n_out == 2) {
      EXPECT_NEAR(sums[row * 2], -sums[row * 2 + 1], 1e-5);
    }
  }
}

TEST_P(TreeContributions, AreTheSameForAnyThreadCountAndAfterALoad) {
  const TreeData data = Data();
  const auto model = Fit(data);
  std::vector<float> one_thread;
  tbb::task_arena(1).execute([&] { one_thread = ContributionsOf(*model, data.view()); });
  std::vector<float> two_threads;
  tbb::task_arena(2).execute([&] { two_threads = ContributionsOf(*model, data.view()); });
  EXPECT_TRUE(BitEqual(one_thread, two_threads));
  const auto loaded = LoadModel(GetParam().model, SaveModel(*model));
  EXPECT_TRUE(BitEqual(ContributionsOf(*loaded, data.view()), one_thread));
}

// The feature the target depends on most carries the largest mean |contribution|.
TEST_P(TreeContributions, RankTheStrongestFeatureFirst) {
  const TreeData data = Data();
  const auto model = Fit(data);
  const std::vector<float> values = ContributionsOf(*model, data.view());
  const int64_t width = data.cols + 1;
  std::vector<double> mean_abs(static_cast<size_t>(data.cols), 0.0);
  for (size_t base = 0; base < values.size(); base += static_cast<size_t>(width)) {
    for (int64_t col = 0; col < data.cols; ++col) mean_abs[col] += std::abs(values[base + col]);
  }
  // Classification: feature a (weight 1 in the score); regression: a through 3 sin(a).
  EXPECT_EQ(std::max_element(mean_abs.begin(), mean_abs.end()) - mean_abs.begin(), 0);
}

INSTANTIATE_TEST_SUITE_P(
    Models, TreeContributions,
    ::testing::Values(
        ShapCase{"gradient_boosting", R"({"n_estimators": 30})", Task::kClassification, 2},
        ShapCase{"gradient_boosting", R"({"n_estimators": 20, "growth": "leaf_wise"})",
                 Task::kClassification, 3},
        ShapCase{"gradient_boosting", R"({"n_estimators": 30, "objective": "absolute_error"})",
                 Task::kRegression, 0},
        ShapCase{"random_forest", R"({"n_estimators": 10})", Task::kClassification, 3},
        ShapCase{"random_forest", R"({"n_estimators": 10})", Task::kRegression, 0},
        ShapCase{"extra_trees", R"({"n_estimators": 10})", Task::kClassification, 2},
        ShapCase{"decision_tree", R"({"max_depth": 8})", Task::kRegression, 0}),
    [](const ::testing::TestParamInfo<ShapCase>& info) {
      return std::string(info.param.model) + "_" + std::to_string(info.index);
    });

/// `object` packed again with every map entry named `key` replaced by what `replacement` packs,
/// or dropped when `replacement` is empty.
void PackEdited(const msgpack::object& object, std::string_view key,
                const std::function<void(io::Packer&)>& replacement, io::Packer& packer) {
  if (object.type != msgpack::type::MAP) {
    packer.pack(object);
    return;
  }
  const std::span entries(object.via.map.ptr, object.via.map.size);
  auto matches = [&](const msgpack::object_kv& entry) {
    return entry.key.type == msgpack::type::STR && entry.key.as<std::string>() == key;
  };
  const auto n_matches = std::count_if(entries.begin(), entries.end(), matches);
  packer.pack_map(static_cast<uint32_t>(entries.size() - (replacement ? 0 : n_matches)));
  for (const msgpack::object_kv& entry : entries) {
    if (matches(entry) && !replacement) continue;
    packer.pack(entry.key);
    if (matches(entry)) {
      replacement(packer);
    } else {
      PackEdited(entry.val, key, replacement, packer);
    }
  }
}

std::unique_ptr<models::Model> LoadEdited(const char* name, const models::Model& model,
                                          const std::function<void(io::Packer&)>& replacement) {
  const std::vector<char> bytes = SaveModel(model);
  const msgpack::object_handle handle = msgpack::unpack(bytes.data(), bytes.size());
  msgpack::sbuffer buffer;
  io::Packer packer(buffer);
  PackEdited(handle.get(), "cover", replacement, packer);
  return LoadModel(name, {buffer.data(), buffer.data() + buffer.size()});
}

// Files saved before covers were stored still load and predict, but cannot be explained.
TEST(TreeContributionsCompatibility, AModelSavedWithoutCoversLoadsButCannotExplain) {
  const TreeData data = MixedClassification(200, 2, 3);
  for (const char* name : {"gradient_boosting", "random_forest"}) {
    const auto model = FitTree(name, {{"n_estimators", 5}}, data);
    const auto old = LoadEdited(name, *model, nullptr);
    EXPECT_TRUE(BitEqual(PredictRows(*old, data.view()), PredictRows(*model, data.view())));
    std::vector<float> out(static_cast<size_t>(data.rows() * 2 * (data.cols + 1)));
    EXPECT_FALSE(old->Contributions(data.view(), out)) << name;
  }
}

TEST(TreeContributionsCompatibility, CoversOfTheWrongLengthOrSignAreCorrupt) {
  const TreeData data = MixedClassification(200, 2, 3);
  const auto model = FitTree("random_forest", {{"n_estimators", 2}}, data);
  const std::vector<double> short_covers = {1.0, 2.0};
  ExpectStatus(StatusCode::kCorruptModel, [&] {
    LoadEdited("random_forest", *model,
               [&](io::Packer& packer) { io::PackDoubles(packer, short_covers); });
  });
  const SavedTrees saved = ReadSavedTrees(*model);
  std::vector<double> negative(saved.feature.size(), 1.0);
  negative.back() = -1.0;
  ExpectStatus(StatusCode::kCorruptModel, [&] {
    LoadEdited("random_forest", *model,
               [&](io::Packer& packer) { io::PackDoubles(packer, negative); });
  });
}

}  // namespace
}  // namespace kolosal::tree_testing
