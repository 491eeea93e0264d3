#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "kolosal/core/error.hpp"

namespace kolosal::testing {

/// The keys a JSON config accepts, as its unknown-key error lists them after "Valid: ": `use` is
/// called with {"zz_probe": 1}. Empty when it does not throw or lists nothing.
inline std::vector<std::string> AcceptedKeys(
    const std::function<void(const nlohmann::json& config)>& use) {
  std::string message;
  try {
    use({{"zz_probe", 1}});
    return {};
  } catch (const Error& error) {
    message = error.what();
  }
  const size_t list = message.find("Valid: ");
  if (list == std::string::npos) return {};
  std::vector<std::string> keys;
  for (size_t begin = list + 7; begin < message.size();) {
    const size_t end = std::min(message.find(", ", begin), message.size());
    keys.push_back(message.substr(begin, end - begin));
    begin = end + 2;
  }
  return keys;
}

/// Values of the wrong type, out of range or at the edge of range, for any config key.
inline const std::vector<nlohmann::json>& BadConfigValues() {
  static const std::vector<nlohmann::json> values = {"text",
                                                     "",
                                                     true,
                                                     nlohmann::json::array(),
                                                     nlohmann::json::object(),
                                                     -1,
                                                     0,
                                                     0.5,
                                                     1,
                                                     2,
                                                     3,
                                                     1.5e9,
                                                     1e300,
                                                     -1e300,
                                                     std::numeric_limits<uint64_t>::max(),
                                                     std::numeric_limits<int64_t>::min()};
  return values;
}

struct KeyValueCounts {
  int accepted = 0;
  int rejected = 0;
};

/// Calls use(key, value) for every key and every BadConfigValues() value. Each call returns, or
/// throws Error(kInvalidArgument) whose message names the key; anything else fails the test.
inline KeyValueCounts CheckEveryKeyValue(
    const std::vector<std::string>& keys,
    const std::function<void(const std::string& key, const nlohmann::json& value)>& use) {
  KeyValueCounts counts;
  for (const std::string& key : keys) {
    for (const nlohmann::json& value : BadConfigValues()) {
      const std::string context = key + "=" + value.dump();
      try {
        use(key, value);
        ++counts.accepted;
      } catch (const Error& error) {
        ++counts.rejected;
        EXPECT_EQ(error.code(), StatusCode::kInvalidArgument) << context << ": " << error.what();
        EXPECT_NE(std::string(error.what()).find(key), std::string::npos)
            << context << ": the message does not name the key: " << error.what();
      } catch (const std::exception& error) {
        ADD_FAILURE() << context << ": escaped " << error.what();
      }
    }
  }
  return counts;
}

}  // namespace kolosal::testing
