#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kolosal/core/error.hpp"
#include "kolosal/core/names.hpp"

namespace kolosal::prep::detail {

/// One row of a table that names the values of an option enum ("median" <-> kMedian).
template <typename Enum>
struct EnumName {
  Enum value;
  std::string_view name;
};

template <typename Enum, size_t N>
std::string_view NameOf(const std::array<EnumName<Enum>, N>& table, Enum value) {
  for (const EnumName<Enum>& entry : table) {
    if (entry.value == value) return entry.name;
  }
  return "unknown";
}

template <typename Enum, size_t N>
std::optional<Enum> FindEnum(const std::array<EnumName<Enum>, N>& table, std::string_view name) {
  for (const EnumName<Enum>& entry : table) {
    if (entry.name == name) return entry.value;
  }
  return std::nullopt;
}

template <typename Enum, size_t N>
std::vector<std::string> EnumNames(const std::array<EnumName<Enum>, N>& table) {
  std::vector<std::string> names;
  for (const EnumName<Enum>& entry : table) names.emplace_back(entry.name);
  return names;
}

/// The value named `name`; throws Error(kInvalidArgument) listing the valid names of `what`.
template <typename Enum, size_t N>
Enum ParseEnum(const std::array<EnumName<Enum>, N>& table, std::string_view name,
               std::string_view what) {
  if (const std::optional<Enum> value = FindEnum(table, name)) return *value;
  ThrowInvalidArgument(UnknownNameMessage(what, name, EnumNames(table)));
}

}  // namespace kolosal::prep::detail
