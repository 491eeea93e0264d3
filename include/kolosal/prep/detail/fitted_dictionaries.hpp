#pragma once

#include <string>
#include <vector>

#include "kolosal/data/dataset.hpp"
#include "kolosal/io/msgpack_io.hpp"
#include "kolosal/prep/detail/fitted_columns.hpp"

namespace kolosal::prep::detail {

/// Categorical columns with the dictionary each had at Fit(): the state of both encoders.
struct FittedDictionaries {
  FittedColumns columns;
  std::vector<std::vector<std::string>> dictionaries;

  /// The codes of `column` re-expressed in dictionary `slot` (kMissingCode for a missing value or
  /// a category that dictionary lacks). Matches by text, so a batch whose dictionary differs
  /// from the fitted one is still encoded correctly.
  std::vector<int32_t> CodeTable(size_t slot, const data::Column& column) const;

  void Save(io::Packer& packer) const;
  /// Throws Error(kCorruptModel) for a malformed state.
  static FittedDictionaries Load(const msgpack::object& state);
};

}  // namespace kolosal::prep::detail
