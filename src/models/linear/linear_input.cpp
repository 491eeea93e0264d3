#include "kolosal/models/linear/detail/linear_input.hpp"

#include <Eigen/Dense>
#include <cmath>
#include <string>

#include "kolosal/core/error.hpp"
#include "kolosal/models/linear/linear_model.hpp"

namespace kolosal::models::detail {
namespace {

// Pivots below this fraction of the largest count as zero: the features are float32, so a
// direction they resolve only below float32 precision is rounding noise, and fitting it would
// give huge coefficients that cancel in training and explode in float32 prediction (one-hot
// columns, which sum to the intercept column, are the common case).
constexpr double kRankThreshold = 1e-7;

bool IsClassIndex(float label, int n_classes) {
  return std::isfinite(label) && label >= 0 && label < static_cast<float>(n_classes) &&
         std::floor(label) == label;
}

void CheckTargets(const TrainData& data, std::string_view model_name) {
  const std::string context(model_name);
  if (data.y.size() != static_cast<size_t>(data.x.rows)) {
    ThrowInvalidArgument(context + ": " + std::to_string(data.y.size()) + " targets for " +
                         std::to_string(data.x.rows) + " rows");
  }
  if (data.task == Task::kClassification && data.n_classes < 2) {
    ThrowInvalidArgument(context + ": classification needs at least 2 classes, got " +
                         std::to_string(data.n_classes));
  }
  for (size_t row_idx = 0; row_idx < data.y.size(); ++row_idx) {
    const float label = data.y[row_idx];
    const bool valid = data.task == Task::kClassification ? IsClassIndex(label, data.n_classes)
                                                          : std::isfinite(label);
    if (valid) continue;
    ThrowInvalidArgument(context + ": target of row " + std::to_string(row_idx) + " (" +
                         std::to_string(label) + ") is not " +
                         (data.task == Task::kClassification
                              ? "a class index in [0, " + std::to_string(data.n_classes) + ")"
                              : std::string("a finite number")));
  }
}

void CheckSampleWeights(const TrainData& data, std::string_view model_name) {
  if (data.sample_weight.empty()) return;
  const std::string context(model_name);
  if (data.sample_weight.size() != static_cast<size_t>(data.x.rows)) {
    ThrowInvalidArgument(context + ": " + std::to_string(data.sample_weight.size()) +
                         " sample weights for " + std::to_string(data.x.rows) + " rows");
  }
  double total = 0.0;
  for (size_t row_idx = 0; row_idx < data.sample_weight.size(); ++row_idx) {
    const float weight = data.sample_weight[row_idx];
    if (!std::isfinite(weight) || weight < 0) {
      ThrowInvalidArgument(context + ": sample weight of row " + std::to_string(row_idx) +
                           " must be finite and non-negative");
    }
    total += weight;
  }
  if (total <= 0) ThrowInvalidArgument(context + ": the sample weights sum to zero");
}

std::string DescribeNonFinite(float value) {
  if (std::isnan(value)) return "NaN";
  return value > 0 ? "inf" : "-inf";
}

}  // namespace

void CheckFeaturesFinite(data::MatrixView x) {
  const Eigen::Map<const RowMajorMatrixXf> features(x.data, x.rows, x.cols);
  if (features.allFinite()) return;
  for (int64_t row_idx = 0; row_idx < x.rows; ++row_idx) {
    for (int64_t feature_idx = 0; feature_idx < x.cols; ++feature_idx) {
      const float value = x.at(row_idx, feature_idx);
      if (std::isfinite(value)) continue;
      const std::string where = "row " + std::to_string(row_idx + 1) + ", feature " +
                                std::to_string(feature_idx) + " (after preprocessing)";
      if (std::isnan(value)) {
        ThrowInvalidArgument(where +
                             " is NaN; impute missing values first or use a model that "
                             "handles them (the tree models)");
      }
      ThrowInvalidArgument(where + " is " + DescribeNonFinite(value) +
                           "; linear models need finite values: clip or drop it first");
    }
  }
}

void AllowSharedKeys(ConfigReader& reader) {
  reader.Allow("random_state");
  reader.Allow("n_jobs");
}

void RequireTask(Task task, Task supported, std::string_view model_name) {
  if (task == supported) return;
  ThrowInvalidArgument("model '" + std::string(model_name) + "' supports " +
                       std::string(TaskName(supported)) + " only, not " +
                       std::string(TaskName(task)));
}

void ValidateTrainData(const TrainData& data, Task supported, std::string_view model_name) {
  RequireTask(data.task, supported, model_name);
  if (data.x.rows <= 0 || data.x.cols <= 0 || data.x.data == nullptr) {
    ThrowInvalidArgument(std::string(model_name) + ": the training matrix is empty (" +
                         std::to_string(data.x.rows) + " x " + std::to_string(data.x.cols) + ")");
  }
  CheckTargets(data, model_name);
  CheckSampleWeights(data, model_name);
  CheckFeaturesFinite(data.x);
}

Eigen::MatrixXd ToDoubleMatrix(data::MatrixView x) {
  return Eigen::Map<const RowMajorMatrixXf>(x.data, x.rows, x.cols).cast<double>();
}

Eigen::VectorXd SampleWeights(const TrainData& data) {
  if (data.sample_weight.empty()) return Eigen::VectorXd::Ones(data.x.rows);
  return Eigen::Map<const Eigen::VectorXf>(data.sample_weight.data(), data.x.rows).cast<double>();
}

WeightedLeastSquares PrepareLeastSquares(const TrainData& data, const Eigen::VectorXd& weights,
                                         bool fit_intercept) {
  WeightedLeastSquares problem{
      ToDoubleMatrix(data.x),
      Eigen::Map<const Eigen::VectorXf>(data.y.data(), data.x.rows).cast<double>(),
      Eigen::RowVectorXd::Zero(data.x.cols), 0.0};
  if (fit_intercept) {
    const double total = weights.sum();
    problem.x_mean = (weights.transpose() * problem.x) / total;
    problem.y_mean = weights.dot(problem.y) / total;
    problem.x.rowwise() -= problem.x_mean;
    problem.y.array() -= problem.y_mean;
  }
  const Eigen::ArrayXd sqrt_weights = weights.array().sqrt();
  problem.x.array().colwise() *= sqrt_weights;
  problem.y.array() *= sqrt_weights;
  return problem;
}

std::unique_ptr<Model> MakeRegressionModel(std::string_view type_name,
                                           const WeightedLeastSquares& problem,
                                           const Eigen::VectorXd& coef) {
  Eigen::VectorXd intercept(1);
  intercept(0) = problem.y_mean - problem.x_mean.dot(coef);
  return std::make_unique<LinearModel>(std::string(type_name), Task::kRegression, 0,
                                       coef.transpose(), intercept);
}

Eigen::VectorXd SolveMinimumNorm(const Eigen::MatrixXd& x, const Eigen::VectorXd& y) {
  Eigen::CompleteOrthogonalDecomposition<Eigen::MatrixXd> decomposition(x.rows(), x.cols());
  decomposition.setThreshold(kRankThreshold);
  decomposition.compute(x);
  return decomposition.solve(y);
}

}  // namespace kolosal::models::detail
