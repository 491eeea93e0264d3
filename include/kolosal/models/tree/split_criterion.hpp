#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace kolosal::models::tree {

/// What a row contributes to a histogram. For kGradient: grad, hess. For kSquaredError:
/// weight * target, weight. For kGini / kEntropy: weight and the class label. `count` is the
/// number of times the row is drawn (1 without bootstrap).
struct RowStat {
  float a = 0.0f;
  float b = 0.0f;
  float count = 0.0f;
  int32_t label = 0;
};

/// How a node is scored. Every criterion keeps a count channel last: kGradient and
/// kSquaredError use 3 channels (a, b, count), kGini and kEntropy use n_classes + 1 (one weight
/// per class, count).
enum class Criterion { kGradient, kSquaredError, kGini, kEntropy };

/// Scores nodes from their channel sums; a split's gain is
/// Score(left) + Score(right) - Score(parent).
class SplitScorer {
 public:
  SplitScorer() = default;
  SplitScorer(Criterion criterion, int n_classes, double lambda_l2, double lambda_l1,
              double min_child_weight, double min_samples_leaf)
      : criterion_(criterion),
        n_classes_(n_classes),
        lambda_l2_(lambda_l2),
        lambda_l1_(lambda_l1),
        min_child_weight_(min_child_weight),
        min_samples_leaf_(min_samples_leaf) {}

  Criterion criterion() const { return criterion_; }
  /// The same scorer with `extra` added to the L2 penalty (for categorical splits).
  SplitScorer WithExtraL2(double extra) const {
    SplitScorer copy = *this;
    copy.lambda_l2_ += extra;
    return copy;
  }
  bool is_classification() const {
    return criterion_ == Criterion::kGini || criterion_ == Criterion::kEntropy;
  }
  int n_channels() const { return is_classification() ? n_classes_ + 1 : 3; }
  /// Values per leaf: class probabilities for classification, else one.
  int leaf_width() const { return is_classification() ? n_classes_ : 1; }
  int n_classes() const { return n_classes_; }

  static double Count(const double* stats, int n_channels) { return stats[n_channels - 1]; }
  double Weight(const double* stats) const {
    if (!is_classification()) return stats[1];
    double total = 0.0;
    for (int k = 0; k < n_classes_; ++k) total += stats[k];
    return total;
  }
  /// True when a child with these sums is allowed.
  bool Feasible(const double* stats) const { return FeasibleWeight(stats, Weight(stats)); }
  /// Feasible() with the stats' Weight() already known.
  bool FeasibleWeight(const double* stats, double weight) const {
    return Count(stats, n_channels()) >= min_samples_leaf_ && weight >= min_child_weight_ &&
           weight > 0.0;
  }
  /// False when no split of a node with these sums can be feasible because its two children
  /// cannot both reach min_child_weight. The relative margin (1e-9) is far above the rounding of
  /// the children's sums, so every node this rejects has no feasible split.
  bool MaySplitByWeight(const double* totals) const {
    return Weight(totals) >= 2.0 * min_child_weight_ * (1.0 - 1e-9);
  }
  double Score(const double* stats) const {
    switch (criterion_) {
      case Criterion::kGradient: {
        const double grad = ThresholdL1(stats[0]);
        return grad * grad / (stats[1] + lambda_l2_);
      }
      case Criterion::kSquaredError:
        return stats[1] > 0.0 ? stats[0] * stats[0] / stats[1] : 0.0;
      case Criterion::kGini:
        return GiniScore(stats);
      case Criterion::kEntropy:
        return EntropyScore(stats);
    }
    return 0.0;
  }
  /// Score() for a 3-channel criterion known at compile time (the scan's hot path).
  template <Criterion kCriterion>
  double ScoreAs(const double* stats) const {
    if constexpr (kCriterion == Criterion::kGradient) {
      const double grad = ThresholdL1(stats[0]);
      return grad * grad / (stats[1] + lambda_l2_);
    } else {
      static_assert(kCriterion == Criterion::kSquaredError, "3-channel criteria only");
      return stats[1] > 0.0 ? stats[0] * stats[0] / stats[1] : 0.0;
    }
  }

  /// kGradient only: the score of a node whose leaf value is held at `value` instead of its best
  /// -G / (H + L2); equal to Score() at that best value, lower anywhere else.
  double ScoreGivenValue(const double* stats, double value) const {
    return -(2.0 * ThresholdL1(stats[0]) * value + (stats[1] + lambda_l2_) * value * value);
  }
  /// kGradient only: the leaf value LeafValue() writes, held inside [lower, upper].
  double BoundedLeafValue(const double* stats, double lower, double upper) const {
    const double denominator = stats[1] + lambda_l2_;
    const double value = denominator > 0.0 ? -ThresholdL1(stats[0]) / denominator : 0.0;
    return std::clamp(value, lower, upper);
  }

  /// Writes leaf_width() values: the raw leaf output (before any learning rate).
  void LeafValue(const double* stats, float* out) const {
    if (criterion_ == Criterion::kGradient) {
      // No hessian at all (a round whose row sample is empty, with reg_lambda 0): no step, where
      // 0 / 0 would make every prediction NaN.
      const double denominator = stats[1] + lambda_l2_;
      out[0] = denominator > 0.0 ? static_cast<float>(-ThresholdL1(stats[0]) / denominator) : 0.0f;
      return;
    }
    if (criterion_ == Criterion::kSquaredError) {
      out[0] = stats[1] > 0.0 ? static_cast<float>(stats[0] / stats[1]) : 0.0f;
      return;
    }
    const double total = Weight(stats);
    for (int k = 0; k < n_classes_; ++k) {
      out[k] = total > 0.0 ? static_cast<float>(stats[k] / total)
                           : 1.0f / static_cast<float>(n_classes_);
    }
  }

 private:
  double ThresholdL1(double grad) const {
    if (lambda_l1_ <= 0.0) return grad;
    if (grad > lambda_l1_) return grad - lambda_l1_;
    if (grad < -lambda_l1_) return grad + lambda_l1_;
    return 0.0;
  }
  double GiniScore(const double* stats) const {
    double total = 0.0;
    double squares = 0.0;
    for (int k = 0; k < n_classes_; ++k) {
      total += stats[k];
      squares += stats[k] * stats[k];
    }
    return total > 0.0 ? squares / total : 0.0;
  }
  double EntropyScore(const double* stats) const {
    double total = 0.0;
    double sum = 0.0;
    for (int k = 0; k < n_classes_; ++k) {
      if (stats[k] <= 0.0) continue;
      total += stats[k];
      sum += stats[k] * std::log(stats[k]);
    }
    return total > 0.0 ? sum - total * std::log(total) : 0.0;
  }

  Criterion criterion_ = Criterion::kGradient;
  int n_classes_ = 0;
  double lambda_l2_ = 0.0;
  double lambda_l1_ = 0.0;
  double min_child_weight_ = 0.0;
  double min_samples_leaf_ = 1.0;
};

}  // namespace kolosal::models::tree
