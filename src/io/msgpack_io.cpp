#include "kolosal/io/msgpack_io.hpp"

#include <bit>
#include <cstring>

namespace kolosal::io {

static_assert(std::endian::native == std::endian::little,
              "the model format stores raw little-endian arrays");

void ThrowCorrupt(std::string_view what) {
  throw Error(StatusCode::kCorruptModel, "corrupt model: " + std::string(what));
}

const msgpack::object* FindField(const msgpack::object& map, std::string_view key) {
  if (map.type != msgpack::type::MAP)
    ThrowCorrupt("expected a map around '" + std::string(key) + "'");
  for (uint32_t idx = 0; idx < map.via.map.size; ++idx) {
    const msgpack::object_kv& entry = map.via.map.ptr[idx];
    if (entry.key.type == msgpack::type::STR &&
        std::string_view(entry.key.via.str.ptr, entry.key.via.str.size) == key) {
      return &entry.val;
    }
  }
  return nullptr;
}

const msgpack::object& Field(const msgpack::object& map, std::string_view key) {
  const msgpack::object* value = FindField(map, key);
  if (value == nullptr) ThrowCorrupt("missing field '" + std::string(key) + "'");
  return *value;
}

namespace {

template <typename T>
void PackRaw(Packer& packer, std::span<const T> values) {
  const size_t n_bytes = values.size_bytes();
  packer.pack_bin(static_cast<uint32_t>(n_bytes));
  packer.pack_bin_body(reinterpret_cast<const char*>(values.data()),
                       static_cast<uint32_t>(n_bytes));
}

template <typename T>
std::vector<T> ReadRaw(const msgpack::object& object, std::string_view what) {
  if (object.type != msgpack::type::BIN || object.via.bin.size % sizeof(T) != 0) {
    ThrowCorrupt(std::string(what) + ": expected a packed array");
  }
  std::vector<T> values(object.via.bin.size / sizeof(T));
  if (!values.empty()) std::memcpy(values.data(), object.via.bin.ptr, object.via.bin.size);
  return values;
}

}  // namespace

void PackFloats(Packer& packer, std::span<const float> values) { PackRaw(packer, values); }
std::vector<float> ReadFloats(const msgpack::object& object, std::string_view what) {
  return ReadRaw<float>(object, what);
}
void PackDoubles(Packer& packer, std::span<const double> values) { PackRaw(packer, values); }
std::vector<double> ReadDoubles(const msgpack::object& object, std::string_view what) {
  return ReadRaw<double>(object, what);
}
void PackInt32s(Packer& packer, std::span<const int32_t> values) { PackRaw(packer, values); }
std::vector<int32_t> ReadInt32s(const msgpack::object& object, std::string_view what) {
  return ReadRaw<int32_t>(object, what);
}

}  // namespace kolosal::io
