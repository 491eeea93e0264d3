#pragma once

#include <Eigen/Core>
#include <memory>
#include <string>
#include <string_view>

#include "kolosal/models/model.hpp"

namespace kolosal::models {

/// A fitted linear model, shared by every estimator of the linear family.
///
/// Regression predicts `x * coef^T + intercept`. Binary classification keeps one coefficient row
/// and predicts [1 - sigmoid(z), sigmoid(z)]; multi-class keeps one row per class and predicts
/// softmax(z). Coefficients are kept in double (what the solvers produced, what is saved) and in
/// float (what Predict multiplies with), the latter derived from the former, so a saved and
/// reloaded model predicts bit for bit the same.
class LinearModel final : public Model {
 public:
  /// `coef` is n_coef_rows x n_features and `intercept` has n_coef_rows entries, where
  /// n_coef_rows is 1 for regression and binary classification and n_classes otherwise.
  LinearModel(std::string type_name, Task task, int n_classes, Eigen::MatrixXd coef,
              Eigen::VectorXd intercept);

  std::string_view TypeName() const override { return type_name_; }
  Task task() const override { return task_; }
  int n_classes() const override { return n_classes_; }
  int64_t n_features() const override { return coef_.cols(); }
  /// Thread-safe, allocation-light, never throws for `x.cols == n_features()` and
  /// `out.size() == x.rows * n_outputs()`.
  void Predict(data::MatrixView x, std::span<float> out) const override;
  void Save(io::Packer& packer) const override;
  /// |coef| per feature, summed over the coefficient rows (classes); `type` is not used.
  std::vector<double> FeatureImportance(ImportanceType type) const override;
  /// coef * x per feature and the intercept as the bias, in margin space, as XGBoost's
  /// gblinear gives them: with standardised inputs (the default pipeline) the features' training
  /// means are 0, which makes these the exact SHAP values.
  bool Contributions(data::MatrixView x, std::span<float> out) const override;

  /// Reads what Save() wrote. Throws Error(kCorruptModel) for a malformed state or one whose
  /// task is not `expected_task`.
  static std::unique_ptr<LinearModel> Load(const msgpack::object& state, std::string type_name,
                                           Task expected_task);

  const Eigen::MatrixXd& coef() const { return coef_; }
  const Eigen::VectorXd& intercept() const { return intercept_; }

 private:
  std::string type_name_;
  Task task_;
  int n_classes_;
  Eigen::MatrixXd coef_;
  Eigen::VectorXd intercept_;
  Eigen::MatrixXf weights_;     // coef_ transposed, in float: n_features x n_coef_rows
  Eigen::RowVectorXf offsets_;  // intercept_ in float
};

}  // namespace kolosal::models
