#include "kolosal/hpo/search_space.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "kolosal/core/config.hpp"
#include "kolosal/core/error.hpp"
#include "kolosal/core/names.hpp"

namespace kolosal::hpo {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kHuge = std::numeric_limits<double>::max();
// Int parameters stay within the integers a double holds exactly (as JSON numbers often are).
constexpr double kMaxExactInt = 0x1p53;

std::string ParamContext(const ParamSpec& spec) {
  return "search space: param '" + spec.name + "'";
}

[[noreturn]] void ThrowParam(const ParamSpec& spec, const std::string& message) {
  ThrowInvalidArgument(ParamContext(spec) + ": " + message);
}

bool IsWhole(double value) { return std::isfinite(value) && std::floor(value) == value; }

ParamKind ParseKind(const std::string& name, const std::string& context) {
  if (name == "float") return ParamKind::kFloat;
  if (name == "int") return ParamKind::kInt;
  if (name == "categorical") return ParamKind::kCategorical;
  const std::vector<std::string> kinds = {"float", "int", "categorical"};
  ThrowInvalidArgument(context + ": " + UnknownNameMessage("parameter type", name, kinds));
}

std::vector<ParamCondition> ParseConditions(const nlohmann::json& json,
                                            const std::string& context) {
  if (!json.is_object() || json.empty()) {
    ThrowInvalidArgument(context + ": 'condition' must be an object {\"parent\": [values]}");
  }
  std::vector<ParamCondition> conditions;
  for (const auto& [parent, values] : json.items()) {
    ParamCondition condition;
    condition.parent = parent;
    if (values.is_array()) {
      condition.values.assign(values.begin(), values.end());
    } else {
      condition.values.push_back(values);
    }
    if (condition.values.empty()) {
      ThrowInvalidArgument(context + ": condition on '" + parent + "' lists no values");
    }
    conditions.push_back(std::move(condition));
  }
  return conditions;
}

ParamSpec ParseParam(const nlohmann::json& json, size_t position) {
  const std::string context = "search space: params[" + std::to_string(position) + "]";
  ConfigReader reader(json, context);
  ParamSpec spec;
  spec.name = reader.GetString("name", "");
  if (spec.name.empty()) ThrowInvalidArgument(context + ": 'name' is required");
  const std::string param_context = "search space: param '" + spec.name + "'";
  if (!reader.Has("type")) ThrowInvalidArgument(param_context + ": 'type' is required");
  spec.kind = ParseKind(reader.GetString("type", ""), param_context);
  if (spec.kind == ParamKind::kCategorical) {
    const nlohmann::json* choices = reader.Find("choices");
    if (choices == nullptr || !choices->is_array()) {
      ThrowInvalidArgument(param_context + ": 'choices' must be a non-empty array");
    }
    spec.choices.assign(choices->begin(), choices->end());
  } else {
    if (!reader.Has("low") || !reader.Has("high")) {
      ThrowInvalidArgument(param_context + ": 'low' and 'high' are required");
    }
    spec.low = reader.GetDouble("low", 0.0, -kHuge, kHuge);
    spec.high = reader.GetDouble("high", 0.0, -kHuge, kHuge);
    spec.log = reader.GetBool("log", false);
    const double default_step = spec.kind == ParamKind::kInt ? 1.0 : 0.0;
    spec.step = reader.GetDouble("step", default_step, 0.0, kHuge);
  }
  if (const nlohmann::json* condition = reader.Find("condition")) {
    spec.conditions = ParseConditions(*condition, param_context);
  }
  reader.Finish();
  return spec;
}

void ValidateNumeric(ParamSpec& spec) {
  if (spec.low > spec.high) {
    ThrowParam(spec, "low (" + std::to_string(spec.low) + ") is above high (" +
                         std::to_string(spec.high) + ")");
  }
  if (spec.log && spec.low <= 0.0) {
    ThrowParam(spec, "a log scale needs low > 0, got " + std::to_string(spec.low));
  }
  if (spec.kind == ParamKind::kInt) {
    if (!IsWhole(spec.low) || !IsWhole(spec.high)) ThrowParam(spec, "int bounds must be integers");
    if (std::abs(spec.low) > kMaxExactInt || std::abs(spec.high) > kMaxExactInt) {
      ThrowParam(spec, "int bounds must lie within +-2^53 (9007199254740992)");
    }
    if (!IsWhole(spec.step) || spec.step < 1.0 || spec.step > kMaxExactInt) {
      ThrowParam(spec, "int step must be an integer in [1, 2^53]");
    }
  }
  if (spec.log && spec.step > 0.0 && !(spec.kind == ParamKind::kInt && spec.step == 1.0)) {
    ThrowParam(spec, "a log scale cannot have a step (other than 1 for ints)");
  }
  if (spec.step > 0.0) {
    // Like Optuna, a high bound off the grid is lowered onto it.
    const double n_steps = std::floor((spec.high - spec.low) / spec.step + 1e-9);
    spec.high = spec.low + n_steps * spec.step;
  }
}

void ValidateCategorical(const ParamSpec& spec) {
  if (spec.choices.empty()) ThrowParam(spec, "'choices' must be a non-empty array");
  for (size_t idx = 0; idx < spec.choices.size(); ++idx) {
    const nlohmann::json& choice = spec.choices[idx];
    if (!choice.is_primitive() || choice.is_null()) {
      ThrowParam(spec, "choices must be strings, numbers or booleans, got " + choice.dump());
    }
    for (size_t other = 0; other < idx; ++other) {
      if (spec.choices[other] == choice) ThrowParam(spec, "duplicate choice " + choice.dump());
    }
  }
}

}  // namespace

