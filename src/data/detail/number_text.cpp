#include "kolosal/data/detail/number_text.hpp"

#include <array>
#include <charconv>
#include <cstdlib>
#include <system_error>

namespace kolosal::data::detail {
namespace {

// std::from_chars reports overflow and underflow without a value; strtod gives the IEEE result
// (+-HUGE_VAL, or 0), which is what a number too large or too small for a double means.
double ParseOutOfRange(std::string_view text) {
  std::array<char, 64> buffer{};
  if (text.size() >= buffer.size()) return std::strtod(std::string(text).c_str(), nullptr);
  text.copy(buffer.data(), text.size());
  return std::strtod(buffer.data(), nullptr);
}

}  // namespace

// Plain loops: find_first_not_of(" \t") calls memchr once per character, which showed up as the
// top cost of reading a CSV file.
std::string_view TrimSpaces(std::string_view text) {
  const auto is_space = [](char c) { return c == ' ' || c == '\t'; };
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

std::optional<double> ParseNumber(std::string_view text) {
  text = TrimSpaces(text);
  if (text.size() > 1 && text.front() == '+' && text[1] != '-') text.remove_prefix(1);
  if (text.empty()) return std::nullopt;
  double value = 0.0;
  const char* end = text.data() + text.size();
  const auto [ptr, error] = std::from_chars(text.data(), end, value);
  if (ptr != end) return std::nullopt;
  if (error == std::errc::result_out_of_range) return ParseOutOfRange(text);
  if (error != std::errc()) return std::nullopt;
  return value;
}

std::string FormatNumber(float value) {
  std::array<char, 32> buffer{};
  // Adding +0 turns -0 into +0.
  const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value + 0.0f);
  return std::string(buffer.data(), result.ptr);
}

}  // namespace kolosal::data::detail
