#pragma once

#include <Eigen/Core>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "kolosal/core/config.hpp"
#include "kolosal/models/model.hpp"

namespace kolosal::models::detail {

using RowMajorMatrixXf = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

/// Marks the keys every model accepts and the linear models ignore: "random_state" (the solvers
/// are deterministic) and "n_jobs".
void AllowSharedKeys(ConfigReader& reader);

/// Throws Error(kInvalidArgument) unless `task` is the one `model_name` supports.
void RequireTask(Task task, Task supported, std::string_view model_name);

/// Checks what a linear model needs from `data`: the task `model_name` supports, at least one
/// row and one feature, finite features (naming the first NaN or inf cell), one finite target
/// per row (a class index in [0, n_classes) for classification, n_classes >= 2), and finite,
/// non-negative sample weights with a positive sum. Throws Error(kInvalidArgument).
void ValidateTrainData(const TrainData& data, Task supported, std::string_view model_name);

/// Throws Error(kInvalidArgument) naming the first NaN or inf cell of `x`: linear models need
/// finite inputs, in training and in prediction (as scikit-learn checks).
void CheckFeaturesFinite(data::MatrixView x);

/// `x` as a column-major double matrix, the layout the solvers work on.
Eigen::MatrixXd ToDoubleMatrix(data::MatrixView x);
/// The sample weights, or ones when `data` has none.
Eigen::VectorXd SampleWeights(const TrainData& data);

/// A least-squares problem in scikit-learn's preprocessed form: x and y centred by their
/// weighted means (when fitting an intercept), then each row multiplied by sqrt(weight), so that
/// plain least squares on (x, y) is weighted least squares on the original data.
struct WeightedLeastSquares {
  Eigen::MatrixXd x;
  Eigen::VectorXd y;
  Eigen::RowVectorXd x_mean;  // zeros without an intercept
  double y_mean = 0.0;
};
WeightedLeastSquares PrepareLeastSquares(const TrainData& data, const Eigen::VectorXd& weights,
                                         bool fit_intercept);

/// The regression model for coefficients solved on a WeightedLeastSquares problem: the
/// intercept is y_mean - x_mean * coef.
std::unique_ptr<Model> MakeRegressionModel(std::string_view type_name,
                                           const WeightedLeastSquares& problem,
                                           const Eigen::VectorXd& coef);

/// The minimum-norm solution of min ||x coef - y||^2 (CompleteOrthogonalDecomposition).
Eigen::VectorXd SolveMinimumNorm(const Eigen::MatrixXd& x, const Eigen::VectorXd& y);

}  // namespace kolosal::models::detail
