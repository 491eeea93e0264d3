#pragma once

#include <Eigen/Core>

#include "kolosal/models/model.hpp"

namespace kolosal::models::detail {

/// The data term of logistic regression, sum_i w_i * loss_i with weights that sum to one.
/// Binary problems have one score column (sigmoid), multi-class problems one per class
/// (softmax). Scores are `x * coef^T + intercept`, n_rows x n_outputs.
class LogisticLoss {
 public:
  /// `labels` holds class indices; `weights` one non-negative weight per row (normalised here).
  LogisticLoss(Eigen::MatrixXd x, const Eigen::VectorXd& labels, const Eigen::VectorXd& weights,
               int n_classes);
  LogisticLoss(const LogisticLoss&) = delete;
  LogisticLoss& operator=(const LogisticLoss&) = delete;

  int n_outputs() const { return static_cast<int>(targets_.cols()); }
  const Eigen::MatrixXd& x() const { return x_; }
  /// Normalised row weights (sum to one).
  const Eigen::VectorXd& weights() const { return weights_; }

  Eigen::MatrixXd Scores(const Eigen::MatrixXd& coef, const Eigen::VectorXd& intercept) const;
  double Value(const Eigen::MatrixXd& scores) const;
  /// sigmoid(scores) for binary, row-wise softmax(scores) otherwise.
  Eigen::MatrixXd Probabilities(const Eigen::MatrixXd& scores) const;
  /// d Value / d scores = weights * (probabilities - targets).
  Eigen::MatrixXd ScoreGradient(const Eigen::MatrixXd& probabilities) const;

 private:
  Eigen::MatrixXd x_;
  Eigen::MatrixXd targets_;  // 0/1 for binary, one-hot otherwise
  Eigen::VectorXd weights_;
};

}  // namespace kolosal::models::detail
