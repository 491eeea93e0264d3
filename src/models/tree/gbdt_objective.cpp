#include "kolosal/models/tree/gbdt_objective.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "kolosal/core/error.hpp"

namespace kolosal::models::tree {
namespace {

constexpr double kMinProbability = 1e-15;
constexpr float kMinHessian = 1e-16f;

double WeightedMedian(std::span<const float> values, std::span<const float> weights) {
  std::vector<size_t> order(values.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t lhs, size_t rhs) { return values[lhs] < values[rhs]; });
  double total = 0.0;
  for (float weight : weights) total += weight;
  double seen = 0.0;
  for (size_t idx : order) {
    seen += weights[idx];
    if (seen >= total / 2.0) return values[idx];
  }
  return order.empty() ? 0.0 : values[order.back()];
}

float Sigmoid(float margin) { return 1.0f / (1.0f + std::exp(-margin)); }

void Softmax(const float* margins, float* out, int n_classes) {
  const float max_margin = *std::max_element(margins, margins + n_classes);
  float total = 0.0f;
  for (int k = 0; k < n_classes; ++k) {
    out[k] = std::exp(margins[k] - max_margin);
    total += out[k];
  }
  for (int k = 0; k < n_classes; ++k) out[k] /= total;
}

}  // namespace

GbdtObjective GbdtObjective::FromName(std::string_view name, Task task, int n_classes) {
  const bool classification = task == Task::kClassification;
  if (name == "auto") {
    if (!classification) return {ObjectiveType::kSquaredError, 0};
    return {n_classes > 2 ? ObjectiveType::kSoftmax : ObjectiveType::kLogistic, n_classes};
  }
  const bool wants_classes = name == "logistic" || name == "softmax";
  if (wants_classes != classification) {
    ThrowInvalidArgument("gradient_boosting: objective '" + std::string(name) +
                         "' does not fit a " + std::string(TaskName(task)) + " task");
  }
  if (name == "logistic" && n_classes > 2) {
    ThrowInvalidArgument("gradient_boosting: objective 'logistic' needs 2 classes, got " +
                         std::to_string(n_classes));
  }
  if (name == "squared_error") return {ObjectiveType::kSquaredError, 0};
  if (name == "absolute_error") return {ObjectiveType::kAbsoluteError, 0};
  if (name == "logistic") return {ObjectiveType::kLogistic, n_classes};
  return {ObjectiveType::kSoftmax, n_classes};
}

std::string_view GbdtObjective::name() const {
  switch (type_) {
    case ObjectiveType::kSquaredError:
      return "squared_error";
    case ObjectiveType::kAbsoluteError:
      return "absolute_error";
    case ObjectiveType::kLogistic:
      return "logistic";
    case ObjectiveType::kSoftmax:
      return "softmax";
  }
  return "";
}

int GbdtObjective::n_outputs() const {
  return type_ == ObjectiveType::kLogistic || type_ == ObjectiveType::kSoftmax ? n_classes_ : 1;
}

std::vector<float> GbdtObjective::BaseMargins(std::span<const float> y,
                                              std::span<const float> weights) const {
  if (type_ == ObjectiveType::kAbsoluteError) {
    return {static_cast<float>(WeightedMedian(y, weights))};
  }
  std::vector<double> sums(static_cast<size_t>(std::max(n_classes_, 1)), 0.0);
  double total = 0.0;
  for (size_t row = 0; row < y.size(); ++row) {
    total += weights[row];
    if (type_ == ObjectiveType::kSquaredError) {
      sums[0] += static_cast<double>(weights[row]) * y[row];
    } else {
      sums[static_cast<size_t>(y[row])] += weights[row];
    }
  }
  if (total <= 0.0) {
    // Not a braced list: that would make a vector of two elements.
    return std::vector<float>(static_cast<size_t>(n_margins()), 0.0f);  // NOLINT
  }
  if (type_ == ObjectiveType::kSquaredError) return {static_cast<float>(sums[0] / total)};
  auto probability = [&](int k) {
    return std::clamp(sums[static_cast<size_t>(k)] / total, kMinProbability, 1.0 - kMinProbability);
  };
  if (type_ == ObjectiveType::kLogistic) {
    const double p = probability(1);
    return {static_cast<float>(std::log(p / (1.0 - p)))};
  }
  std::vector<float> margins(static_cast<size_t>(n_classes_));
  for (int k = 0; k < n_classes_; ++k) margins[k] = static_cast<float>(std::log(probability(k)));
  return margins;
}

