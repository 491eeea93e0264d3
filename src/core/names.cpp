#include "kolosal/core/names.hpp"

#include <algorithm>
#include <cctype>
#include <vector>

namespace kolosal {

size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> previous(b.size() + 1);
  std::vector<size_t> current(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) previous[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    current[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const bool same = std::tolower(static_cast<unsigned char>(a[i - 1])) ==
                        std::tolower(static_cast<unsigned char>(b[j - 1]));
      current[j] =
          std::min({previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (same ? 0 : 1)});
    }
    std::swap(previous, current);
  }
  return previous[b.size()];
}

std::string NearestName(std::string_view name, std::span<const std::string> candidates) {
  std::string best;
  size_t best_distance = std::max<size_t>(2, name.size() / 3) + 1;
  for (const std::string& candidate : candidates) {
    const size_t distance = EditDistance(name, candidate);
    if (distance < best_distance) {
      best_distance = distance;
      best = candidate;
    }
  }
  return best;
}

std::string UnknownNameMessage(std::string_view what, std::string_view name,
                               std::span<const std::string> candidates) {
  std::string message = "unknown " + std::string(what) + " '" + std::string(name) + "'";
  const std::string nearest = NearestName(name, candidates);
  if (!nearest.empty()) message += "; did you mean '" + nearest + "'?";
  message += " Valid: ";
  for (size_t idx = 0; idx < candidates.size(); ++idx) {
    if (idx > 0) message += ", ";
    message += candidates[idx];
  }
  return message;
}

}  // namespace kolosal
