// Random forest and extra trees: accuracy, determinism across threads, OOB, round trips,
// cancellation.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "common/expect_error.hpp"
#include "kolosal/io/model_file.hpp"
#include "kolosal/models/tree/forest_model.hpp"
#include "tree_test_helpers.hpp"

namespace kolosal::tree_testing {
namespace {

TEST(RandomForest, ClassifiesMixedFeatures) {
  const TreeData train = MixedClassification(2000, 3, 1);
  const TreeData test = MixedClassification(1000, 3, 2);
  for (const char* name : {"random_forest", "extra_trees"}) {
    const auto model = FitTree(name, {{"n_estimators", 40}}, train);
    const std::vector<float> out = PredictRows(*model, test.view());
    EXPECT_GT(Accuracy(out, test), 0.85) << name;
    for (int64_t row = 0; row < test.rows(); ++row) {
      EXPECT_NEAR(out[row * 3] + out[row * 3 + 1] + out[row * 3 + 2], 1.0f, 1e-5f);
    }
  }
}

TEST(RandomForest, RegressesSmoothTarget) {
  const TreeData train = SmoothRegression(3000, 3);
  const TreeData test = SmoothRegression(1000, 4);
  for (const char* name : {"random_forest", "extra_trees"}) {
    const auto model = FitTree(name, {{"n_estimators", 30}}, train);
    EXPECT_GT(RSquared(PredictRows(*model, test.view()), test.y), 0.9) << name;
  }
}

// Two copies of one column give every split twice with the same gain; ties go to a feature
// drawn per node, so both copies split nodes (the first one only, before).
TEST(RandomForest, BreaksTiesBetweenEqualFeaturesAtRandom) {
  const TreeData smooth = SmoothRegression(400, 8);
  TreeData data = smooth;
  data.cols = 2;
  data.features = {{"a", false, 0}, {"a_copy", false, 0}};
  data.x.clear();
  for (int64_t row = 0; row < smooth.rows(); ++row) {
    const float value = smooth.x[row * smooth.cols];
    data.x.insert(data.x.end(), {value, value});
  }
  const auto model = FitTree("random_forest", {{"n_estimators", 10}}, data);
  const std::vector<double> splits = model->FeatureImportance(models::ImportanceType::kSplit);
  ASSERT_EQ(splits.size(), 2u);
  EXPECT_GT(splits[0], 0.25 * (splits[0] + splits[1]));
  EXPECT_GT(splits[1], 0.25 * (splits[0] + splits[1]));
}

// Twenty constant columns and one that separates the classes: sqrt draws 4 of the 21 features,
// mostly constant ones, and the node keeps drawing until a feature can split it (as
// scikit-learn does) instead of ending as an impure leaf.
TEST(RandomForest, DrawsPastConstantFeatures) {
  TreeData data;
  data.cols = 21;
  data.task = Task::kClassification;
  data.n_classes = 2;
  for (int64_t col = 0; col < data.cols; ++col) {
    data.features.push_back({"f" + std::to_string(col), false, 0});
  }
  for (int row = 0; row < 40; ++row) {
    data.x.insert(data.x.end(), 20, 1.0f);
    data.x.push_back(static_cast<float>(row % 2));
    data.y.push_back(static_cast<float>(row % 2));
  }
  const auto model = FitTree("random_forest", {{"n_estimators", 8}, {"bootstrap", false}}, data);
  const std::vector<float> out = PredictRows(*model, data.view());
  for (int64_t row = 0; row < data.rows(); ++row) {
    EXPECT_FLOAT_EQ(out[row * 2 + 1], data.y[row]) << "row " << row;
  }
}

TEST(RandomForest, SameModelWithOneOrTwoThreads) {
  const TreeData data = MixedClassification(3000, 4, 5);
  const TreeData regression = SmoothRegression(3000, 6);
  for (const char* name : {"random_forest", "extra_trees", "decision_tree"}) {
    const auto one = FitTree(name, {}, data, Control(1, 11));
    const auto two = FitTree(name, {}, data, Control(2, 11));
    EXPECT_EQ(SaveModel(*one), SaveModel(*two)) << name;
    const auto reg_one = FitTree(name, {}, regression, Control(1, 3));
    const auto reg_two = FitTree(name, {}, regression, Control(2, 3));
    EXPECT_EQ(SaveModel(*reg_one), SaveModel(*reg_two)) << name;
  }
  const auto other_seed = FitTree("random_forest", {}, data, Control(1, 12));
  EXPECT_NE(SaveModel(*other_seed), SaveModel(*FitTree("random_forest", {}, data, Control(1, 11))));
}

TEST(RandomForest, ComputesOutOfBagScore) {
  const TreeData data = MixedClassification(1500, 2, 8);
  const auto model = FitTree("random_forest", {{"n_estimators", 30}, {"oob_score", true}}, data);
  const double oob = dynamic_cast<const models::tree::ForestModel&>(*model).oob_score();
  EXPECT_GT(oob, 0.8);
  EXPECT_LE(oob, 1.0);
  const auto plain = FitTree("random_forest", {{"n_estimators", 5}}, data);
  EXPECT_TRUE(std::isnan(dynamic_cast<const models::tree::ForestModel&>(*plain).oob_score()));
}

// Labels that no feature predicts: fully grown trees fit their in-bag rows, so the forest is
// nearly always right on its training rows, but on each row's out-of-bag trees it guesses. An
// out-of-bag score that used in-bag rows would come out near 1 (or R^2 near the training R^2).
TEST(RandomForest, OutOfBagScoreOnNoiseIsChance) {
  TreeData data;
  data.cols = 4;
  data.task = Task::kClassification;
  data.n_classes = 2;
  Rng rng(17);
  for (int row = 0; row < 600; ++row) {
    for (int64_t col = 0; col < data.cols; ++col) {
      data.x.push_back(static_cast<float>(UniformUnit(rng)));
    }
    data.y.push_back(static_cast<float>(UniformIndex(rng, 2)));
  }
  const nlohmann::json params = {{"n_estimators", 60}, {"oob_score", true}};
  const auto classifier = FitTree("random_forest", params, data);
  EXPECT_GT(Accuracy(PredictRows(*classifier, data.view()), data), 0.95);
  const double oob_accuracy =
      dynamic_cast<const models::tree::ForestModel&>(*classifier).oob_score();
  EXPECT_GT(oob_accuracy, 0.4);
  EXPECT_LT(oob_accuracy, 0.6);

  TreeData regression = data;
  regression.task = Task::kRegression;
  regression.n_classes = 0;
  for (float& value : regression.y) value = static_cast<float>(UniformUnit(rng));
  const auto regressor = FitTree("random_forest", params, regression);
  EXPECT_GT(RSquared(PredictRows(*regressor, regression.view()), regression.y), 0.6);
  const double oob_r2 = dynamic_cast<const models::tree::ForestModel&>(*regressor).oob_score();
  EXPECT_LT(oob_r2, 0.05);
  EXPECT_GT(oob_r2, -0.5);
}

// 64 binary features, feature j equal to the label except on rows 0..j-1: the lower a feature,
// the better its split, so a stump's root is the lowest feature drawn for it. Drawing k of 64
// features at random, that lowest index averages (64 - k) / (k + 1): 0 for all, 56/9 for sqrt
// (8), 58/7 for log2 (6), 48/17 for 0.25 (16 features). It can never be above 64 - k.
TEST(RandomForest, MaxFeaturesDrawsThatManyFeaturesPerNode) {
  TreeData data;
  data.cols = 64;
  data.task = Task::kClassification;
  data.n_classes = 2;
  for (int row = 0; row < 200; ++row) {
    const int label = row % 2;
    for (int feature = 0; feature < data.cols; ++feature) {
      data.x.push_back(static_cast<float>(row < feature ? 1 - label : label));
    }
    data.y.push_back(static_cast<float>(label));
  }
  const int n_trees = 300;
  for (const auto& [max_features, n_drawn, tolerance] :
       std::vector<std::tuple<nlohmann::json, int, double>>{
           {"all", 64, 0.0}, {"sqrt", 8, 1.2}, {"log2", 6, 1.5}, {0.25, 16, 0.7}}) {
    const auto model = FitTree("random_forest",
                               {{"n_estimators", n_trees},
                                {"max_depth", 1},
                                {"bootstrap", false},
                                {"max_features", max_features}},
                               data);
    const SavedTrees trees = ReadSavedTrees(*model);
    ASSERT_EQ(trees.roots.size(), static_cast<size_t>(n_trees));
    double mean_root = 0.0;
    int highest_root = 0;
    for (const int32_t root : trees.roots) {
      mean_root += trees.feature[root] / static_cast<double>(n_trees);
      highest_root = std::max(highest_root, trees.feature[root]);
    }
    const double expected = (64.0 - n_drawn) / (n_drawn + 1.0);
    EXPECT_NEAR(mean_root, expected, tolerance) << max_features.dump();
    EXPECT_LE(highest_root, 64 - n_drawn) << max_features.dump();
  }
}

TEST(RandomForest, BalancedClassWeightsFavourTheRareClass) {
  TreeData data = MixedClassification(2000, 2, 9);
  for (size_t row = 0; row < data.y.size(); ++row) {
    if (data.y[row] == 1.0f && row % 5 != 0) data.y[row] = 0.0f;
  }
  const auto plain = FitTree("random_forest", {{"n_estimators", 20}, {"max_depth", 3}}, data);
  const auto balanced =
      FitTree("random_forest",
              {{"n_estimators", 20}, {"max_depth", 3}, {"class_weight", "balanced"}}, data);
  const std::vector<float> plain_out = PredictRows(*plain, data.view());
  const std::vector<float> balanced_out = PredictRows(*balanced, data.view());
  double plain_mass = 0.0;
  double balanced_mass = 0.0;
  for (int64_t row = 0; row < data.rows(); ++row) {
    plain_mass += plain_out[row * 2 + 1];
    balanced_mass += balanced_out[row * 2 + 1];
  }
  EXPECT_GT(balanced_mass, plain_mass);
}

TEST(RandomForest, SaveLoadIsBitExact) {
  const TreeData data = MixedClassification(800, 3, 10);
  for (const char* name : {"random_forest", "extra_trees", "decision_tree"}) {
    const auto model = FitTree(name, {{"max_features", 0.5}}, data);
    const std::vector<char> bytes = SaveModel(*model);
    const auto loaded = LoadModel(name, bytes);
    EXPECT_EQ(loaded->TypeName(), name);
    EXPECT_TRUE(BitEqual(PredictRows(*model, data.view()), PredictRows(*loaded, data.view())));
    EXPECT_EQ(SaveModel(*loaded), bytes);
  }
}

// Every byte flip and truncation of a forest with categorical splits either loads or fails with
// kCorruptModel, and whatever loads predicts without crashing.
TEST(RandomForest, CorruptStateNeverCrashes) {
  const TreeData data = MixedClassification(200, 2, 12);
  const auto model = FitTree("random_forest", {{"n_estimators", 2}, {"max_depth", 3}}, data);
  const std::vector<char> bytes = SaveModel(*model);
  for (size_t pos = 0; pos < bytes.size(); ++pos) {
    for (int variant = 0; variant < 2; ++variant) {
      std::vector<char> broken = bytes;
      if (variant == 0) broken[pos] = static_cast<char>(broken[pos] ^ 0x41);
      if (variant == 1) broken.resize(pos);
      try {
        const msgpack::object_handle handle =
            io::UnpackPayload({reinterpret_cast<const uint8_t*>(broken.data()), broken.size()});
        const auto loaded = LoadTree("random_forest", handle.get());
        if (loaded->n_features() == data.cols) PredictRows(*loaded, data.view());
      } catch (const Error& error) {
        EXPECT_EQ(error.code(), StatusCode::kCorruptModel) << error.what();
      }
    }
  }
}

TEST(RandomForest, CancelsBetweenTrees) {
  const TreeData data = MixedClassification(500, 2, 11);
  FitControl control = Control(2);
  int calls = 0;
  control.progress = [&](double, std::string_view) { return ++calls < 2; };
  ExpectStatus(StatusCode::kCancelled, [&] {
    FitTree("random_forest", {{"n_estimators", 200}}, data, control);
  });
  FitControl token_control = Control(1);
  token_control.cancellation = std::make_shared<CancellationToken>();
  token_control.cancellation->Cancel();
  ExpectStatus(StatusCode::kCancelled, [&] { FitTree("random_forest", {}, data, token_control); });
}

// max_samples (scikit-learn's) sizes every bootstrap sample: a whole number of rows, or a share
// of them. A tree's root cover is its sample's weight, so it counts the draws.
TEST(RandomForest, MaxSamplesSizesEachBootstrapSample) {
  const TreeData data = SmoothRegression(400, 44);
  auto root_covers = [&](const nlohmann::json& max_samples) {
    nlohmann::json params = {{"n_estimators", 6}, {"oob_score", true}};
    if (!max_samples.is_null()) params["max_samples"] = max_samples;
    const auto model = FitTree("random_forest", params, data);
    EXPECT_FALSE(std::isnan(dynamic_cast<const models::tree::ForestModel&>(*model).oob_score()));
    const SavedTrees trees = ReadSavedTrees(*model);
    std::set<double> covers;
    for (const int32_t root : trees.roots) covers.insert(trees.cover[root]);
    return covers;
  };
  EXPECT_EQ(root_covers(nullptr), std::set<double>{400.0});
  EXPECT_EQ(root_covers(150), std::set<double>{150.0});
  EXPECT_EQ(root_covers(0.25), std::set<double>{100.0});
  EXPECT_EQ(root_covers(1.0), std::set<double>{400.0});
  // One draw: every tree is a leaf holding one training target.
  const auto single = FitTree("random_forest", {{"n_estimators", 5}, {"max_samples", 1}}, data);
  const SavedTrees trees = ReadSavedTrees(*single);
  EXPECT_EQ(trees.feature.size(), 5u);
  for (const float value : trees.leaf_values) {
    EXPECT_NE(std::find(data.y.begin(), data.y.end(), value), data.y.end());
  }
  testing::ExpectError(
      [&] {
        FitTree("random_forest", {{"max_samples", 401}}, data);
      },
      StatusCode::kInvalidArgument, "max_samples 401 is more than the 400");
}

// class_weight "balanced_subsample" (scikit-learn's) weighs each tree's bootstrap sample so that
// its classes weigh alike: a tree that cannot split predicts 1/2 for both classes exactly, and its
// root weighs as many rows as were drawn. "balanced" uses the training counts, so the samples'
// classes only weigh alike on average. Without bootstrap the two are the same.
TEST(RandomForest, BalancedSubsampleWeighsEachBootstrapSample) {
  TreeData data = MixedClassification(1000, 2, 45);
  for (size_t row = 0; row < data.y.size(); ++row) {
    if (data.y[row] == 1.0f && row % 4 != 0) data.y[row] = 0.0f;
  }
  auto leaves = [&](const char* weighting) {
    return ReadSavedTrees(*FitTree(
        "random_forest",
        {{"n_estimators", 8}, {"min_samples_split", 1000000}, {"class_weight", weighting}}, data));
  };
  const SavedTrees by_sample = leaves("balanced_subsample");
  for (const float value : by_sample.leaf_values) EXPECT_NEAR(value, 0.5f, 1e-6f);
  for (const int32_t root : by_sample.roots) EXPECT_NEAR(by_sample.cover[root], 1000.0, 1e-3);
  const SavedTrees balanced = leaves("balanced");
  double largest_gap = 0.0;
  for (const float value : balanced.leaf_values) {
    largest_gap = std::max(largest_gap, std::abs(static_cast<double>(value) - 0.5));
  }
  EXPECT_GT(largest_gap, 1e-3);
  const nlohmann::json no_bootstrap = {{"n_estimators", 3}, {"bootstrap", false}};
  nlohmann::json subsample_params = no_bootstrap;
  subsample_params["class_weight"] = "balanced_subsample";
  nlohmann::json balanced_params = no_bootstrap;
  balanced_params["class_weight"] = "balanced";
  EXPECT_EQ(SaveModel(*FitTree("random_forest", subsample_params, data)),
            SaveModel(*FitTree("random_forest", balanced_params, data)));
  // A single tree and boosting have no bootstrap samples to weigh.
  for (const char* name : {"decision_tree", "gradient_boosting"}) {
    ExpectStatus(StatusCode::kInvalidArgument, [&] {
      CreateTree(name, {{"class_weight", "balanced_subsample"}}, Task::kClassification);
    });
  }
  testing::ExpectError(
      [&] {
        CreateTree("random_forest", {{"class_weight", "balanced_subsample"}}, Task::kRegression);
      },
      StatusCode::kInvalidArgument, "balanced_subsample", "classification");
}

TEST(RandomForest, RejectsBadParams) {
  auto create = [](const nlohmann::json& params, Task task) {
    return CreateTree("random_forest", params, task);
  };
  ExpectStatus(StatusCode::kInvalidArgument, [&] {
    create({{"n_estimators", 0}}, Task::kClassification);
  });
  ExpectStatus(StatusCode::kInvalidArgument, [&] {
    create({{"oob_score", true}, {"bootstrap", false}}, Task::kClassification);
  });
  ExpectStatus(StatusCode::kInvalidArgument, [&] {
    create({{"max_features", 1.5}}, Task::kRegression);
  });
  ExpectStatus(StatusCode::kInvalidArgument, [&] {
    create({{"bootstrapp", true}}, Task::kRegression);
  });
  for (const nlohmann::json& bad : {nlohmann::json(0), nlohmann::json(-3), nlohmann::json(0.0),
                                    nlohmann::json(1.5), nlohmann::json("half")}) {
    ExpectStatus(StatusCode::kInvalidArgument, [&] {
      create({{"max_samples", bad}}, Task::kRegression);
    });
  }
  testing::ExpectError(
      [&] {
        create({{"max_samples", 0.5}, {"bootstrap", false}}, Task::kRegression);
      },
      StatusCode::kInvalidArgument, "max_samples", "bootstrap=true");
  // Extra trees draw no bootstrap sample unless asked; a single tree never does.
  ExpectStatus(StatusCode::kInvalidArgument, [&] {
    CreateTree("extra_trees", {{"max_samples", 0.5}}, Task::kRegression);
  });
  EXPECT_NO_THROW(
      CreateTree("extra_trees", {{"max_samples", 0.5}, {"bootstrap", true}}, Task::kRegression));
  ExpectStatus(StatusCode::kInvalidArgument, [&] {
    CreateTree("decision_tree", {{"max_samples", 0.5}}, Task::kRegression);
  });
  ExpectStatus(StatusCode::kInvalidArgument, [&] {
    create({{"min_impurity_decrease", -0.1}}, Task::kRegression);
  });
  // Balanced class weights need classes, for every tree model.
  for (const char* name : {"decision_tree", "random_forest", "extra_trees", "gradient_boosting"}) {
    ExpectStatus(StatusCode::kInvalidArgument, [&] {
      CreateTree(name, {{"class_weight", "balanced"}}, Task::kRegression);
    });
    EXPECT_NO_THROW(CreateTree(name, {{"class_weight", "balanced"}}, Task::kClassification));
  }
}

}  // namespace
}  // namespace kolosal::tree_testing
