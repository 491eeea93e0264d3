#include "kolosal/core/config.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>

#include "kolosal/core/error.hpp"
#include "kolosal/core/names.hpp"

namespace kolosal {
namespace {

std::string FormatBound(double bound) {
  if (bound >= std::numeric_limits<double>::max()) return "inf";
  if (bound <= std::numeric_limits<double>::lowest()) return "-inf";
  std::array<char, 32> buffer{};
  const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), bound);
  return std::string(buffer.data(), result.ptr);
}

// "[0, 1]"; a lower bound of the smallest normal double reads "(0, ...]", that is "above zero".
std::string DescribeRange(double min_value, double max_value) {
  const bool above_zero = min_value > 0.0 && min_value <= std::numeric_limits<double>::min();
  return (above_zero ? "(0" : "[" + FormatBound(min_value)) + ", " + FormatBound(max_value) + "]";
}

}  // namespace

nlohmann::json ParseJsonConfig(std::string_view text, std::string_view context) {
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) return nlohmann::json::object();
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& error) {
    // parse_error, and out_of_range for numbers beyond double (1e400).
    ThrowInvalidArgument(std::string(context) + ": invalid JSON: " + error.what());
  }
}

ConfigReader::ConfigReader(const nlohmann::json& config, std::string context)
    : config_(config), context_(std::move(context)) {
  if (!config_.is_object() && !config_.is_null()) {
    ThrowInvalidArgument(context_ + ": expected a JSON object, got " + config_.dump());
  }
}

const nlohmann::json* ConfigReader::Find(std::string_view key) {
  Allow(key);
  if (!config_.is_object()) return nullptr;
  auto it = config_.find(key);
  if (it == config_.end() || it->is_null()) return nullptr;
  return &*it;
}

void ConfigReader::Allow(std::string_view key) {
  if (std::find(known_keys_.begin(), known_keys_.end(), key) == known_keys_.end()) {
    known_keys_.emplace_back(key);
  }
}

bool ConfigReader::Has(std::string_view key) const {
  return config_.is_object() && config_.contains(key) && !config_.at(std::string(key)).is_null();
}

double ConfigReader::GetDouble(std::string_view key, double default_value, double min_value,
                               double max_value) {
  const nlohmann::json* value = Find(key);
  if (value == nullptr) return default_value;
  if (!value->is_number()) {
    ThrowInvalidArgument(context_ + ": '" + std::string(key) + "' must be a number, got " +
                         value->dump());
  }
  const double number = value->get<double>();
  if (!std::isfinite(number) || number < min_value || number > max_value) {
    ThrowInvalidArgument(context_ + ": '" + std::string(key) + "' = " + value->dump() +
                         " is out of range " + DescribeRange(min_value, max_value));
  }
  return number;
}

int64_t ConfigReader::GetInt(std::string_view key, int64_t default_value, int64_t min_value,
                             int64_t max_value) {
  const nlohmann::json* value = Find(key);
  if (value == nullptr) return default_value;
  const bool integral =
      value->is_number_integer() ||
      (value->is_number_float() && std::floor(value->get<double>()) == value->get<double>());
  if (!integral) {
    ThrowInvalidArgument(context_ + ": '" + std::string(key) + "' must be an integer, got " +
                         value->dump());
  }
  // Range checks happen before any conversion: casting a double (or an unsigned above
  // INT64_MAX) that int64_t cannot hold is undefined or wraps.
  bool in_range = false;
  int64_t number = 0;
  if (value->is_number_float()) {
    const double real = value->get<double>();
    in_range = real >= -0x1p63 && real < 0x1p63;
    if (in_range) number = static_cast<int64_t>(real);
  } else if (value->is_number_unsigned()) {
    const uint64_t whole = value->get<uint64_t>();
    in_range = whole <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
    if (in_range) number = static_cast<int64_t>(whole);
  } else {
    in_range = true;
    number = value->get<int64_t>();
  }
  if (!in_range || number < min_value || number > max_value) {
    ThrowInvalidArgument(context_ + ": '" + std::string(key) + "' = " + value->dump() +
                         " is out of range [" + std::to_string(min_value) + ", " +
                         std::to_string(max_value) + "]");
  }
  return number;
}

bool ConfigReader::GetBool(std::string_view key, bool default_value) {
  const nlohmann::json* value = Find(key);
  if (value == nullptr) return default_value;
  if (!value->is_boolean()) {
    ThrowInvalidArgument(context_ + ": '" + std::string(key) + "' must be true or false, got " +
                         value->dump());
  }
  return value->get<bool>();
}

std::string ConfigReader::GetString(std::string_view key, std::string_view default_value) {
  const nlohmann::json* value = Find(key);
  if (value == nullptr) return std::string(default_value);
  if (!value->is_string()) {
    ThrowInvalidArgument(context_ + ": '" + std::string(key) + "' must be a string, got " +
                         value->dump());
  }
  return value->get<std::string>();
}

std::string ConfigReader::GetChoice(std::string_view key, std::string_view default_value,
                                    std::initializer_list<std::string_view> allowed) {
  std::string value = GetString(key, default_value);
  if (std::find(allowed.begin(), allowed.end(), value) != allowed.end()) return value;
  std::vector<std::string> names(allowed.begin(), allowed.end());
  ThrowInvalidArgument(context_ + ": " +
                       UnknownNameMessage("value for '" + std::string(key) + "'", value, names));
}

void ConfigReader::Finish() const {
  if (!config_.is_object()) return;
  for (const auto& [key, value] : config_.items()) {
    if (std::find(known_keys_.begin(), known_keys_.end(), key) != known_keys_.end()) continue;
    ThrowInvalidArgument(context_ + ": " + UnknownNameMessage("key", key, known_keys_));
  }
}

}  // namespace kolosal
