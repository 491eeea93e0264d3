#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kolosal::hpo {

/// The kind of a hyperparameter.
enum class ParamKind { kFloat, kInt, kCategorical };

/// "float", "int" or "categorical".
std::string_view ParamKindName(ParamKind kind);

/// The parameter is active only when the earlier parameter `parent` takes one of `values`.
struct ParamCondition {
  std::string parent;
  std::vector<nlohmann::json> values;
  /// The accepted values of the parent in the internal encoding (choice index or integer),
  /// filled in by SearchSpace.
  std::vector<double> internal_values;
};

/// One hyperparameter. Numeric parameters live in [low, high]; `log` samples them on a log
/// scale; `step` > 0 puts them on the grid low, low + step, ... (ints always have a step).
struct ParamSpec {
  std::string name;
  ParamKind kind = ParamKind::kFloat;
  double low = 0.0;
  double high = 1.0;
  double step = 0.0;
  bool log = false;
  std::vector<nlohmann::json> choices;
  std::vector<ParamCondition> conditions;

  bool IsNumeric() const { return kind != ParamKind::kCategorical; }
  /// True for ints and stepped floats: values sit on a grid of `step`.
  bool IsDiscrete() const { return kind == ParamKind::kInt || step > 0.0; }
  /// The sampling coordinate: log(value) for log parameters, the value otherwise.
  double ToSampling(double value) const;
  double FromSampling(double coordinate) const;
  /// The bounds in sampling coordinates. Discrete parameters are widened by half a step (log
  /// ints to log(low - 0.5) and log(high + 0.5)) so that every grid value owns an interval.
  double SamplingLow() const;
  double SamplingHigh() const;
  /// Rounds a numeric value onto the parameter's grid and clips it into [low, high].
  double Snap(double value) const;
  /// True when the internal value is a legal value of this parameter.
  bool Contains(double value) const;
};

/// The internal form of a parameter set: one double per parameter, aligned with
/// SearchSpace::params(). Floats and ints hold their value, categoricals the index of the
/// choice, and an inactive conditional parameter holds NaN.
using ParamVector = std::vector<double>;

/// A validated hyperparameter search space; see docs/hpo.md for the JSON format
/// {"params":[{"name":"x","type":"float","low":-5,"high":10,"log":false}, ...]}.
/// Immutable after construction and safe to share between threads.
class SearchSpace {
 public:
  /// Validates the parameters; throws Error(kInvalidArgument) naming the parameter at fault.
  explicit SearchSpace(std::vector<ParamSpec> params);

  /// Parses the JSON format. Unknown keys are errors with a did-you-mean suggestion.
  static SearchSpace FromJson(const nlohmann::json& json);
  /// Parses JSON text.
  static SearchSpace Parse(std::string_view text);
  nlohmann::json ToJson() const;

  const std::vector<ParamSpec>& params() const { return params_; }
  size_t size() const { return params_.size(); }
  const ParamSpec& param(size_t index) const { return params_[index]; }
  bool HasConditions() const { return has_conditions_; }

  std::optional<size_t> IndexOf(std::string_view name) const;
  /// The index of `name`; throws Error(kNotFound) with a did-you-mean suggestion.
  size_t RequireIndex(std::string_view name) const;

  /// True when every condition of parameter `index` holds for the (earlier) values in `values`.
  bool IsActive(size_t index, const ParamVector& values) const;

  /// {"name": value, ...} for the active parameters; categoricals give their choice.
  nlohmann::json ToExternal(const ParamVector& values) const;
  /// The internal form of {"name": value, ...}. Values are validated against the space, and
  /// active parameters that are missing are errors unless `allow_missing` (they become NaN).
  ParamVector FromExternal(const nlohmann::json& params, bool allow_missing = false) const;
  /// The internal value of one parameter given in its external form.
  double ValueFromJson(size_t index, const nlohmann::json& value) const;
  nlohmann::json ValueToJson(size_t index, double value) const;

  /// Whether `values` can be a stored trial's parameters: empty (not sampled yet), or one value
  /// per parameter, each NaN (unset) or inside its range (a valid index for a categorical).
  bool Fits(const ParamVector& values) const;

  /// Sets inactive parameters to NaN and snaps active numeric ones onto their grid.
  void Normalize(ParamVector& values) const;

 private:
  void Validate();
  void ResolveConditions();

  std::vector<ParamSpec> params_;
  bool has_conditions_ = false;
};

}  // namespace kolosal::hpo
