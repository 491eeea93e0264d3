#include "kolosal/models/linear/linear_model.hpp"

#include <Eigen/Core>
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

void PredictValues(const FeatureMap& features, const Eigen::MatrixXf& weights,
                   const Eigen::RowVectorXf& offsets, std::span<float> out) {
  Eigen::Map<Eigen::VectorXf> values(out.data(), features.rows());
  values.noalias() = features * weights.col(0);
  values.array() += offsets(0);
}

// The scores go into the first half of `out`, become probabilities there (vectorised), and
// are then spread out to [1 - p, p] pairs from the last row backwards, which never overwrites a
// probability that has not been read yet.
void PredictBinary(const FeatureMap& features, const Eigen::MatrixXf& weights,
                   const Eigen::RowVectorXf& offsets, std::span<float> out) {
  const int64_t n_rows = features.rows();
  Eigen::Map<Eigen::VectorXf> positive(out.data(), n_rows);
  positive.noalias() = features * weights.col(0);
  positive = (1.0f + (-(positive.array() + offsets(0))).exp()).inverse().matrix();
  for (int64_t row_idx = n_rows - 1; row_idx >= 0; --row_idx) {
    const float probability = out[static_cast<size_t>(row_idx)];
    out[static_cast<size_t>(2 * row_idx + 1)] = probability;
    out[static_cast<size_t>(2 * row_idx)] = 1.0f - probability;
  }
}

void PredictMultinomial(const FeatureMap& features, const Eigen::MatrixXf& weights,
                        const Eigen::RowVectorXf& offsets, std::span<float> out) {
  Eigen::Map<RowMajorMatrixXf> probabilities(out.data(), features.rows(), weights.cols());
  probabilities.noalias() = features * weights;
  for (int64_t row_idx = 0; row_idx < probabilities.rows(); ++row_idx) {
    auto row = probabilities.row(row_idx);
    row += offsets;
    row.array() = (row.array() - row.maxCoeff()).exp();
    row /= row.sum();
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
  const FeatureMap features(x.data, x.rows, x.cols);
  if (task_ == Task::kRegression) return PredictValues(features, weights_, offsets_, out);
  if (coef_.rows() == 1) return PredictBinary(features, weights_, offsets_, out);
  PredictMultinomial(features, weights_, offsets_, out);
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
  (void)type;
  const Eigen::RowVectorXd importance = coef_.cwiseAbs().colwise().sum();
  return {importance.data(), importance.data() + importance.size()};
}

}  // namespace kolosal::models