std::vector<float> GbdtObjective::MarginsAt(double base_score) const {
  if (type_ != ObjectiveType::kLogistic) {
    return std::vector<float>(static_cast<size_t>(n_margins()), static_cast<float>(base_score));
  }
  if (!(base_score > 0.0 && base_score < 1.0)) {
    ThrowInvalidArgument(
        "gradient_boosting: 'base_score' is a probability for the logistic "
        "objective and must lie in (0, 1), got " +
        std::to_string(base_score));
  }
  return {static_cast<float>(std::log(base_score / (1.0 - base_score)))};
}

void GbdtObjective::Gradients(std::span<const float> y, std::span<const float> weights,
                              std::span<const float> margins, int64_t begin, int64_t end,
                              std::span<RowStat> stats) const {
  const auto n_rows = static_cast<int64_t>(y.size());
  std::vector<float> probabilities(static_cast<size_t>(std::max(n_classes_, 1)));
  // LightGBM's multiclass hessian factor K / (K - 1).
  const float softmax_factor =
      n_classes_ > 1 ? static_cast<float>(n_classes_) / static_cast<float>(n_classes_ - 1) : 1.0f;
  for (int64_t row = begin; row < end; ++row) {
    const float weight = weights[row];
    RowStat& stat = stats[row];
    stat.count = 1.0f;
    switch (type_) {
      case ObjectiveType::kSquaredError:
        stat.a = weight * (margins[row] - y[row]);
        stat.b = weight;
        break;
      case ObjectiveType::kAbsoluteError: {
        const float diff = margins[row] - y[row];
        stat.a = weight * static_cast<float>((diff > 0.0f) - (diff < 0.0f));
        stat.b = weight;
        break;
      }
      case ObjectiveType::kLogistic: {
        const float p = Sigmoid(margins[row]);
        stat.a = weight * (p - y[row]);
        stat.b = std::max(weight * p * (1.0f - p), kMinHessian);
        break;
      }
      case ObjectiveType::kSoftmax: {
        Softmax(margins.data() + row * n_classes_, probabilities.data(), n_classes_);
        for (int k = 0; k < n_classes_; ++k) {
          const float p = probabilities[k];
          RowStat& class_stat = stats[k * n_rows + row];
          class_stat.a = weight * (p - (static_cast<int>(y[row]) == k ? 1.0f : 0.0f));
          class_stat.b = std::max(softmax_factor * weight * p * (1.0f - p), kMinHessian);
          class_stat.count = 1.0f;
        }
        break;
      }
    }
  }
}

double GbdtObjective::Loss(std::span<const float> y, std::span<const float> weights,
                           std::span<const float> margins) const {
  double total = 0.0;
  double weight_sum = 0.0;
  std::vector<float> probabilities(static_cast<size_t>(std::max(n_classes_, 1)));
  for (size_t row = 0; row < y.size(); ++row) {
    double loss = 0.0;
    const double diff = static_cast<double>(margins[row * n_margins()]) - y[row];
    switch (type_) {
      case ObjectiveType::kSquaredError:
        loss = diff * diff;
        break;
      case ObjectiveType::kAbsoluteError:
        loss = std::abs(diff);
        break;
      case ObjectiveType::kLogistic: {
        const double p =
            std::clamp<double>(Sigmoid(margins[row]), kMinProbability, 1.0 - kMinProbability);
        loss = y[row] > 0.5f ? -std::log(p) : -std::log(1.0 - p);
        break;
      }
      case ObjectiveType::kSoftmax:
        Softmax(margins.data() + row * n_classes_, probabilities.data(), n_classes_);
        loss = -std::log(
            std::max<double>(probabilities[static_cast<size_t>(y[row])], kMinProbability));
        break;
    }
    total += weights[row] * loss;
    weight_sum += weights[row];
  }
  return weight_sum > 0.0 ? total / weight_sum : 0.0;
}

void GbdtObjective::Transform(const float* margins, float* out) const {
  switch (type_) {
    case ObjectiveType::kSquaredError:
    case ObjectiveType::kAbsoluteError:
      out[0] = margins[0];
      return;
    case ObjectiveType::kLogistic: {
      const float p = Sigmoid(margins[0]);
      out[1] = p;
      out[0] = 1.0f - p;
      return;
    }
    case ObjectiveType::kSoftmax:
      Softmax(margins, out, n_classes_);
      return;
  }
}

}  // namespace kolosal::models::tree
