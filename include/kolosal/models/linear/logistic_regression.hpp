#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string_view>

#include "kolosal/models/model.hpp"

namespace kolosal::models {

enum class LogisticPenalty { kL2, kL1, kElasticNet };

/// Hyperparameters of logistic_regression, with scikit-learn's meaning and defaults.
struct LogisticRegressionParams {
  double c = 1.0;  // "C": inverse regularisation strength
  LogisticPenalty penalty = LogisticPenalty::kL2;
  double l1_ratio = 0.5;  // elasticnet only: 0 = pure l2, 1 = pure l1
  bool fit_intercept = true;
  bool balanced_class_weight = false;  // "class_weight": "none" | "balanced"
  int max_iter = 100;
  double tol = 1e-4;

  /// Parses {"C", "penalty", "l1_ratio", "fit_intercept", "class_weight", "max_iter", "tol"}
  /// (plus the accepted and unused "random_state" and "n_jobs"). Throws Error(kInvalidArgument)
  /// for a value out of range or an unknown key (with a did-you-mean suggestion).
  static LogisticRegressionParams FromJson(const nlohmann::json& params);
};

/// Binary (sigmoid) and multinomial (softmax) logistic regression minimising, like
/// scikit-learn, `C * sum_i w_i * loss_i + penalty(coef)` with an unpenalised intercept.
/// The l2 penalty is solved with L-BFGS. With an l1 part (l1, elasticnet), binary problems use
/// proximal Newton with coordinate descent inside (glmnet's and liblinear's method) and
/// multi-class problems OWL-QN. `tol` bounds the largest (sub)gradient entry of the objective
/// divided by C * sum(weights), as in scikit-learn's newton-cholesky solver. Training data are
/// class indices; features must be finite. Fit() is const and may run on many folds at once.
class LogisticRegression final : public Estimator {
 public:
  static constexpr std::string_view kName = "logistic_regression";

  explicit LogisticRegression(LogisticRegressionParams params) : params_(params) {}

  std::unique_ptr<Model> Fit(const TrainData& data, const FitControl& control) const override;

  const LogisticRegressionParams& params() const { return params_; }

 private:
  LogisticRegressionParams params_;
};

}  // namespace kolosal::models
