#include "kolosal/models/linear/linear_model.hpp"

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <limits>

#include "kolosal/core/error.hpp"
#include "kolosal/io/msgpack_io.hpp"
#include "kolosal/models/linear/detail/linear_input.hpp"

namespace kolosal::models {
namespace {

using detail::RowMajorMatrixXf;
using FeatureMap = Eigen::Map<const RowMajorMatrixXf>;
using RowMajorMatrixXd = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

constexpr int kFormatVersion = 1;
constexpr int64_t kMaxClasses = 1 << 20;
constexpr int64_t kMaxFeatures = int64_t{1} << 31;

int CoefRowsFor(Task task, int n_classes) {
  return task == Task::kClassification && n_classes > 2 ? n_classes : 1;
}

// Every row is computed on its own with the same operations (one dot product per output,
// scalar exp), so a row's prediction does not depend on the batch it arrives in: predicting one
// row gives bit for bit what the same row gives inside a large batch.
float RowScore(const FeatureMap& features, int64_t row_idx, const Eigen::MatrixXf& weights,
               int64_t output_idx) {
  return features.row(row_idx).dot(weights.col(output_idx).transpose());
}

void PredictValues(const FeatureMap& features, const Eigen::MatrixXf& weights,
                   const Eigen::RowVectorXf& offsets, std::span<float> out) {
  for (int64_t row_idx = 0; row_idx < features.rows(); ++row_idx) {
    out[static_cast<size_t>(row_idx)] = RowScore(features, row_idx, weights, 0) + offsets(0);
  }
}

void PredictBinary(const FeatureMap& features, const Eigen::MatrixXf& weights,
                   const Eigen::RowVectorXf& offsets, std::span<float> out) {
  for (int64_t row_idx = 0; row_idx < features.rows(); ++row_idx) {
    const float score = RowScore(features, row_idx, weights, 0) + offsets(0);
    const float probability = 1.0f / (1.0f + std::exp(-score));
    out[static_cast<size_t>(2 * row_idx)] = 1.0f - probability;
    out[static_cast<size_t>(2 * row_idx + 1)] = probability;
  }
}

void PredictMultinomial(const FeatureMap& features, const Eigen::MatrixXf& weights,
                        const Eigen::RowVectorXf& offsets, std::span<float> out) {
  const int64_t n_classes = weights.cols();
  for (int64_t row_idx = 0; row_idx < features.rows(); ++row_idx) {
    float* row = out.data() + row_idx * n_classes;
    for (int64_t class_idx = 0; class_idx < n_classes; ++class_idx) {
      row[class_idx] = RowScore(features, row_idx, weights, class_idx) + offsets(class_idx);
    }
    const float max_score = *std::max_element(row, row + n_classes);
    float total = 0.0f;
    for (int64_t class_idx = 0; class_idx < n_classes; ++class_idx) {
      row[class_idx] = std::exp(row[class_idx] - max_score);
      total += row[class_idx];
    }
    for (int64_t class_idx = 0; class_idx < n_classes; ++class_idx) row[class_idx] /= total;
  }
}

bool AllFinite(const std::vector<double>& values) {
  for (const double value : values) {
    if (!std::isfinite(value)) return false;
  }
  return true;
}

Task ReadTask(const msgpack::object& state) {
  const auto name = io::ReadField<std::string>(state, "task");
  if (name == "classification") return Task::kClassification;
  if (name == "regression") return Task::kRegression;
  io::ThrowCorrupt("unknown task '" + name + "'");
}

// Reads a double array field and checks it has exactly `expected` finite values.
std::vector<double> ReadCheckedDoubles(const msgpack::object& state, std::string_view key,
                                       int64_t expected) {
  std::vector<double> values = io::ReadDoubles(io::Field(state, key), key);
  if (static_cast<int64_t>(values.size()) != expected) {
    io::ThrowCorrupt(std::string(key) + " has " + std::to_string(values.size()) +
                     " values, expected " + std::to_string(expected));
  }
  if (!AllFinite(values)) io::ThrowCorrupt(std::string(key) + " holds a non-finite value");
  return values;
}

}  // namespace

LinearModel::LinearModel(std::string type_name, Task task, int n_classes, Eigen::MatrixXd coef,
                         Eigen::VectorXd intercept)
    : type_name_(std::move(type_name)),
      task_(task),
      n_classes_(task == Task::kClassification ? n_classes : 0),
      coef_(std::move(coef)),
      intercept_(std::move(intercept)),
      weights_(coef_.transpose().cast<float>()),
      offsets_(intercept_.transpose().cast<float>()) {
  if (coef_.rows() != CoefRowsFor(task_, n_classes_) || intercept_.size() != coef_.rows()) {
    throw Error(StatusCode::kInternal, "LinearModel: coefficient shape does not match the task");
  }
}

void LinearModel::Predict(data::MatrixView x, std::span<float> out) const {
  if (x.rows <= 0) return;
  detail::CheckFeaturesFinite(x);
  const FeatureMap features(x.data, x.rows, x.cols);
  if (task_ == Task::kRegression) return PredictValues(features, weights_, offsets_, out);
  if (coef_.rows() == 1) return PredictBinary(features, weights_, offsets_, out);
  PredictMultinomial(features, weights_, offsets_, out);
}

bool LinearModel::Contributions(data::MatrixView x, std::span<float> out) const {
  CheckContributionShape(*this, x, out.size());
  detail::CheckFeaturesFinite(x);
  const int64_t width = n_features() + 1;
  const int64_t n_out = n_outputs();
  // Binary classification: one coefficient row for class 1.
  const int64_t first = n_out - coef_.rows();
  std::vector<double> values(out.size(), 0.0);
  for (int64_t row = 0; row < x.rows; ++row) {
    for (int64_t coef_row = 0; coef_row < coef_.rows(); ++coef_row) {
      double* dst = values.data() + (row * n_out + first + coef_row) * width;
      for (int64_t col = 0; col < n_features(); ++col)
        dst[col] = coef_(coef_row, col) * x.at(row, col);
      dst[width - 1] = intercept_(coef_row);
    }
  }
  if (first == 1) MirrorBinaryContributions(values, width);
  std::copy(values.begin(), values.end(), out.begin());
  return true;
}

void LinearModel::Save(io::Packer& packer) const {
  const RowMajorMatrixXd coef_rows = coef_;
  packer.pack_map(6);
  io::PackKey(packer, "version");
  packer.pack(kFormatVersion);
  io::PackKey(packer, "task");
  packer.pack(TaskName(task_));
  io::PackKey(packer, "n_classes");
  packer.pack(n_classes_);
  io::PackKey(packer, "n_features");
  packer.pack(static_cast<int64_t>(coef_.cols()));
  io::PackKey(packer, "coef");
  io::PackDoubles(packer, std::span<const double>(coef_rows.data(), coef_rows.size()));
  io::PackKey(packer, "intercept");
  io::PackDoubles(packer, std::span<const double>(intercept_.data(), intercept_.size()));
}

std::unique_ptr<LinearModel> LinearModel::Load(const msgpack::object& state, std::string type_name,
                                               Task expected_task) {
  if (io::ReadField<int>(state, "version") != kFormatVersion) {
    io::ThrowCorrupt(type_name + ": unsupported format version");
  }
  const Task task = ReadTask(state);
  if (task != expected_task) {
    io::ThrowCorrupt(type_name + " cannot hold a " + std::string(TaskName(task)) + " model");
  }
  const auto n_classes = io::ReadField<int64_t>(state, "n_classes");
  const bool classes_valid =
      task == Task::kClassification ? n_classes >= 2 && n_classes <= kMaxClasses : n_classes == 0;
  if (!classes_valid) io::ThrowCorrupt(type_name + ": invalid class count");
  const auto n_features = io::ReadField<int64_t>(state, "n_features");
  if (n_features < 0 || n_features > kMaxFeatures) {
    io::ThrowCorrupt(type_name + ": invalid feature count");
  }
  const int n_rows = CoefRowsFor(task, static_cast<int>(n_classes));
  const std::vector<double> coef = ReadCheckedDoubles(state, "coef", n_rows * n_features);
  const std::vector<double> intercept = ReadCheckedDoubles(state, "intercept", n_rows);
  return std::make_unique<LinearModel>(
      std::move(type_name), task, static_cast<int>(n_classes),
      Eigen::Map<const RowMajorMatrixXd>(coef.data(), n_rows, n_features),
      Eigen::Map<const Eigen::VectorXd>(intercept.data(), n_rows));
}

std::vector<double> LinearModel::FeatureImportance(ImportanceType type) const {
  if (type != ImportanceType::kCoefficient) return {};
  const Eigen::RowVectorXd importance = coef_.cwiseAbs().colwise().sum();
  return {importance.data(), importance.data() + importance.size()};
}

}  // namespace kolosal::models
