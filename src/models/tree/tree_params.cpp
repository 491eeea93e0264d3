#include "kolosal/models/tree/tree_params.hpp"

#include <tbb/task_arena.h>

#include <cmath>
#include <numeric>

#include "kolosal/core/error.hpp"
#include "kolosal/models/tree/bin_mapper.hpp"

namespace kolosal::models::tree {
namespace {

// Special values of max_features, below 0 so that they cannot be a fraction.
constexpr double kSqrtFeatures = -1.0;
constexpr double kLog2Features = -2.0;

void ValidateLabels(const TrainData& data) {
  for (size_t row = 0; row < data.y.size(); ++row) {
    const float label = data.y[row];
    if (data.task == Task::kRegression) {
      if (!std::isfinite(label)) {
        ThrowInvalidArgument("row " + std::to_string(row) + ": target is not a finite number");
      }
      continue;
    }
    const bool is_class =
        label >= 0.0f && label < static_cast<float>(data.n_classes) && std::floor(label) == label;
    if (!is_class) {
      ThrowInvalidArgument("row " + std::to_string(row) + ": label " + std::to_string(label) +
                           " is not a class index below " + std::to_string(data.n_classes));
    }
  }
}

}  // namespace

void ValidateTrainData(const TrainData& data) {
  if (data.x.rows <= 0 || data.x.cols <= 0 || data.x.data == nullptr) {
    ThrowInvalidArgument("tree models need at least one row and one column");
  }
  if (data.x.rows > std::numeric_limits<int32_t>::max()) {
    ThrowInvalidArgument("tree models take at most 2^31-1 rows");
  }
  if (static_cast<int64_t>(data.y.size()) != data.x.rows) {
    ThrowInvalidArgument("y has " + std::to_string(data.y.size()) + " values for " +
                         std::to_string(data.x.rows) + " rows");
  }
  if (!data.sample_weight.empty() &&
      static_cast<int64_t>(data.sample_weight.size()) != data.x.rows) {
    ThrowInvalidArgument("sample_weight has " + std::to_string(data.sample_weight.size()) +
                         " values for " + std::to_string(data.x.rows) + " rows");
  }
  if (!data.features.empty() && static_cast<int64_t>(data.features.size()) != data.x.cols) {
    ThrowInvalidArgument("features describe " + std::to_string(data.features.size()) +
                         " columns, x has " + std::to_string(data.x.cols));
  }
  if (data.task == Task::kClassification && data.n_classes < 1) {
    ThrowInvalidArgument("classification needs n_classes >= 1");
  }
  ValidateLabels(data);
  for (size_t row = 0; row < data.sample_weight.size(); ++row) {
    const float weight = data.sample_weight[row];
    if (!std::isfinite(weight) || weight < 0.0f) {
      ThrowInvalidArgument("row " + std::to_string(row) + ": sample weight must be >= 0");
    }
  }
}

void WarnWideCategoricals(const TrainData& data, const FitControl& control,
                          std::string_view model_name) {
  for (const data::FeatureInfo& feature : data.features) {
    if (!feature.categorical || feature.n_categories <= kMaxBins) continue;
    control.Log(LogLevel::kWarning,
                std::string(model_name) + ": feature '" + feature.name + "' has " +
                    std::to_string(feature.n_categories) + " categories, more than " +
                    std::to_string(kMaxBins) +
                    "; its codes are split as ordered numbers, not as a partition");
  }
}

std::vector<float> RowWeights(const TrainData& data, bool balanced) {
  const auto n_rows = static_cast<size_t>(data.x.rows);
  std::vector<float> weights(n_rows, 1.0f);
  if (!data.sample_weight.empty())
    weights.assign(data.sample_weight.begin(), data.sample_weight.end());
  if (!balanced || data.task != Task::kClassification) return weights;
  std::vector<double> class_counts(static_cast<size_t>(data.n_classes), 0.0);
  for (float label : data.y) class_counts[static_cast<size_t>(label)] += 1.0;
  for (size_t row = 0; row < n_rows; ++row) {
    const double count = class_counts[static_cast<size_t>(data.y[row])];
    weights[row] *= static_cast<float>(static_cast<double>(n_rows) / (data.n_classes * count));
  }
  return weights;
}

ClassWeighting ReadClassWeighting(ConfigReader& reader, Task task, bool allow_subsample) {
  const std::string name =
      allow_subsample
          ? reader.GetChoice("class_weight", "none", {"none", "balanced", "balanced_subsample"})
          : reader.GetChoice("class_weight", "none", {"none", "balanced"});
  if (name != "none" && task != Task::kClassification) {
    ThrowInvalidArgument(reader.context() + ": class_weight '" + name +
                         "' weighs classes, so it needs a classification task");
  }
  if (name == "balanced") return ClassWeighting::kBalanced;
  return name == "none" ? ClassWeighting::kNone : ClassWeighting::kBalancedSubsample;
}

double ReadMaxFeatures(ConfigReader& reader, std::string_view default_value) {
  const nlohmann::json* value = reader.Find("max_features");
  if (value != nullptr && value->is_number()) {
    return reader.GetDouble("max_features", 1.0, 1e-9, 1.0);
  }
  const std::string name = reader.GetChoice("max_features", default_value, {"sqrt", "log2", "all"});
  if (name == "sqrt") return kSqrtFeatures;
  if (name == "log2") return kLog2Features;
  return 1.0;
}

double MaxFeaturesFraction(double spec, int64_t n_features) {
  const auto n = static_cast<double>(n_features);
  double n_draw = spec * n;
  if (spec == kSqrtFeatures) n_draw = std::sqrt(n);
  if (spec == kLog2Features) n_draw = std::log2(n);
  // The builder floors fraction * n; keep at least one feature and undo rounding below it.
  return std::clamp((std::floor(n_draw) + 0.5) / n, 1.0 / n, 1.0);
}

int ArenaThreads(const FitControl& control) {
  return control.n_jobs > 0 ? control.n_jobs : tbb::this_task_arena::max_concurrency();
}

std::vector<int32_t> AllRows(int64_t n_rows) {
  std::vector<int32_t> rows(static_cast<size_t>(n_rows));
  std::iota(rows.begin(), rows.end(), 0);
  return rows;
}

}  // namespace kolosal::models::tree
