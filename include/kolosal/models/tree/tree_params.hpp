#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "kolosal/core/config.hpp"
#include "kolosal/core/fit_control.hpp"
#include "kolosal/models/model.hpp"
#include "kolosal/models/tree/split_criterion.hpp"

namespace kolosal::models::tree {

/// Checks what every tree model needs from TrainData: matching sizes, labels that are class
/// indices in [0, n_classes) or finite targets, and finite non-negative weights. Throws
/// Error(kInvalidArgument) naming the first bad row.
void ValidateTrainData(const TrainData& data);

/// Logs a warning for each categorical feature with more categories than a histogram holds
/// (kMaxBins): the tree models split its codes as ordered numbers instead of as a partition.
void WarnWideCategoricals(const TrainData& data, const FitControl& control,
                          std::string_view model_name);

/// Per-row weights: the sample weights (or 1), times n / (n_classes * class_count) when
/// `balanced`.
std::vector<float> RowWeights(const TrainData& data, bool balanced);

/// How rows of each class are weighed: not at all, by the training counts ("balanced"), or by
/// each tree's bootstrap sample's counts ("balanced_subsample", forests).
enum class ClassWeighting { kNone, kBalanced, kBalancedSubsample };

/// Reads "class_weight": "none", "balanced", or with `allow_subsample` "balanced_subsample"
/// (an error for a task other than classification).
ClassWeighting ReadClassWeighting(ConfigReader& reader, Task task, bool allow_subsample);
inline bool ReadBalanced(ConfigReader& reader, Task task) {
  return ReadClassWeighting(reader, task, false) == ClassWeighting::kBalanced;
}

/// Reads "max_features": "sqrt", "log2", "all" or a fraction in (0, 1], as a fraction of
/// `n_features`.
double ReadMaxFeatures(ConfigReader& reader, std::string_view default_value);
/// Turns the value read above into a fraction for `n_features` features.
double MaxFeaturesFraction(double spec, int64_t n_features);

/// The thread count for a oneTBB arena: control.n_jobs, or all cores when n_jobs <= 0.
int ArenaThreads(const FitControl& control);

/// The rows 0..n-1.
std::vector<int32_t> AllRows(int64_t n_rows);

}  // namespace kolosal::models::tree
