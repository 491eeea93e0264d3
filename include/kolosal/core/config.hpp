#pragma once

#include <cstdint>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace kolosal {

/// Parses JSON text; an empty string is an empty object. Throws Error(kInvalidArgument).
nlohmann::json ParseJsonConfig(std::string_view text, std::string_view context);

/// Reads typed values out of a JSON config object and remembers every key it was asked for, so
/// that Finish() can reject unknown keys with a did-you-mean suggestion. Each getter validates
/// type and range and throws Error(kInvalidArgument) naming the context and key.
class ConfigReader {
 public:
  ConfigReader(const nlohmann::json& config, std::string context);

  double GetDouble(std::string_view key, double default_value, double min_value, double max_value);
  int64_t GetInt(std::string_view key, int64_t default_value, int64_t min_value, int64_t max_value);
  bool GetBool(std::string_view key, bool default_value);
  std::string GetString(std::string_view key, std::string_view default_value);
  /// A string that must be one of `allowed`.
  std::string GetChoice(std::string_view key, std::string_view default_value,
                        std::initializer_list<std::string_view> allowed);
  /// The raw value, or nullptr when absent. Marks the key as known.
  const nlohmann::json* Find(std::string_view key);
  /// Marks a key as known without reading it.
  void Allow(std::string_view key);
  bool Has(std::string_view key) const;

  /// Throws if the config holds a key that no getter asked for.
  void Finish() const;

  const std::string& context() const { return context_; }

 private:
  const nlohmann::json& config_;
  std::string context_;
  std::vector<std::string> known_keys_;
};

}  // namespace kolosal
