#pragma once

#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/expect_error.hpp"
#include "kolosal/core/error.hpp"
#include "kolosal/data/dataset.hpp"
#include "kolosal/io/msgpack_io.hpp"
#include "kolosal/prep/transformer.hpp"

namespace kolosal::prep::testing {

using ::kolosal::testing::ExpectError;

/// Packs whatever `write` writes and unpacks it again: a msgpack object to load from.
template <typename Write>
msgpack::object_handle MakeObject(Write&& write) {
  msgpack::sbuffer buffer;
  io::Packer packer(buffer);
  write(packer);
  return msgpack::unpack(buffer.data(), buffer.size());
}

/// Saves `transformer` and recreates it through LoadTransformer().
inline std::unique_ptr<Transformer> SaveAndLoad(const Transformer& transformer) {
  const msgpack::object_handle handle =
      MakeObject([&](io::Packer& packer) { transformer.Save(packer); });
  return LoadTransformer(transformer.TypeName(), handle.get());
}

/// True when both arrays hold the same bits (so NaN matches NaN).
inline bool SameBits(std::span<const float> a, std::span<const float> b) {
  if (a.size() != b.size()) return false;
  return a.empty() || std::memcmp(a.data(), b.data(), a.size_bytes()) == 0;
}

/// Checks that two datasets have the same columns: names, types, dictionaries and values bit for
/// bit.
inline void ExpectSameColumns(const data::Dataset& expected, const data::Dataset& actual) {
  ASSERT_EQ(expected.n_features(), actual.n_features());
  for (int64_t idx = 0; idx < expected.n_features(); ++idx) {
    const data::Column& want = expected.column(idx);
    const data::Column& got = actual.column(idx);
    EXPECT_EQ(want.name, got.name);
    EXPECT_EQ(want.type, got.type) << want.name;
    EXPECT_EQ(want.codes, got.codes) << want.name;
    EXPECT_EQ(want.categories, got.categories) << want.name;
    EXPECT_TRUE(SameBits(want.values, got.values)) << want.name;
  }
}

}  // namespace kolosal::prep::testing
