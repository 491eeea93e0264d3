#pragma once

#include <span>
#include <string>
#include <string_view>

namespace kolosal {

/// Levenshtein distance between two names, compared case-insensitively.
size_t EditDistance(std::string_view a, std::string_view b);

/// The candidate nearest to `name`, or "" when none is close enough to be a plausible typo.
std::string NearestName(std::string_view name, std::span<const std::string> candidates);

/// "unknown <what> 'name'; did you mean 'x'? Valid: a, b, c" — the message for an unknown name.
std::string UnknownNameMessage(std::string_view what, std::string_view name,
                               std::span<const std::string> candidates);

}  // namespace kolosal