std::string_view ParamKindName(ParamKind kind) {
  switch (kind) {
    case ParamKind::kFloat:
      return "float";
    case ParamKind::kInt:
      return "int";
    case ParamKind::kCategorical:
      return "categorical";
  }
  return "unknown";
}

double ParamSpec::ToSampling(double value) const { return log ? std::log(value) : value; }

double ParamSpec::FromSampling(double coordinate) const {
  return log ? std::exp(coordinate) : coordinate;
}

double ParamSpec::SamplingLow() const {
  if (log) return std::log(kind == ParamKind::kInt ? low - 0.5 : low);
  return IsDiscrete() ? low - 0.5 * step : low;
}

double ParamSpec::SamplingHigh() const {
  if (log) return std::log(kind == ParamKind::kInt ? high + 0.5 : high);
  return IsDiscrete() ? high + 0.5 * step : high;
}

double ParamSpec::Snap(double value) const {
  if (!std::isfinite(value)) return low;
  if (IsDiscrete()) value = low + std::round((value - low) / step) * step;
  return std::clamp(value, low, high);
}

bool ParamSpec::Contains(double value) const {
  if (!std::isfinite(value)) return false;
  if (kind == ParamKind::kCategorical) {
    return IsWhole(value) && value >= 0 && value < static_cast<double>(choices.size());
  }
  if (value < low || value > high) return false;
  if (!IsDiscrete()) return true;
  const double steps = (value - low) / step;
  return std::abs(steps - std::round(steps)) < 1e-9 * std::max(1.0, std::abs(steps));
}

bool SearchSpace::Fits(const ParamVector& values) const {
  if (values.empty()) return true;
  if (values.size() != params_.size()) return false;
  for (size_t idx = 0; idx < values.size(); ++idx) {
    if (!std::isnan(values[idx]) && !params_[idx].Contains(values[idx])) return false;
  }
  return true;
}

SearchSpace::SearchSpace(std::vector<ParamSpec> params) : params_(std::move(params)) {
  Validate();
  ResolveConditions();
}

SearchSpace SearchSpace::FromJson(const nlohmann::json& json) {
  const nlohmann::json* params = &json;
  if (json.is_object()) {
    ConfigReader reader(json, "search space");
    params = reader.Find("params");
    reader.Finish();
    if (params == nullptr) ThrowInvalidArgument("search space: 'params' is required");
  }
  if (!params->is_array()) ThrowInvalidArgument("search space: 'params' must be an array");
  std::vector<ParamSpec> specs;
  for (size_t idx = 0; idx < params->size(); ++idx)
    specs.push_back(ParseParam((*params)[idx], idx));
  return SearchSpace(std::move(specs));
}

SearchSpace SearchSpace::Parse(std::string_view text) {
  return FromJson(ParseJsonConfig(text, "search space"));
}

nlohmann::json SearchSpace::ToJson() const {
  nlohmann::json params = nlohmann::json::array();
  for (const ParamSpec& spec : params_) {
    nlohmann::json param = {{"name", spec.name}, {"type", ParamKindName(spec.kind)}};
    if (spec.kind == ParamKind::kCategorical) {
      param["choices"] = spec.choices;
    } else if (spec.kind == ParamKind::kInt) {
      param["low"] = static_cast<int64_t>(spec.low);
      param["high"] = static_cast<int64_t>(spec.high);
      param["step"] = static_cast<int64_t>(spec.step);
      param["log"] = spec.log;
    } else {
      param["low"] = spec.low;
      param["high"] = spec.high;
      if (spec.step > 0.0) param["step"] = spec.step;
      param["log"] = spec.log;
    }
    if (!spec.conditions.empty()) {
      nlohmann::json condition = nlohmann::json::object();
      for (const ParamCondition& cond : spec.conditions) condition[cond.parent] = cond.values;
      param["condition"] = condition;
    }
    params.push_back(std::move(param));
  }
  return {{"params", params}};
}

void SearchSpace::Validate() {
  if (params_.empty()) ThrowInvalidArgument("search space: no parameters (the space is empty)");
  for (size_t idx = 0; idx < params_.size(); ++idx) {
    ParamSpec& spec = params_[idx];
    if (spec.name.empty()) ThrowInvalidArgument("search space: a parameter has no name");
    for (size_t other = 0; other < idx; ++other) {
      if (params_[other].name == spec.name) ThrowParam(spec, "the name is used twice");
    }
    if (spec.kind == ParamKind::kCategorical) {
      ValidateCategorical(spec);
    } else {
      if (!std::isfinite(spec.low) || !std::isfinite(spec.high)) {
        ThrowParam(spec, "bounds must be finite numbers");
      }
      ValidateNumeric(spec);
    }
  }
}

