#include "kolosal/hpo/detail/storage_codec.hpp"

#include <chrono>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>

#include "kolosal/core/error.hpp"

namespace kolosal::hpo::detail {

std::string EncodeParams(const ParamVector& params) {
  if (params.empty()) return "";
  nlohmann::json array = nlohmann::json::array();
  for (double value : params) {
    if (std::isnan(value)) {
      array.push_back(nullptr);
    } else {
      array.push_back(value);
    }
  }
  return array.dump();
}

ParamVector DecodeParams(std::string_view text) {
  if (text.empty()) return {};
  const nlohmann::json array = nlohmann::json::parse(text, nullptr, false);
  if (!array.is_array()) {
    throw Error(StatusCode::kIo, "storage: corrupt trial parameters '" + std::string(text) + "'");
  }
  ParamVector params;
  params.reserve(array.size());
  for (const nlohmann::json& value : array) {
    params.push_back(value.is_number() ? value.get<double>()
                                       : std::numeric_limits<double>::quiet_NaN());
  }
  return params;
}

TrialState DecodeState(std::string_view text) {
  try {
    return ParseTrialState(text);
  } catch (const Error&) {
    throw Error(StatusCode::kIo, "storage: corrupt trial state '" + std::string(text) + "'");
  }
}

double NowSeconds() {
  const auto since_epoch = std::chrono::system_clock::now().time_since_epoch();
  return std::chrono::duration<double>(since_epoch).count();
}

}  // namespace kolosal::hpo::detail
