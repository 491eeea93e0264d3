#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <functional>
#include <memory>
#include <msgpack.hpp>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "kolosal/core/error.hpp"
#include "kolosal/core/fit_control.hpp"
#include "kolosal/core/random.hpp"
#include "kolosal/data/csv_reader.hpp"
#include "kolosal/io/msgpack_io.hpp"
#include "kolosal/models/registry.hpp"
#include "kolosal/models/tree/decision_tree.hpp"
#include "kolosal/models/tree/forest_model.hpp"
#include "kolosal/models/tree/gradient_boosting.hpp"
#include "kolosal/models/tree/gradient_boosting_model.hpp"
#include "kolosal/models/tree/random_forest.hpp"
#include "kolosal/models/tree/tree_node.hpp"
#include "kolosal/prep/pipeline.hpp"

namespace kolosal::tree_testing {

/// An owned row-major matrix with labels and feature descriptions.
struct TreeData {
  std::vector<float> x;
  int64_t cols = 0;
  std::vector<float> y;
  std::vector<data::FeatureInfo> features;
  Task task = Task::kRegression;
  int n_classes = 0;
  std::vector<float> weights;  // sample weights; empty: all 1

  int64_t rows() const { return static_cast<int64_t>(x.size()) / cols; }
  data::MatrixView view() const { return {x.data(), rows(), cols}; }
  models::TrainData train_data() const {
    return models::TrainData{view(), y, weights, features, task, n_classes};
  }
};

/// A shared dataset through the native preprocessing that tree models get: numeric columns as
/// they are, categorical columns as codes, missing values as NaN.
inline TreeData LoadNativeCsv(const std::string& path, const char* target) {
  data::CsvOptions options;
  options.target = target;
  const data::Dataset dataset = data::ReadCsv(path, options);
  // The native preprocessing of tree models: missing values and categories left to the model.
  prep::Pipeline pipeline(
      models::DefaultPreprocessing({.handles_missing = true, .handles_categorical = true}));
  data::FeatureMatrix matrix = pipeline.FitTransform(dataset);
  TreeData data;
  data.x = std::move(matrix.values);
  data.cols = matrix.cols;
  data.features = matrix.features;
  data.y = dataset.labels().values;
  data.task = dataset.labels().task;
  data.n_classes = data.task == Task::kClassification ? dataset.labels().n_classes() : 0;
  return data;
}

/// The nodes of a fitted tree model as its model file stores them (TreeEnsemble::Save): one
/// entry per node of every tree, trees one after another from their roots.
struct SavedTrees {
  std::vector<int32_t> feature;  // -1 for a leaf
  std::vector<float> threshold;
  std::vector<int32_t> left;  // internal: absolute index of the left child; leaf: leaf index
  std::vector<int32_t> flags;
  std::vector<double> gain;
  std::vector<double> cover;
  std::vector<float> leaf_values;
  std::vector<int32_t> roots;

