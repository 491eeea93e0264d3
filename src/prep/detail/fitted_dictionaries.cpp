#include "kolosal/prep/detail/fitted_dictionaries.hpp"

#include "kolosal/data/schema.hpp"
#include "kolosal/prep/detail/state_io.hpp"

namespace kolosal::prep::detail {

std::vector<int32_t> FittedDictionaries::CodeTable(size_t slot, const data::Column& column) const {
  return data::MapDictionary(column.categories, dictionaries[slot]);
}

void FittedDictionaries::Save(io::Packer& packer) const {
  packer.pack_map(2);
  io::PackKey(packer, "columns");
  packer.pack(columns.names());
  io::PackKey(packer, "dictionaries");
  packer.pack(dictionaries);
}

FittedDictionaries FittedDictionaries::Load(const msgpack::object& state) {
  FittedDictionaries fitted;
  fitted.columns = ReadColumns(state, "columns");
  fitted.dictionaries = io::ReadField<std::vector<std::vector<std::string>>>(state, "dictionaries");
  if (fitted.dictionaries.size() != fitted.columns.size()) {
    io::ThrowCorrupt("'dictionaries' has " + std::to_string(fitted.dictionaries.size()) +
                     " entries, expected " + std::to_string(fitted.columns.size()));
  }
  return fitted;
}

}  // namespace kolosal::prep::detail
