#pragma once

#include <string>
#include <string_view>

#include "kolosal/hpo/search_space.hpp"
#include "kolosal/hpo/trial.hpp"

namespace kolosal::hpo::detail {

/// Parameters as stored: a JSON array with null for NaN ("" for no parameters).
std::string EncodeParams(const ParamVector& params);
ParamVector DecodeParams(std::string_view text);
/// A stored state name; throws Error(kIo) for anything TrialStateName does not give.
TrialState DecodeState(std::string_view text);

/// Seconds since the Unix epoch, from the system clock.
double NowSeconds();

}  // namespace kolosal::hpo::detail
