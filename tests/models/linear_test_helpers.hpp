#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <msgpack.hpp>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kolosal/core/fit_control.hpp"
#include "kolosal/data/csv_reader.hpp"
#include "kolosal/data/split.hpp"
#include "kolosal/models/linear/linear_model.hpp"
#include "kolosal/models/registry.hpp"
#include "kolosal/prep/pipeline.hpp"

namespace kolosal::testing {

/// A row-major float matrix with its labels, owned, for building TrainData in tests.
struct SmallData {
  std::vector<float> x;
  int64_t cols = 0;
  std::vector<float> y;
  std::vector<float> weights;
  Task task = Task::kRegression;
  int n_classes = 0;

  int64_t rows() const { return static_cast<int64_t>(x.size()) / cols; }
  data::MatrixView view() const { return {x.data(), rows(), cols}; }
  models::TrainData train_data() const {
    return models::TrainData{view(), y, weights, {}, task, n_classes};
  }
};

/// A real dataset split 75/25 (stratified, seed 0) and run through a model's default
/// preprocessing, fitted on the training part.
struct Holdout {
  data::FeatureMatrix train;
  data::FeatureMatrix test;
  std::vector<float> train_y;
  std::vector<float> test_y;
  Task task = Task::kRegression;
  int n_classes = 0;

  models::TrainData train_data() const {
    return models::TrainData{train.view(), train_y, {}, train.features, task, n_classes};
  }
};

inline Holdout PrepareHoldout(const std::string& path, const std::string& target,
                              const models::ModelTraits& traits) {
  data::CsvOptions options;
  options.target = target;
  const data::Dataset dataset = data::ReadCsv(path, options);
  const data::Labels& labels = dataset.labels();
  const data::TrainTestIndices split = data::TrainTestSplit(dataset.n_rows(), 0.25, 0, &labels);
  const data::Dataset train = dataset.Take(split.train);
  const data::Dataset test = dataset.Take(split.test);
  prep::Pipeline pipeline(models::DefaultPreprocessing(traits));
  Holdout holdout;
  holdout.train = pipeline.FitTransform(train);
  holdout.test = pipeline.Transform(test);
  holdout.train_y = train.labels().values;
  holdout.test_y = test.labels().values;
  holdout.task = labels.task;
  holdout.n_classes = labels.n_classes();
  return holdout;
}

/// Integer sample weights 1, 2, 3, 1, 2, 3, ... and the same data with each row repeated that
/// many times: the two must give the same model.
inline std::pair<SmallData, SmallData> WeightedAndRepeated(const SmallData& data) {
  SmallData weighted = data;
  SmallData repeated = data;
  repeated.x.clear();
  repeated.y.clear();
  for (int64_t row = 0; row < data.rows(); ++row) {
    const int copies = static_cast<int>(row % 3) + 1;
    weighted.weights.push_back(static_cast<float>(copies));
    for (int copy = 0; copy < copies; ++copy) {
      repeated.x.insert(repeated.x.end(), data.x.begin() + row * data.cols,
                        data.x.begin() + (row + 1) * data.cols);
      repeated.y.push_back(data.y[static_cast<size_t>(row)]);
    }
  }
  return {weighted, repeated};
}

inline std::unique_ptr<models::Model> FitByName(std::string_view name, const nlohmann::json& params,
                                                const SmallData& data,
                                                const FitControl& control = FitControl()) {
  const models::ModelEntry& entry = models::ModelRegistry::Builtin().Find(name);
  return entry.create(params, data.task)->Fit(data.train_data(), control);
}

inline std::vector<float> PredictAll(const models::Model& model, data::MatrixView x) {
  std::vector<float> out(static_cast<size_t>(x.rows * model.n_outputs()));
  model.Predict(x, out);
  return out;
}

inline std::vector<char> SaveToBytes(const models::Model& model) {
  msgpack::sbuffer buffer;
  io::Packer packer(buffer);
  model.Save(packer);
  return {buffer.data(), buffer.data() + buffer.size()};
}

inline std::unique_ptr<models::Model> LoadFromBytes(std::string_view name,
                                                    const std::vector<char>& bytes) {
  const msgpack::object_handle handle = msgpack::unpack(bytes.data(), bytes.size());
  return models::ModelRegistry::Builtin().Find(name).load(handle.get());
}

/// The coefficients of a fitted linear model, row-major (one row per class), as scikit-learn's
/// coef_.ravel().
inline std::vector<double> CoefRowMajor(const models::Model& model) {
  const auto& linear = dynamic_cast<const models::LinearModel&>(model);
  std::vector<double> values;
  for (Eigen::Index row = 0; row < linear.coef().rows(); ++row) {
    for (Eigen::Index col = 0; col < linear.coef().cols(); ++col) {
      values.push_back(linear.coef()(row, col));
    }
  }
  return values;
}

inline std::vector<double> Intercepts(const models::Model& model) {
  const auto& linear = dynamic_cast<const models::LinearModel&>(model);
  return {linear.intercept().data(), linear.intercept().data() + linear.intercept().size()};
}

/// Element-wise |actual - expected| <= rel_tol * max(1, |expected|).
template <typename Actual, typename Expected>
void ExpectAllNear(const Actual& actual, const Expected& expected, double rel_tol,
                   std::string_view what) {
  ASSERT_EQ(static_cast<size_t>(actual.size()), static_cast<size_t>(expected.size())) << what;
  for (size_t idx = 0; idx < static_cast<size_t>(expected.size()); ++idx) {
    const double want = static_cast<double>(expected[idx]);
    const double got = static_cast<double>(actual[idx]);
    EXPECT_NEAR(got, want, rel_tol * std::max(1.0, std::abs(want))) << what << " [" << idx << "]";
  }
}

/// Calls `body` and expects it to throw kolosal::Error with `code` and a message containing
/// `fragment`.
template <typename Body>
void ExpectError(Body&& body, StatusCode code, std::string_view fragment) {
  try {
    body();
    ADD_FAILURE() << "expected an Error containing '" << fragment << "'";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), code) << error.what();
    EXPECT_NE(std::string(error.what()).find(fragment), std::string::npos) << error.what();
  }
}

}  // namespace kolosal::testing
