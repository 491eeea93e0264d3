#pragma once

#include <msgpack.hpp>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "kolosal/core/error.hpp"
#include "kolosal/core/utf8.hpp"

namespace kolosal::io {

/// Everything in the model file is written through this packer.
using Packer = msgpack::packer<msgpack::sbuffer>;

/// Throws Error(kCorruptModel) with `what` in the message.
[[noreturn]] void ThrowCorrupt(std::string_view what);

/// The value of `key` in a msgpack map; throws Error(kCorruptModel) if `map` is not a map or has
/// no such key.
const msgpack::object& Field(const msgpack::object& map, std::string_view key);
/// The value of `key`, or nullptr when absent (for fields added in later format versions).
const msgpack::object* FindField(const msgpack::object& map, std::string_view key);

/// Strings read from a model file must be UTF-8, as every string the library hands out is:
/// Error(kCorruptModel) naming `what` otherwise. Values without strings pass.
template <typename T>
void CheckUtf8(const T& /*value*/, std::string_view /*what*/) {}
inline void CheckUtf8(const std::string& value, std::string_view what) {
  if (FindInvalidUtf8(value) != std::string_view::npos) {
    ThrowCorrupt(std::string(what) + ": a string that is not UTF-8");
  }
}
template <typename T>
void CheckUtf8(const std::vector<T>& values, std::string_view what) {
  for (const T& value : values) CheckUtf8(value, what);
}

/// Converts a msgpack object to T; a type mismatch, or a string that is not UTF-8, becomes
/// Error(kCorruptModel) naming `what`.
template <typename T>
T ReadAs(const msgpack::object& object, std::string_view what) {
  T value = [&] {
    try {
      return object.as<T>();
    } catch (const std::exception& error) {
      ThrowCorrupt(std::string(what) + ": " + error.what());
    }
  }();
  CheckUtf8(value, what);
  return value;
}

/// Reads field `key` of `map` as T.
template <typename T>
T ReadField(const msgpack::object& map, std::string_view key) {
  return ReadAs<T>(Field(map, key), key);
}

/// Float arrays are stored as raw little-endian bytes (msgpack bin): compact and bit-exact.
void PackFloats(Packer& packer, std::span<const float> values);
std::vector<float> ReadFloats(const msgpack::object& object, std::string_view what);
void PackDoubles(Packer& packer, std::span<const double> values);
std::vector<double> ReadDoubles(const msgpack::object& object, std::string_view what);
void PackInt32s(Packer& packer, std::span<const int32_t> values);
std::vector<int32_t> ReadInt32s(const msgpack::object& object, std::string_view what);

/// Writes a string key followed by nothing; the caller packs the value next.
inline void PackKey(Packer& packer, std::string_view key) { packer.pack(key); }

}  // namespace kolosal::io
