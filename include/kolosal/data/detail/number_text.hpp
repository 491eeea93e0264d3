#pragma once

#include <optional>
#include <string>
#include <string_view>

// Internal to the data area: the one definition of "this text is a number" shared by the CSV
// reader and MakeLabels, so that type detection and class ordering agree.
namespace kolosal::data::detail {

/// `text` without leading and trailing spaces and tabs.
std::string_view TrimSpaces(std::string_view text);

/// The number `text` spells (after trimming spaces; a leading '+' is allowed), or nullopt when
/// it is not a whole decimal number. Uses std::from_chars, so it ignores the locale.
std::optional<double> ParseNumber(std::string_view text);

/// The shortest text that reads back as `value`: integers have no ".0" ("1", "10"), -0 is "0".
std::string FormatNumber(float value);

}  // namespace kolosal::data::detail
