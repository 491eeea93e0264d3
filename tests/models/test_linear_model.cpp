#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "kolosal/core/error.hpp"
#include "kolosal/models/linear/linear_model.hpp"
#include "linear_reference.hpp"
#include "linear_test_helpers.hpp"

namespace kolosal::testing {
namespace {

namespace ref = linear_reference;

SmallData Regression() { return SmallData{ref::kRegX, 3, ref::kRegY, {}, Task::kRegression, 0}; }
SmallData Binary() { return SmallData{ref::kClsX, 3, ref::kBinaryY, {}, Task::kClassification, 2}; }
SmallData Multi() { return SmallData{ref::kClsX, 3, ref::kMultiY, {}, Task::kClassification, 3}; }

// A larger deterministic input for prediction: sines of the cell index.
std::vector<float> ProbeMatrix(int64_t rows, int64_t cols) {
  std::vector<float> values(static_cast<size_t>(rows * cols));
  for (size_t idx = 0; idx < values.size(); ++idx) {
    values[idx] = static_cast<float>(2.0 * std::sin(0.37 * static_cast<double>(idx)));
  }
  return values;
}

struct Case {
  const char* model;
  nlohmann::json params;
  SmallData (*data)();
};

std::vector<Case> AllCases() {
  return {{"linear_regression", {}, Regression},
          {"ridge", {{"alpha", 2.0}}, Regression},
          {"lasso", {{"alpha", 0.1}}, Regression},
          {"elastic_net", {{"alpha", 0.1}}, Regression},
          {"logistic_regression", {}, Binary},
          {"logistic_regression", {{"penalty", "l1"}}, Binary},
          {"logistic_regression", {}, Multi},
          {"logistic_regression", {{"penalty", "elasticnet"}}, Multi}};
}

TEST(LinearModelTest, SaveLoadPredictIsBitIdentical) {
  const std::vector<float> probe = ProbeMatrix(257, 3);
  const data::MatrixView probe_view{probe.data(), 257, 3};
  for (const Case& test_case : AllCases()) {
    SCOPED_TRACE(std::string(test_case.model) + " " + test_case.params.dump());
    const auto model = FitByName(test_case.model, test_case.params, test_case.data());
    const std::vector<char> bytes = SaveToBytes(*model);
    const auto loaded = LoadFromBytes(test_case.model, bytes);
    EXPECT_EQ(loaded->TypeName(), model->TypeName());
    EXPECT_EQ(loaded->task(), model->task());
    EXPECT_EQ(loaded->n_classes(), model->n_classes());
    EXPECT_EQ(loaded->n_features(), 3);
    EXPECT_EQ(PredictAll(*loaded, probe_view), PredictAll(*model, probe_view));
    EXPECT_EQ(CoefRowMajor(*loaded), CoefRowMajor(*model));
    EXPECT_EQ(SaveToBytes(*loaded), bytes);
  }
}

TEST(LinearModelTest, FittingTwiceGivesTheSameModel) {
  for (const Case& test_case : AllCases()) {
    SCOPED_TRACE(std::string(test_case.model) + " " + test_case.params.dump());
    const auto first = FitByName(test_case.model, test_case.params, test_case.data());
    const auto second = FitByName(test_case.model, test_case.params, test_case.data());
    EXPECT_EQ(SaveToBytes(*first), SaveToBytes(*second));
  }
}

TEST(LinearModelTest, ConcurrentPredictionsAgree) {
  constexpr int kThreads = 8;
  constexpr int64_t kRows = 2000;
  const std::vector<float> probe = ProbeMatrix(kRows, 3);
  const data::MatrixView probe_view{probe.data(), kRows, 3};
  for (const Case& test_case : AllCases()) {
    SCOPED_TRACE(std::string(test_case.model) + " " + test_case.params.dump());
    const auto model = FitByName(test_case.model, test_case.params, test_case.data());
    const std::vector<float> expected = PredictAll(*model, probe_view);
    std::vector<std::vector<float>> outputs(kThreads);
    std::vector<std::thread> threads;
    for (int thread_idx = 0; thread_idx < kThreads; ++thread_idx) {
      threads.emplace_back([&, thread_idx] {
        for (int repeat = 0; repeat < 20; ++repeat) {
          outputs[thread_idx] = PredictAll(*model, probe_view);
        }
      });
    }
    for (std::thread& thread : threads) thread.join();
    for (const std::vector<float>& output : outputs) EXPECT_EQ(output, expected);
  }
}

TEST(LinearModelTest, PredictsRowByRowLikeInBatch) {
  const auto model = FitByName("logistic_regression", {}, Multi());
  const std::vector<float> probe = ProbeMatrix(50, 3);
  const std::vector<float> batch = PredictAll(*model, {probe.data(), 50, 3});
  for (int64_t row = 0; row < 50; ++row) {
    const std::vector<float> single = PredictAll(*model, {probe.data() + row * 3, 1, 3});
    for (int cls = 0; cls < 3; ++cls) EXPECT_NEAR(single[cls], batch[row * 3 + cls], 1e-6f);
  }
}

TEST(LinearModelTest, PredictOnNoRowsWritesNothing) {
  const auto model = FitByName("ridge", {}, Regression());
  std::vector<float> out;
  model->Predict({nullptr, 0, 3}, out);
  EXPECT_TRUE(out.empty());
}

TEST(LinearModelTest, FeatureImportanceIsAbsoluteCoefficientSummedOverClasses) {
  const auto ridge = FitByName("ridge", {}, Regression());
  ExpectAllNear(ridge->FeatureImportance(models::ImportanceType::kCoefficient),
                std::vector<double>{std::abs(ref::kRidgeCoef[0]), std::abs(ref::kRidgeCoef[1]),
                                    std::abs(ref::kRidgeCoef[2])},
                1e-4, "ridge");
  const auto softmax = FitByName("logistic_regression", {}, Multi());
  const std::vector<double> coef = CoefRowMajor(*softmax);
  const std::vector<double> importance =
      softmax->FeatureImportance(models::ImportanceType::kCoefficient);
  ASSERT_EQ(importance.size(), 3u);
  for (int feature = 0; feature < 3; ++feature) {
    const double expected =
        std::abs(coef[feature]) + std::abs(coef[3 + feature]) + std::abs(coef[6 + feature]);
    EXPECT_DOUBLE_EQ(importance[feature], expected);
  }
  EXPECT_TRUE(softmax->FeatureImportance(models::ImportanceType::kGain).empty());
  EXPECT_TRUE(softmax->FeatureImportance(models::ImportanceType::kSplit).empty());
}

// coef * x per feature and the intercept; a binary model's class 0 mirrors class 1.
TEST(LinearModelTest, ContributionsAreCoefficientTimesInputAndTheIntercept) {
  Eigen::MatrixXd coef(1, 3);
  coef << 1.0, -2.0, 0.5;
  Eigen::VectorXd intercept(1);
  intercept << 0.25;
  const models::LinearModel binary("logistic_regression", Task::kClassification, 2, coef,
                                   intercept);
  const std::vector<float> x = {2.0f, 1.0f, -4.0f, 0.0f, 0.5f, 1.0f};
  std::vector<float> out(2 * 2 * 4);
  ASSERT_TRUE(binary.Contributions({x.data(), 2, 3}, out));
  EXPECT_EQ(out, (std::vector<float>{-2.0f, 2.0f, 2.0f, -0.25f, 2.0f, -2.0f, -2.0f, 0.25f,  //
                                     -0.0f, 1.0f, -0.5f, -0.25f, 0.0f, -1.0f, 0.5f, 0.25f}));

  const auto softmax = FitByName("logistic_regression", {}, Multi());
  const std::vector<float> rows = {0.5f, -1.0f, 2.0f};
  std::vector<float> margins(3 * 4);
  ASSERT_TRUE(softmax->Contributions({rows.data(), 1, 3}, margins));
  std::vector<float> probabilities(3);
  softmax->Predict({rows.data(), 1, 3}, probabilities);
  double total = 0.0;
  std::vector<double> exps;
  for (int k = 0; k < 3; ++k) {
    exps.push_back(
        std::exp(margins[k * 4] + margins[k * 4 + 1] + margins[k * 4 + 2] + margins[k * 4 + 3]));
    total += exps.back();
  }
  for (int k = 0; k < 3; ++k) EXPECT_NEAR(exps[k] / total, probabilities[k], 1e-6);

  std::vector<float> wrong(5);
  ExpectError(
      [&] {
        (void)binary.Contributions({x.data(), 2, 3}, wrong);
      },
      StatusCode::kInvalidArgument, "contributions of rows x 2 x 4");
}

// Builds a model state field by field, so that tests can break one field at a time.
using FieldWriter = std::function<void(io::Packer&)>;

std::map<std::string, FieldWriter> ValidBinaryState() {
  return {
      {"version", [](io::Packer& packer) { packer.pack(1); }},
      {"task", [](io::Packer& packer) { packer.pack(std::string("classification")); }},
      {"n_classes", [](io::Packer& packer) { packer.pack(2); }},
      {"n_features", [](io::Packer& packer) { packer.pack(3); }},
      {"coef",
       [](io::Packer& packer) {
         io::PackDoubles(packer, std::vector<double>{1.0, -2.0, 0.5});
       }},
      {"intercept", [](io::Packer& packer) { io::PackDoubles(packer, std::vector<double>{0.25}); }},
  };
}

std::vector<char> PackState(const std::map<std::string, FieldWriter>& fields) {
  msgpack::sbuffer buffer;
  io::Packer packer(buffer);
  packer.pack_map(static_cast<uint32_t>(fields.size()));
  for (const auto& [key, writer] : fields) {
    packer.pack(key);
    writer(packer);
  }
  return {buffer.data(), buffer.data() + buffer.size()};
}

void ExpectCorrupt(const std::map<std::string, FieldWriter>& fields, const std::string& fragment,
                   const char* model = "logistic_regression") {
  SCOPED_TRACE(fragment);
  ExpectError([&] { LoadFromBytes(model, PackState(fields)); }, StatusCode::kCorruptModel,
              fragment);
}

TEST(LinearModelTest, LoadsAHandWrittenState) {
  const auto model = LoadFromBytes("logistic_regression", PackState(ValidBinaryState()));
  const std::vector<float> row = {1.0f, 0.0f, 0.0f};
  const std::vector<float> proba = PredictAll(*model, {row.data(), 1, 3});
  const float positive = static_cast<float>(1.0 / (1.0 + std::exp(-1.25)));
  EXPECT_NEAR(proba[1], positive, 1e-6f);
  EXPECT_NEAR(proba[0], 1.0f - positive, 1e-6f);
}

TEST(LinearModelTest, CorruptStatesAreRejected) {
  auto fields = ValidBinaryState();
  fields.erase("coef");
  ExpectCorrupt(fields, "missing field 'coef'");

  fields = ValidBinaryState();
  fields["coef"] = [](io::Packer& packer) { io::PackDoubles(packer, std::vector<double>{1.0}); };
  ExpectCorrupt(fields, "coef has 1 values, expected 3");

  fields = ValidBinaryState();
  fields["coef"] = [](io::Packer& packer) { packer.pack(std::string("not numbers")); };
  ExpectCorrupt(fields, "expected a packed array");

  fields = ValidBinaryState();
  fields["intercept"] = [](io::Packer& packer) {
    io::PackDoubles(packer, std::vector<double>{std::numeric_limits<double>::quiet_NaN()});
  };
  ExpectCorrupt(fields, "intercept holds a non-finite value");

  fields = ValidBinaryState();
  fields["n_classes"] = [](io::Packer& packer) { packer.pack(1); };
  ExpectCorrupt(fields, "invalid class count");

  fields = ValidBinaryState();
  fields["n_features"] = [](io::Packer& packer) { packer.pack(-3); };
  ExpectCorrupt(fields, "invalid feature count");

  fields = ValidBinaryState();
  fields["n_features"] = [](io::Packer& packer) { packer.pack(std::string("three")); };
  ExpectCorrupt(fields, "n_features");

  fields = ValidBinaryState();
  fields["version"] = [](io::Packer& packer) { packer.pack(2); };
  ExpectCorrupt(fields, "unsupported format version");

  fields = ValidBinaryState();
  fields["task"] = [](io::Packer& packer) { packer.pack(std::string("ranking")); };
  ExpectCorrupt(fields, "unknown task 'ranking'");

  ExpectCorrupt(ValidBinaryState(), "ridge cannot hold a classification model", "ridge");
}

TEST(LinearModelTest, NonMapStateIsCorrupt) {
  msgpack::sbuffer buffer;
  io::Packer packer(buffer);
  packer.pack(42);
  ExpectError(
      [&] {
        LoadFromBytes("ridge", {buffer.data(), buffer.data() + buffer.size()});
      },
      StatusCode::kCorruptModel, "expected a map");
}

}  // namespace
}  // namespace kolosal::testing

