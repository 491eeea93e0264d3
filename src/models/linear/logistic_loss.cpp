#include "kolosal/models/linear/detail/logistic_loss.hpp"

#include <Eigen/Core>

namespace kolosal::models::detail {
namespace {

Eigen::MatrixXd Targets(const Eigen::VectorXd& labels, int n_classes) {
  if (n_classes == 2) return (labels.array() == 1.0).cast<double>().matrix();
  Eigen::MatrixXd one_hot = Eigen::MatrixXd::Zero(labels.size(), n_classes);
  for (Eigen::Index row_idx = 0; row_idx < labels.size(); ++row_idx) {
    one_hot(row_idx, static_cast<Eigen::Index>(labels(row_idx))) = 1.0;
  }
  return one_hot;
}

// log(sum_k exp(scores_k)) per row, shifted by the row maximum so that nothing overflows.
Eigen::VectorXd LogSumExp(const Eigen::MatrixXd& scores) {
  const Eigen::VectorXd row_max = scores.rowwise().maxCoeff();
  const Eigen::ArrayXd sums = (scores.colwise() - row_max).array().exp().rowwise().sum();
  return row_max.array() + sums.log();
}

}  // namespace

LogisticLoss::LogisticLoss(Eigen::MatrixXd x, const Eigen::VectorXd& labels,
                           const Eigen::VectorXd& weights, int n_classes)
    : x_(std::move(x)), targets_(Targets(labels, n_classes)), weights_(weights / weights.sum()) {}

Eigen::MatrixXd LogisticLoss::Scores(const Eigen::MatrixXd& coef,
                                     const Eigen::VectorXd& intercept) const {
  Eigen::MatrixXd scores = x_ * coef.transpose();
  scores.rowwise() += intercept.transpose();
  return scores;
}

double LogisticLoss::Value(const Eigen::MatrixXd& scores) const {
  if (n_outputs() == 1) {
    // softplus(z) - y z, with softplus written so that exp never overflows.
    const Eigen::ArrayXd z = scores.col(0).array();
    const Eigen::ArrayXd loss = z.max(0.0) + (-z.abs()).exp().log1p() - targets_.col(0).array() * z;
    return weights_.dot(loss.matrix());
  }
  const Eigen::VectorXd true_scores = targets_.cwiseProduct(scores).rowwise().sum();
  return weights_.dot(LogSumExp(scores) - true_scores);
}

Eigen::MatrixXd LogisticLoss::Probabilities(const Eigen::MatrixXd& scores) const {
  if (n_outputs() == 1) return (1.0 + (-scores.array()).exp()).inverse().matrix();
  return (scores.colwise() - LogSumExp(scores)).array().exp().matrix();
}

Eigen::MatrixXd LogisticLoss::ScoreGradient(const Eigen::MatrixXd& probabilities) const {
  return ((probabilities - targets_).array().colwise() * weights_.array()).matrix();
}

}  // namespace kolosal::models::detail
