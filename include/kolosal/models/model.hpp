#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "kolosal/core/error.hpp"
#include "kolosal/core/fit_control.hpp"
#include "kolosal/core/task.hpp"
#include "kolosal/data/feature_matrix.hpp"
#include "kolosal/data/matrix_view.hpp"
#include "kolosal/io/msgpack_io.hpp"

namespace kolosal::models {

/// What an estimator learns from. `y` holds class indices (as floats) for classification and
/// targets for regression. `sample_weight` is empty or has one weight per row.
struct TrainData {
  data::MatrixView x;
  std::span<const float> y;
  std::span<const float> sample_weight;
  std::span<const data::FeatureInfo> features;  // one per column of x
  Task task = Task::kRegression;
  int n_classes = 0;  // classification only
};

/// kGain: total loss reduction of the splits on a feature; kSplit: how many splits use it (tree
/// models). kCoefficient: the sum over outputs of |coefficient| (linear models).
enum class ImportanceType { kGain, kSplit, kCoefficient };
inline constexpr ImportanceType kImportanceTypes[] = {ImportanceType::kGain, ImportanceType::kSplit,
                                                      ImportanceType::kCoefficient};

/// "gain", "split" or "coefficient".
constexpr std::string_view ImportanceTypeName(ImportanceType type) {
  switch (type) {
    case ImportanceType::kGain:
      return "gain";
    case ImportanceType::kSplit:
      return "split";
    case ImportanceType::kCoefficient:
      return "coefficient";
  }
  return "unknown";
}

/// A fitted model. Predict() is const, never throws for well-shaped input, and is safe to call
/// from many threads at once.
class Model {
 public:
  Model() = default;
  Model(const Model&) = delete;
  Model& operator=(const Model&) = delete;
  virtual ~Model() = default;

  /// The registry name of the estimator that made this model.
  virtual std::string_view TypeName() const = 0;
  virtual Task task() const = 0;
  /// Number of classes (classification) or 0 (regression).
  virtual int n_classes() const = 0;
  virtual int64_t n_features() const = 0;
  /// Writes `x.rows * n_outputs()` values: class probabilities (row-major) for classification,
  /// predicted values for regression. `x.cols` equals n_features().
  virtual void Predict(data::MatrixView x, std::span<float> out) const = 0;
  /// Writes the fitted state as one msgpack value (loaded by the registry entry's `load`).
  virtual void Save(io::Packer& packer) const = 0;
  /// One value per feature; empty when the model has no importance of this type.
  virtual std::vector<double> FeatureImportance(ImportanceType type) const {
    (void)type;
    return {};
  }

  /// SHAP contributions: for every row and output, n_features() values and then the bias (the
  /// expected output), laid out rows x n_outputs() x (n_features() + 1). They sum to the output
  /// before any link: class margins (log-odds) for boosting and logistic models, probabilities for
  /// forests, values for regression. False when the model cannot explain its predictions.
  virtual bool Contributions(data::MatrixView x, std::span<float> out) const {
    (void)x;
    (void)out;
    return false;
  }

  /// Facts about the fitted model for its metadata ("model_summary"): tree and round counts,
  /// the out-of-bag score. An empty object when there is nothing to add.
  virtual nlohmann::json Summary() const { return nlohmann::json::object(); }

  int n_outputs() const { return task() == Task::kClassification ? n_classes() : 1; }
};

/// Throws Error(kInvalidArgument) unless `x` has model.n_features() columns and `out_size` is
/// x.rows * n_outputs() * (n_features() + 1), the shape Model::Contributions takes.
inline void CheckContributionShape(const Model& model, data::MatrixView x, size_t out_size) {
  const int64_t width = model.n_features() + 1;
  if (x.cols != model.n_features() ||
      static_cast<int64_t>(out_size) != x.rows * model.n_outputs() * width) {
    ThrowInvalidArgument(std::string(model.TypeName()) + ": expected " +
                         std::to_string(model.n_features()) +
                         " columns and contributions of rows x " +
                         std::to_string(model.n_outputs()) + " x " + std::to_string(width));
  }
}

/// A binary model explains class 1's log-odds; class 0's are their negatives. Writes output 0
/// of every row (two outputs of `width` values each) from output 1.
inline void MirrorBinaryContributions(std::span<double> values, int64_t width) {
  for (size_t base = 0; base < values.size(); base += static_cast<size_t>(2 * width)) {
    for (int64_t idx = 0; idx < width; ++idx) values[base + idx] = -values[base + width + idx];
  }
}

/// A configured, unfitted learner. Fit() is const so one estimator can fit many folds at once.
class Estimator {
 public:
  Estimator() = default;
  Estimator(const Estimator&) = delete;
  Estimator& operator=(const Estimator&) = delete;
  virtual ~Estimator() = default;

  /// Throws Error(kInvalidArgument) for data the estimator cannot learn from (e.g. NaN where
  /// none is allowed, a task it does not support) and Error(kCancelled) when cancelled.
  virtual std::unique_ptr<Model> Fit(const TrainData& data, const FitControl& control) const = 0;
};

}  // namespace kolosal::models