void SearchSpace::ResolveConditions() {
  for (size_t idx = 0; idx < params_.size(); ++idx) {
    ParamSpec& spec = params_[idx];
    for (ParamCondition& condition : spec.conditions) {
      has_conditions_ = true;
      const std::optional<size_t> parent = IndexOf(condition.parent);
      if (!parent || *parent >= idx) {
        ThrowParam(spec, "condition parent '" + condition.parent +
                             "' must be a parameter listed before it");
      }
      if (params_[*parent].kind == ParamKind::kFloat) {
        ThrowParam(spec, "condition parent '" + condition.parent + "' must be categorical or int");
      }
      condition.internal_values.clear();
      for (const nlohmann::json& value : condition.values) {
        condition.internal_values.push_back(ValueFromJson(*parent, value));
      }
    }
  }
}

std::optional<size_t> SearchSpace::IndexOf(std::string_view name) const {
  for (size_t idx = 0; idx < params_.size(); ++idx) {
    if (params_[idx].name == name) return idx;
  }
  return std::nullopt;
}

size_t SearchSpace::RequireIndex(std::string_view name) const {
  if (const std::optional<size_t> index = IndexOf(name)) return *index;
  std::vector<std::string> names;
  for (const ParamSpec& spec : params_) names.push_back(spec.name);
  throw Error(StatusCode::kNotFound, UnknownNameMessage("parameter", name, names));
}

bool SearchSpace::IsActive(size_t index, const ParamVector& values) const {
  for (const ParamCondition& condition : params_[index].conditions) {
    const size_t parent = *IndexOf(condition.parent);
    const double parent_value = values[parent];
    if (std::isnan(parent_value)) return false;
    const auto& allowed = condition.internal_values;
    if (std::find(allowed.begin(), allowed.end(), parent_value) == allowed.end()) return false;
  }
  return true;
}

double SearchSpace::ValueFromJson(size_t index, const nlohmann::json& value) const {
  const ParamSpec& spec = params_[index];
  if (spec.kind == ParamKind::kCategorical) {
    const auto found = std::find(spec.choices.begin(), spec.choices.end(), value);
    if (found == spec.choices.end()) {
      ThrowParam(spec, value.dump() + " is not one of its choices");
    }
    return static_cast<double>(found - spec.choices.begin());
  }
  if (!value.is_number()) ThrowParam(spec, "expected a number, got " + value.dump());
  const double number = value.get<double>();
  if (!spec.Contains(number)) {
    ThrowParam(spec, value.dump() + " is outside its range or off its step");
  }
  return number;
}

nlohmann::json SearchSpace::ValueToJson(size_t index, double value) const {
  const ParamSpec& spec = params_[index];
  if (spec.kind == ParamKind::kCategorical) return spec.choices.at(static_cast<size_t>(value));
  if (spec.kind == ParamKind::kInt) return static_cast<int64_t>(std::llround(value));
  return value;
}

nlohmann::json SearchSpace::ToExternal(const ParamVector& values) const {
  nlohmann::json external = nlohmann::json::object();
  for (size_t idx = 0; idx < params_.size() && idx < values.size(); ++idx) {
    if (std::isnan(values[idx])) continue;
    external[params_[idx].name] = ValueToJson(idx, values[idx]);
  }
  return external;
}

ParamVector SearchSpace::FromExternal(const nlohmann::json& params, bool allow_missing) const {
  if (!params.is_object()) ThrowInvalidArgument("parameters must be a JSON object");
  for (const auto& [name, value] : params.items()) RequireIndex(name);
  ParamVector values(params_.size(), kNaN);
  for (size_t idx = 0; idx < params_.size(); ++idx) {
    const bool active = IsActive(idx, values);
    const auto found = params.find(params_[idx].name);
    if (!active) continue;
    if (found == params.end()) {
      if (allow_missing) continue;
      ThrowParam(params_[idx], "is active but has no value");
    }
    values[idx] = ValueFromJson(idx, *found);
  }
  return values;
}

void SearchSpace::Normalize(ParamVector& values) const {
  values.resize(params_.size(), kNaN);
  for (size_t idx = 0; idx < params_.size(); ++idx) {
    if (!IsActive(idx, values)) {
      values[idx] = kNaN;
      continue;
    }
    const ParamSpec& spec = params_[idx];
    if (spec.kind == ParamKind::kCategorical) {
      const double last = static_cast<double>(spec.choices.size() - 1);
      values[idx] =
          std::clamp(std::round(std::isfinite(values[idx]) ? values[idx] : 0.0), 0.0, last);
      continue;
    }
    values[idx] = spec.Snap(values[idx]);
  }
}

}  // namespace kolosal::hpo
