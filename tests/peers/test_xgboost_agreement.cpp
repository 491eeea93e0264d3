// Gradient boosting against XGBoost hist through its C API (libxgboost-dev). Where both libraries
// see the same candidate cuts (numeric features with at most 255 distinct values get a cut
// between every pair of neighbouring values in both), start from the same margin and score the
// rows they were trained on, the two algorithms must grow the same trees: the same gains, the
// same learned directions for missing values, the same leaf values.
#include <gtest/gtest.h>
#include <xgboost/c_api.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <iomanip>
#include <memory>
#include <numeric>
#include <ostream>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "common/test_data.hpp"
#include "models/tree_test_helpers.hpp"

namespace kolosal::tree_testing {
namespace {

constexpr int kRounds = 20;

// Throws on an error code, so the test fails with XGBoost's message and stops there.
void CheckXgb(int code, const char* call) {
  if (code != 0) throw std::runtime_error(std::string(call) + ": " + XGBGetLastError());
}

// The numeric columns of `data` with at most 255 distinct non-missing values.
TreeData FewValuedNumericColumns(const TreeData& data) {
  std::vector<int64_t> keep;
  for (int64_t col = 0; col < data.cols; ++col) {
    if (data.features[static_cast<size_t>(col)].categorical) continue;
    std::set<float> distinct;
    for (int64_t row = 0; row < data.rows(); ++row) {
      const float value = data.x[static_cast<size_t>(row * data.cols + col)];
      if (!std::isnan(value)) distinct.insert(value);
    }
    if (distinct.size() <= 255) keep.push_back(col);
  }
  TreeData kept = data;
  kept.cols = static_cast<int64_t>(keep.size());
  kept.features.clear();
  kept.x.clear();
  for (int64_t col : keep) kept.features.push_back(data.features[static_cast<size_t>(col)]);
  for (int64_t row = 0; row < data.rows(); ++row) {
    for (int64_t col : keep) kept.x.push_back(data.x[static_cast<size_t>(row * data.cols + col)]);
  }
  return kept;
}

// The class prior for binary tasks, the mean for regression: where both libraries start.
double StartingScore(const TreeData& data) {
  return std::accumulate(data.y.begin(), data.y.end(), 0.0) / static_cast<double>(data.y.size());
}

// `value` as text that reads back to the same double.
std::string ExactText(double value) {
  std::ostringstream text;
  text << std::setprecision(17) << value;
  return text.str();
}

struct XgboostOutput {
  std::vector<float> predictions;
  std::vector<float> contributions;  // pred_contribs: rows x (cols + 1), the bias last
};

// XGBoost hist with `settings` (name, value pairs), one thread; predictions and SHAP
// contributions on the training rows.
XgboostOutput XgboostPredictions(const TreeData& data,
                                 const std::vector<std::pair<std::string, std::string>>& settings) {
  DMatrixHandle matrix_handle = nullptr;
  CheckXgb(XGDMatrixCreateFromMat(data.x.data(), static_cast<bst_ulong>(data.rows()),
                                  static_cast<bst_ulong>(data.cols), std::nanf(""), &matrix_handle),
           "XGDMatrixCreateFromMat");
  const std::unique_ptr<void, int (*)(DMatrixHandle)> matrix(matrix_handle, XGDMatrixFree);
  CheckXgb(XGDMatrixSetFloatInfo(matrix.get(), "label", data.y.data(), data.y.size()),
           "XGDMatrixSetFloatInfo");
  BoosterHandle booster_handle = nullptr;
  CheckXgb(XGBoosterCreate(&matrix_handle, 1, &booster_handle), "XGBoosterCreate");
  const std::unique_ptr<void, int (*)(BoosterHandle)> booster(booster_handle, XGBoosterFree);
  for (const auto& [name, value] : settings) {
    CheckXgb(XGBoosterSetParam(booster.get(), name.c_str(), value.c_str()), "XGBoosterSetParam");
  }
  for (int round = 0; round < kRounds; ++round) {
    CheckXgb(XGBoosterUpdateOneIter(booster.get(), round, matrix.get()), "XGBoosterUpdateOneIter");
  }
  XgboostOutput output;
  for (const int option_mask : {0, 4}) {
    bst_ulong size = 0;
    const float* result = nullptr;
    CheckXgb(XGBoosterPredict(booster.get(), matrix.get(), option_mask, 0, 0, &size, &result),
             "XGBoosterPredict");
    (option_mask == 0 ? output.predictions : output.contributions).assign(result, result + size);
  }
  return output;
}

// Shapley values of one row from their definition, summed over the trees: features outside a
// coalition are integrated out along the training covers.
std::vector<double> BruteForceShapley(const SavedTrees& trees, const float* row, int n_features) {
  std::function<double(int32_t, unsigned)> value = [&](int32_t node, unsigned coalition) {
    const auto idx = static_cast<size_t>(node);
    if (trees.is_leaf(idx)) return static_cast<double>(trees.leaf_values[trees.left[idx]]);
    const int32_t feature = trees.feature[idx];
    const int32_t left = trees.left[idx];
    if ((coalition >> feature) & 1u) {
      const float x = row[feature];
      const bool goes_left = std::isnan(x) ? trees.default_left(idx) : x <= trees.threshold[idx];
      return value(left + (goes_left ? 0 : 1), coalition);
    }
    return (trees.cover[left] * value(left, coalition) +
            trees.cover[left + 1] * value(left + 1, coalition)) /
           trees.cover[idx];
  };
  std::vector<double> phi(static_cast<size_t>(n_features) + 1, 0.0);
  for (const int32_t root : trees.roots) {
    const std::vector<double> tree_phi = ShapleyFromDefinition(
        n_features, [&](unsigned coalition) { return value(root, coalition); });
    for (size_t idx = 0; idx < phi.size(); ++idx) phi[idx] += tree_phi[idx];
  }
  return phi;
}

struct AgreementCase {
  const char* file;
  const char* target;
  bool leaf_wise;
  double reg_alpha;
};

void PrintTo(const AgreementCase& tested, std::ostream* out) {
  *out << tested.file << (tested.leaf_wise ? " leaf-wise" : " depth-wise") << " L1 "
       << tested.reg_alpha;
}

class XgboostAgreement : public ::testing::TestWithParam<AgreementCase> {};

TEST_P(XgboostAgreement, SameTreesWhenTheCutsAgree) {
  const AgreementCase& tested = GetParam();
  KOLOSAL_REQUIRE_DATASET(path, tested.file);
  const TreeData data = FewValuedNumericColumns(LoadNativeCsv(path, tested.target));
  ASSERT_GE(data.cols, 5);
  const bool binary = data.task == Task::kClassification;
  ASSERT_TRUE(!binary || data.n_classes == 2);

  nlohmann::json params = {{"n_estimators", kRounds}, {"learning_rate", 0.1},
                           {"min_samples_leaf", 1},   {"min_child_weight", 1.0},
                           {"reg_lambda", 1.0},       {"reg_alpha", tested.reg_alpha}};
  std::vector<std::pair<std::string, std::string>> settings = {
      {"tree_method", "hist"},
      {"max_bin", "256"},
      {"eta", "0.1"},
      {"min_child_weight", "1"},
      {"lambda", "1"},
      {"alpha", ExactText(tested.reg_alpha)},
      {"nthread", "1"},
      {"objective", binary ? "binary:logistic" : "reg:squarederror"},
      {"base_score", ExactText(StartingScore(data))}};
  if (tested.leaf_wise) {
    params.update({{"growth", "leaf_wise"}, {"num_leaves", 31}});
    settings.insert(settings.end(),
                    {{"grow_policy", "lossguide"}, {"max_leaves", "31"}, {"max_depth", "0"}});
  } else {
    params.update({{"growth", "depth_wise"}, {"max_depth", 6}});
    settings.insert(settings.end(), {{"grow_policy", "depthwise"}, {"max_depth", "6"}});
  }
  const XgboostOutput xgboost = XgboostPredictions(data, settings);
  const std::vector<float>& theirs = xgboost.predictions;
  const auto model = FitTree("gradient_boosting", params, data);
  const std::vector<float> ours = PredictRows(*model, data.view());

  // Binary: the positive class's probability (ours holds both); regression: relative to the
  // target's spread. What is left is float rounding of the same sums.
  const int64_t stride = binary ? 2 : 1;
  ASSERT_EQ(static_cast<int64_t>(ours.size()), data.rows() * stride);
  ASSERT_EQ(static_cast<int64_t>(theirs.size()), data.rows());
  double scale = 1.0;
  if (!binary) {
    const double mean = StartingScore(data);
    double squares = 0.0;
    for (float y : data.y) squares += (y - mean) * (y - mean);
    scale = std::sqrt(squares / static_cast<double>(data.y.size()));
  }
  double worst = 0.0;
  int64_t worst_row = 0;
  for (int64_t row = 0; row < data.rows(); ++row) {
    const double difference =
        std::abs(ours[static_cast<size_t>(row * stride + stride - 1)] - theirs[row]) / scale;
    if (difference > worst) {
      worst = difference;
      worst_row = row;
    }
  }
  EXPECT_LT(worst, 1e-5) << "row " << worst_row << " of " << data.rows() << ", " << data.cols
                         << " features";

  // The same trees with the same covers (hessian sums) give the same TreeSHAP values, in
  // margin space; ours hold a block per class, the positive class's last.
  const int64_t width = data.cols + 1;
  std::vector<float> contributions(static_cast<size_t>(data.rows() * stride * width));
  ASSERT_TRUE(model->Contributions(data.view(), contributions));
  ASSERT_EQ(static_cast<int64_t>(xgboost.contributions.size()), data.rows() * width);
  auto ours_at = [&](int64_t row, int64_t idx) {
    return contributions[static_cast<size_t>((row * stride + stride - 1) * width + idx)];
  };
  int64_t rows_apart = 0;
  for (int64_t row = 0; row < data.rows(); ++row) {
    double row_worst = 0.0;
    for (int64_t idx = 0; idx < width; ++idx) {
      const float xgb = xgboost.contributions[static_cast<size_t>(row * width + idx)];
      row_worst = std::max(row_worst, std::abs(ours_at(row, idx) - xgb) / scale);
    }
    rows_apart += row_worst > 1e-4 ? 1 : 0;
  }
  if (data.cols > 10) {
    EXPECT_EQ(rows_apart, 0) << "rows whose contributions differ from XGBoost's by over 1e-4";
    return;
  }
  // Few features: every coalition can be scored, so check the Shapley values themselves.
  // XGBoost 1.6 parts from them on some rows of trees grown with missing values (credit_data:
  // by up to 0.04 on about 2% of the rows; see docs/trees.md), Kolosal does not.
  EXPECT_LT(rows_apart, data.rows() / 20);
  const SavedTrees saved = ReadSavedTrees(*model);
  for (int64_t row = 0; row < data.rows(); row += 7) {
    const std::vector<double> expected =
        BruteForceShapley(saved, data.x.data() + row * data.cols, static_cast<int>(data.cols));
    for (int64_t idx = 0; idx < data.cols; ++idx) {
      ASSERT_NEAR(ours_at(row, idx), expected[idx], 1e-5) << "row " << row << " feature " << idx;
    }
  }
}

// DART with rate_drop 1 drops every earlier round, so no random draw is involved and the two
// libraries must rescale the trees alike, under both normalisations.
TEST(XgboostDartAgreement, SameModelWhenEveryRoundIsDropped) {
  KOLOSAL_REQUIRE_DATASET(path, "ames.csv");
  const TreeData data = FewValuedNumericColumns(LoadNativeCsv(path, "Sale_Price"));
  for (const char* normalize : {"tree", "forest"}) {
    SCOPED_TRACE(normalize);
    const nlohmann::json params = {{"n_estimators", kRounds}, {"learning_rate", 0.3},
                                   {"min_samples_leaf", 1},   {"min_child_weight", 1.0},
                                   {"reg_lambda", 1.0},       {"growth", "depth_wise"},
                                   {"max_depth", 4},          {"boosting", "dart"},
                                   {"rate_drop", 1.0},        {"normalize_type", normalize}};
    const XgboostOutput xgboost =
        XgboostPredictions(data, {{"booster", "dart"},
                                  {"rate_drop", "1"},
                                  {"normalize_type", normalize},
                                  {"tree_method", "hist"},
                                  {"max_bin", "256"},
                                  {"eta", "0.3"},
                                  {"min_child_weight", "1"},
                                  {"lambda", "1"},
                                  {"nthread", "1"},
                                  {"objective", "reg:squarederror"},
                                  {"max_depth", "4"},
                                  {"base_score", ExactText(StartingScore(data))}});
    const std::vector<float> ours =
        PredictRows(*FitTree("gradient_boosting", params, data), data.view());
    ASSERT_EQ(ours.size(), xgboost.predictions.size());
    double worst = 0.0;
    for (size_t row = 0; row < ours.size(); ++row) {
      worst = std::max(worst, static_cast<double>(std::abs(ours[row] - xgboost.predictions[row])));
    }
    EXPECT_LT(worst / StartingScore(data), 1e-5);
  }
}

INSTANTIATE_TEST_SUITE_P(Datasets, XgboostAgreement,
                         ::testing::Values(AgreementCase{"spam.csv", "type", false, 0.0},
                                           AgreementCase{"credit_data.csv", "Status", true, 0.0},
                                           AgreementCase{"ames.csv", "Sale_Price", false, 0.0},
                                           AgreementCase{"spam.csv", "type", true, 0.5}),
                         [](const ::testing::TestParamInfo<AgreementCase>& info) {
                           std::string name = info.param.file;
                           name = name.substr(0, name.find('.'));
                           name += info.param.leaf_wise ? "_leaf_wise" : "_depth_wise";
                           if (info.param.reg_alpha > 0.0) name += "_l1";
                           return name;
                         });

}  // namespace
}  // namespace kolosal::tree_testing