namespace kolosal::models {
namespace {

// A row's prediction must not depend on the batch it arrives in.
TEST(LinearModelBatchInvariance, OneRowEqualsTheSameRowInABatch) {
  const int64_t n_rows = 37;
  const int64_t n_features = 11;
  std::vector<float> x(static_cast<size_t>(n_rows * n_features));
  for (size_t idx = 0; idx < x.size(); ++idx) x[idx] = std::sin(0.37f * static_cast<float>(idx));
  for (const int n_classes : {2, 4}) {
    std::vector<float> y(static_cast<size_t>(n_rows));
    for (int64_t row = 0; row < n_rows; ++row) {
      y[static_cast<size_t>(row)] = static_cast<float>(row % n_classes);
    }
    const std::vector<data::FeatureInfo> features(static_cast<size_t>(n_features));
    const TrainData train{{x.data(), n_rows, n_features}, y,        {}, features,
                          Task::kClassification,          n_classes};
    const auto model = ModelRegistry::Builtin()
                           .Find("logistic_regression")
                           .create(nlohmann::json::object(), Task::kClassification)
                           ->Fit(train, FitControl{});
    std::vector<float> batch(static_cast<size_t>(n_rows * n_classes));
    model->Predict({x.data(), n_rows, n_features}, batch);
    for (int64_t row = 0; row < n_rows; ++row) {
      std::vector<float> single(static_cast<size_t>(n_classes));
      model->Predict({x.data() + row * n_features, 1, n_features}, single);
      for (int cls = 0; cls < n_classes; ++cls) {
        EXPECT_EQ(single[static_cast<size_t>(cls)],
                  batch[static_cast<size_t>(row * n_classes + cls)])
            << "row " << row << " class " << cls;
      }
    }
  }
}

}  // namespace
}  // namespace kolosal::models
