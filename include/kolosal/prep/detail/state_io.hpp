#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "kolosal/io/msgpack_io.hpp"
#include "kolosal/prep/detail/fitted_columns.hpp"

namespace kolosal::prep::detail {

/// Field `key` of `state` as the names of fitted columns; throws Error(kCorruptModel) when it is
/// not a list of distinct strings.
FittedColumns ReadColumns(const msgpack::object& state, std::string_view key);
/// Field `key` of `state` as a packed double array of exactly `size` values; throws
/// Error(kCorruptModel) otherwise.
std::vector<double> ReadDoubles(const msgpack::object& state, std::string_view key, size_t size);
/// Field `key` of `state` as a packed float array of exactly `size` values.
std::vector<float> ReadFloats(const msgpack::object& state, std::string_view key, size_t size);
/// Field `key` of `state` as a list of exactly `size` strings.
std::vector<std::string> ReadStrings(const msgpack::object& state, std::string_view key,
                                     size_t size);

}  // namespace kolosal::prep::detail
