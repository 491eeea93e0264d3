#include "kolosal/prep/detail/state_io.hpp"

namespace kolosal::prep::detail {
namespace {

void CheckSize(std::string_view key, size_t actual, size_t expected) {
  if (actual == expected) return;
  io::ThrowCorrupt("'" + std::string(key) + "' has " + std::to_string(actual) +
                   " entries, expected " + std::to_string(expected));
}

}  // namespace

FittedColumns ReadColumns(const msgpack::object& state, std::string_view key) {
  auto names = io::ReadField<std::vector<std::string>>(state, key);
  try {
    return FittedColumns(std::move(names));
  } catch (const Error& error) {
    io::ThrowCorrupt(std::string(key) + ": " + error.what());
  }
}

std::vector<double> ReadDoubles(const msgpack::object& state, std::string_view key, size_t size) {
  std::vector<double> values = io::ReadDoubles(io::Field(state, key), key);
  CheckSize(key, values.size(), size);
  return values;
}

std::vector<float> ReadFloats(const msgpack::object& state, std::string_view key, size_t size) {
  std::vector<float> values = io::ReadFloats(io::Field(state, key), key);
  CheckSize(key, values.size(), size);
  return values;
}

std::vector<std::string> ReadStrings(const msgpack::object& state, std::string_view key,
                                     size_t size) {
  auto values = io::ReadField<std::vector<std::string>>(state, key);
  CheckSize(key, values.size(), size);
  return values;
}

}  // namespace kolosal::prep::detail