  bool is_leaf(size_t node) const { return feature[node] < 0; }
  bool default_left(size_t node) const {
    return (static_cast<uint32_t>(flags[node]) & models::tree::TreeNode::kDefaultLeft) != 0;
  }
  bool categorical(size_t node) const {
    return (static_cast<uint32_t>(flags[node]) & models::tree::TreeNode::kCategorical) != 0;
  }
  int64_t n_splits() const {
    return std::count_if(feature.begin(), feature.end(), [](int32_t f) { return f >= 0; });
  }
  /// The nodes `row` visits in tree `tree_idx`, root first; numeric splits only.
  std::vector<int32_t> Path(size_t tree_idx, const float* row) const {
    std::vector<int32_t> path = {roots[tree_idx]};
    while (!is_leaf(static_cast<size_t>(path.back()))) {
      const auto node = static_cast<size_t>(path.back());
      EXPECT_FALSE(categorical(node)) << "Path() follows numeric splits only";
      const float value = row[feature[node]];
      const bool goes_left = std::isnan(value) ? default_left(node) : value <= threshold[node];
      path.push_back(left[node] + (goes_left ? 0 : 1));
    }
    return path;
  }
};

inline FitControl Control(int n_jobs = 1, uint64_t seed = 7) {
  FitControl control;
  control.n_jobs = n_jobs;
  control.random_state = seed;
  return control;
}

/// The registry's create() for a tree model, called directly so these tests do not depend on
/// the rest of the registry (test_tree_models.cpp checks the registration itself).
inline std::unique_ptr<models::Estimator> CreateTree(std::string_view name,
                                                     const nlohmann::json& params, Task task) {
  if (name == "decision_tree") return models::tree::MakeDecisionTree(params, task);
  if (name == "random_forest") return models::tree::MakeRandomForest(params, task);
  if (name == "extra_trees") return models::tree::MakeExtraTrees(params, task);
  return models::tree::MakeGradientBoosting(params, task);
}

inline std::unique_ptr<models::Model> FitTree(std::string_view name, const nlohmann::json& params,
                                              const TreeData& data,
                                              const FitControl& control = Control()) {
  return CreateTree(name, params, data.task)->Fit(data.train_data(), control);
}

/// The registry's load() for a tree model.
inline std::unique_ptr<models::Model> LoadTree(std::string_view name,
                                               const msgpack::object& state) {
  if (name == "gradient_boosting") return models::tree::GradientBoostingModel::Load(state);
  return models::tree::ForestModel::Load(std::string(name), state);
}

inline std::vector<float> PredictRows(const models::Model& model, data::MatrixView x) {
  std::vector<float> out(static_cast<size_t>(x.rows * model.n_outputs()));
  model.Predict(x, out);
  return out;
}

inline std::vector<char> SaveModel(const models::Model& model) {
  msgpack::sbuffer buffer;
  io::Packer packer(buffer);
  model.Save(packer);
  return {buffer.data(), buffer.data() + buffer.size()};
}

inline std::unique_ptr<models::Model> LoadModel(std::string_view name,
                                                const std::vector<char>& bytes) {
  const msgpack::object_handle handle = msgpack::unpack(bytes.data(), bytes.size());
  return LoadTree(name, handle.get());
}

/// Reads back the trees of a forest or boosting model from its saved state.
inline SavedTrees ReadSavedTrees(const models::Model& model) {
  const std::vector<char> bytes = SaveModel(model);
  const msgpack::object_handle handle = msgpack::unpack(bytes.data(), bytes.size());
  // Boosting models keep "trees" at the top; forests inside "ensemble".
  const msgpack::object* ensemble = io::FindField(handle.get(), "ensemble");
  const msgpack::object& trees = io::Field(ensemble != nullptr ? *ensemble : handle.get(), "trees");
  SavedTrees saved;
  saved.feature = io::ReadInt32s(io::Field(trees, "feature"), "feature");
  saved.threshold = io::ReadFloats(io::Field(trees, "threshold"), "threshold");
  saved.left = io::ReadInt32s(io::Field(trees, "left"), "left");
  saved.flags = io::ReadInt32s(io::Field(trees, "flags"), "flags");
  saved.gain = io::ReadDoubles(io::Field(trees, "gain"), "gain");
  saved.cover = io::ReadDoubles(io::Field(trees, "cover"), "cover");
  saved.leaf_values = io::ReadFloats(io::Field(trees, "leaf_values"), "leaf_values");
  saved.roots = io::ReadInt32s(io::Field(trees, "roots"), "roots");
  return saved;
}

/// True when both float vectors hold the same bits.
inline bool BitEqual(const std::vector<float>& lhs, const std::vector<float>& rhs) {
  return lhs.size() == rhs.size() &&
         std::memcmp(lhs.data(), rhs.data(), lhs.size() * sizeof(float)) == 0;
}

/// The class with the highest probability in row `row_idx`.
inline int ArgMax(const std::vector<float>& probabilities, int n_classes, int64_t row_idx) {
  int best = 0;
  for (int k = 1; k < n_classes; ++k) {
    if (probabilities[row_idx * n_classes + k] > probabilities[row_idx * n_classes + best]) {
      best = k;
    }
  }
  return best;
}

/// The share of rows whose arg-max class is their label.
inline double Accuracy(const std::vector<float>& probabilities, const TreeData& data) {
  double hits = 0.0;
  for (int64_t row = 0; row < data.rows(); ++row) {
    hits += ArgMax(probabilities, data.n_classes, row) == static_cast<int>(data.y[row]) ? 1 : 0;
  }
  return hits / static_cast<double>(data.rows());
}

/// The coefficient of determination of `predicted` for `y`.
inline double RSquared(const std::vector<float>& predicted, const std::vector<float>& y) {
  double mean = 0.0;
  for (float value : y) mean += value;
  mean /= static_cast<double>(y.size());
  double residual = 0.0;
  double total = 0.0;
  for (size_t row = 0; row < y.size(); ++row) {
    residual += (y[row] - predicted[row]) * (y[row] - predicted[row]);
    total += (y[row] - mean) * (y[row] - mean);
  }
  return 1.0 - residual / total;
}

/// Two noisy numeric features plus a categorical one; the class depends on all three and some
/// values are missing.
inline TreeData MixedClassification(int64_t n_rows, int n_classes, uint64_t seed) {
  TreeData data;
  data.cols = 3;
  data.task = Task::kClassification;
  data.n_classes = n_classes;
  data.features = {{"a", false, 0}, {"b", false, 0}, {"c", true, 5}};
  Rng rng(seed);
  for (int64_t row = 0; row < n_rows; ++row) {
    const auto a = static_cast<float>(UniformUnit(rng) * 4.0 - 2.0);
    const auto b = static_cast<float>(UniformUnit(rng) * 4.0 - 2.0);
    const auto c = static_cast<float>(UniformIndex(rng, 5));
    const double score =
        a + 0.5 * b + (c == 1.0f || c == 3.0f ? 1.5 : 0.0) + 0.3 * UniformUnit(rng);
    int label = static_cast<int>(std::floor((score + 3.0) / 7.0 * n_classes));
    label = std::clamp(label, 0, n_classes - 1);
    const bool hide_a = UniformUnit(rng) < 0.05;
    data.x.insert(data.x.end(), {hide_a ? std::nanf("") : a, b, c});
    data.y.push_back(static_cast<float>(label));
  }
  return data;
}

/// y = piecewise function of two features plus noise.
inline TreeData SmoothRegression(int64_t n_rows, uint64_t seed) {
  TreeData data;
  data.cols = 4;
  data.task = Task::kRegression;
  data.features = {{"a", false, 0}, {"b", false, 0}, {"c", false, 0}, {"d", true, 4}};
  Rng rng(seed);
  for (int64_t row = 0; row < n_rows; ++row) {
    const auto a = static_cast<float>(UniformUnit(rng) * 6.0 - 3.0);
    const auto b = static_cast<float>(UniformUnit(rng));
    const auto c = static_cast<float>(UniformUnit(rng));
    const auto d = static_cast<float>(UniformIndex(rng, 4));
    const double target = std::sin(a) * 3.0 + b * b * 2.0 + d * 0.7 + 0.1 * UniformUnit(rng);
    data.x.insert(data.x.end(), {a, b, c, d});
    data.y.push_back(static_cast<float>(target));
  }
  return data;
}

/// Shapley values from their definition: for each of `n_features` features, the
/// |S|! (n - |S| - 1)! / n!-weighted gain of adding it to every coalition S of the others, where
/// `value(S)` scores a coalition given as a bit mask; then value(0), the bias, last.
inline std::vector<double> ShapleyFromDefinition(int n_features,
                                                 const std::function<double(unsigned)>& value) {
  std::vector<double> factorial(static_cast<size_t>(n_features) + 1, 1.0);
  for (int k = 1; k <= n_features; ++k) factorial[k] = factorial[k - 1] * k;
  std::vector<double> phi(static_cast<size_t>(n_features) + 1, 0.0);
  for (int feature = 0; feature < n_features; ++feature) {
    for (unsigned coalition = 0; coalition < (1u << n_features); ++coalition) {
      if ((coalition >> feature) & 1u) continue;
      const int size = std::popcount(coalition);
      phi[feature] += factorial[size] * factorial[n_features - size - 1] / factorial[n_features] *
                      (value(coalition | (1u << feature)) - value(coalition));
    }
  }
  phi[n_features] = value(0u);
  return phi;
}

/// Runs `body` and expects Error with `code`.
template <typename Body>
void ExpectStatus(StatusCode code, Body&& body) {
  try {
    body();
    ADD_FAILURE() << "expected an error";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), code) << error.what();
  }
}

}  // namespace kolosal::tree_testing
