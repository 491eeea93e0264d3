#include "kolosal/models/tree/gbdt_objective.hpp"

#include <algorithm>
#include <cmath>

#include "kolosal/core/error.hpp"

namespace kolosal::models::tree {
namespace {

constexpr double kMinProbability = 1e-15;
constexpr float kMinHessian = 1e-16f;

// exp() of a margin is taken at most at this argument in the gradients, so that a runaway margin
// gives large but finite gradients rather than infinities.
constexpr double kMaxExponent = 50.0;
double ClampedExp(double exponent) {
  return std::exp(std::clamp(exponent, -kMaxExponent, kMaxExponent));
}

std::vector<std::pair<float, float>> ValueWeights(std::span<const float> values,
                                                  std::span<const float> weights) {
  std::vector<std::pair<float, float>> out(values.size());
  for (size_t idx = 0; idx < values.size(); ++idx) out[idx] = {values[idx], weights[idx]};
  return out;
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

bool IsClassObjective(ObjectiveType type) {
  return type == ObjectiveType::kLogistic || type == ObjectiveType::kSoftmax;
}

double WeightedQuantile(std::vector<std::pair<float, float>>& value_weights, double fraction) {
  if (value_weights.empty()) return 0.0;
  std::sort(value_weights.begin(), value_weights.end());
  const float first_weight = value_weights.front().second;
  const bool equal_weights =
      first_weight > 0.0f &&
      std::all_of(value_weights.begin(), value_weights.end(),
                  [&](const auto& entry) { return entry.second == first_weight; });
  if (equal_weights) {
    // Linear between neighbouring order statistics, as numpy's percentile, LightGBM and
    // scikit-learn take an unweighted quantile.
    const double position = fraction * static_cast<double>(value_weights.size() - 1);
    const auto lower = static_cast<size_t>(position);
    const size_t upper = std::min(lower + 1, value_weights.size() - 1);
    const double low = value_weights[lower].first;
    return low + (value_weights[upper].first - low) * (position - static_cast<double>(lower));
  }
  // Weighted: the smallest value whose cumulative weight reaches the fraction of the total, as
  // scikit-learn's weighted percentile.
  double total = 0.0;
  for (const auto& entry : value_weights) total += entry.second;
  double seen = 0.0;
  for (const auto& entry : value_weights) {
    seen += entry.second;
    if (seen >= total * fraction) return entry.first;
  }
  return value_weights.back().first;
}

GbdtObjective GbdtObjective::FromName(std::string_view name, Task task, int n_classes,
                                      ObjectiveParams params) {
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
  if (name == "logistic") return {ObjectiveType::kLogistic, n_classes};
  if (name == "softmax") return {ObjectiveType::kSoftmax, n_classes};
  static constexpr std::pair<std::string_view, ObjectiveType> kValueObjectives[] = {
      {"squared_error", ObjectiveType::kSquaredError},
      {"absolute_error", ObjectiveType::kAbsoluteError},
      {"quantile", ObjectiveType::kQuantile},
      {"huber", ObjectiveType::kHuber},
      {"poisson", ObjectiveType::kPoisson},
      {"gamma", ObjectiveType::kGamma},
      {"tweedie", ObjectiveType::kTweedie}};
  for (const auto& [value_name, type] : kValueObjectives) {
    if (name == value_name) return {type, 0, params};
  }
  ThrowInvalidArgument("gradient_boosting: unknown objective '" + std::string(name) + "'");
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
    case ObjectiveType::kQuantile:
      return "quantile";
    case ObjectiveType::kHuber:
      return "huber";
    case ObjectiveType::kPoisson:
      return "poisson";
    case ObjectiveType::kGamma:
      return "gamma";
    case ObjectiveType::kTweedie:
      return "tweedie";
  }
  return "";
}

bool GbdtObjective::log_link() const {
  return type_ == ObjectiveType::kPoisson || type_ == ObjectiveType::kGamma ||
         type_ == ObjectiveType::kTweedie;
}

std::optional<double> GbdtObjective::leaf_quantile() const {
  if (type_ == ObjectiveType::kAbsoluteError) return 0.5;
  if (type_ == ObjectiveType::kQuantile) return params_.quantile_alpha;
  return std::nullopt;
}

void GbdtObjective::CheckTargets(std::span<const float> y) const {
  if (!log_link()) return;
  const bool positive = type_ == ObjectiveType::kGamma;
  for (size_t row = 0; row < y.size(); ++row) {
    if (positive ? y[row] > 0.0f : y[row] >= 0.0f) continue;
    ThrowInvalidArgument("gradient_boosting: objective '" + std::string(name()) +
                         "' needs targets " + (positive ? "> 0" : ">= 0") + "; row " +
                         std::to_string(row) + " has " + std::to_string(y[row]));
  }
}

int GbdtObjective::n_outputs() const { return IsClassObjective(type_) ? n_classes_ : 1; }

std::vector<float> GbdtObjective::BaseMargins(std::span<const float> y,
                                              std::span<const float> weights) const {
  if (const std::optional<double> fraction = leaf_quantile()) {
    std::vector<std::pair<float, float>> value_weights = ValueWeights(y, weights);
    return {static_cast<float>(WeightedQuantile(value_weights, *fraction))};
  }
  std::vector<double> sums(static_cast<size_t>(std::max(n_classes_, 1)), 0.0);
  double total = 0.0;
  for (size_t row = 0; row < y.size(); ++row) {
    total += weights[row];
    if (IsClassObjective(type_)) {
      sums[static_cast<size_t>(y[row])] += weights[row];
    } else {
      sums[0] += static_cast<double>(weights[row]) * y[row];
    }
  }
  if (total <= 0.0) {
    // Not a braced list: that would make a vector of two elements.
    return std::vector<float>(static_cast<size_t>(n_margins()), 0.0f);  // NOLINT
  }
  if (log_link()) {
    const double mean = sums[0] / total;
    if (!(mean > 0.0)) {
      ThrowInvalidArgument("gradient_boosting: objective '" + std::string(name()) +
                           "' needs a positive weighted mean target");
    }
    return {static_cast<float>(std::log(mean))};
  }
  if (!IsClassObjective(type_)) return {static_cast<float>(sums[0] / total)};
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
  if (log_link()) {
    if (!(base_score > 0.0)) {
      ThrowInvalidArgument("gradient_boosting: 'base_score' is the mean for the '" +
                           std::string(name()) + "' objective and must be > 0, got " +
                           std::to_string(base_score));
    }
    return {static_cast<float>(std::log(base_score))};
  }
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
      case ObjectiveType::kQuantile: {
        const float diff = margins[row] - y[row];
        const auto alpha = static_cast<float>(params_.quantile_alpha);
        stat.a = weight * (diff >= 0.0f ? 1.0f - alpha : -alpha);
        stat.b = weight;
        break;
      }
      case ObjectiveType::kHuber: {
        const float diff = margins[row] - y[row];
        const auto delta = static_cast<float>(params_.huber_delta);
        stat.a = weight * std::clamp(diff, -delta, delta);
        stat.b = weight;
        break;
      }
      case ObjectiveType::kPoisson: {
        const double margin = margins[row];
        stat.a = static_cast<float>(weight * (ClampedExp(margin) - y[row]));
        stat.b = static_cast<float>(weight * ClampedExp(margin + params_.poisson_max_delta_step));
        break;
      }
      case ObjectiveType::kGamma: {
        const double scaled = y[row] * ClampedExp(-static_cast<double>(margins[row]));
        stat.a = static_cast<float>(weight * (1.0 - scaled));
        stat.b = std::max(static_cast<float>(weight * scaled), kMinHessian);
        break;
      }
      case ObjectiveType::kTweedie: {
        const double power = params_.tweedie_variance_power;
        const double margin = margins[row];
        const double low = ClampedExp((1.0 - power) * margin);
        const double high = ClampedExp((2.0 - power) * margin);
        stat.a = static_cast<float>(weight * (high - y[row] * low));
        stat.b = std::max(
            static_cast<float>(weight * ((2.0 - power) * high - (1.0 - power) * y[row] * low)),
            kMinHessian);
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
      case ObjectiveType::kQuantile:
        loss = diff >= 0.0 ? (1.0 - params_.quantile_alpha) * diff : -params_.quantile_alpha * diff;
        break;
      case ObjectiveType::kHuber: {
        const double delta = params_.huber_delta;
        loss = std::abs(diff) <= delta ? 0.5 * diff * diff : delta * (std::abs(diff) - 0.5 * delta);
        break;
      }
      case ObjectiveType::kPoisson: {
        const double margin = margins[row];
        loss = ClampedExp(margin) - y[row] * margin;
        break;
      }
      case ObjectiveType::kGamma: {
        const double margin = margins[row];
        loss = y[row] * ClampedExp(-margin) + margin;
        break;
      }
      case ObjectiveType::kTweedie: {
        const double power = params_.tweedie_variance_power;
        const double margin = margins[row];
        loss = -y[row] * ClampedExp((1.0 - power) * margin) / (1.0 - power) +
               ClampedExp((2.0 - power) * margin) / (2.0 - power);
        break;
      }
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
    case ObjectiveType::kQuantile:
    case ObjectiveType::kHuber:
      out[0] = margins[0];
      return;
    case ObjectiveType::kPoisson:
    case ObjectiveType::kGamma:
    case ObjectiveType::kTweedie:
      out[0] = std::exp(margins[0]);
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
