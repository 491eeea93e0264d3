#include "kolosal/prep/ordinal_encoder.hpp"

#include <limits>

#include "kolosal/data/schema.hpp"

namespace kolosal::prep {
namespace {

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

}  // namespace

void OrdinalEncoder::Fit(const data::Dataset& dataset) {
  std::vector<std::string> names;
  std::vector<std::vector<std::string>> dictionaries;
  for (const data::Column& column : dataset.columns()) {
    if (!column.is_categorical()) continue;
    names.push_back(column.name);
    dictionaries.push_back(column.categories);
  }
  fitted_.columns = detail::FittedColumns(std::move(names));
  fitted_.dictionaries = std::move(dictionaries);
}

void OrdinalEncoder::Transform(data::Dataset& dataset) const {
  const std::vector<int64_t> indices =
      fitted_.columns.Locate(dataset, data::ColumnType::kCategorical, kTypeName);
  for (size_t slot = 0; slot < indices.size(); ++slot) {
    data::Column& column = dataset.mutable_column(indices[slot]);
    const std::vector<int32_t> table = fitted_.CodeTable(slot, column);
    std::vector<float> values(column.codes.size());
    for (size_t row = 0; row < values.size(); ++row) {
      const int32_t code = data::MapCode(table, column.codes[row]);
      values[row] = code == data::kMissingCode ? kNaN : static_cast<float>(code);
    }
    column = data::Column::Numeric(std::move(column.name), std::move(values));
  }
}

void OrdinalEncoder::Save(io::Packer& packer) const { fitted_.Save(packer); }

std::unique_ptr<OrdinalEncoder> OrdinalEncoder::Load(const msgpack::object& state) {
  auto encoder = std::make_unique<OrdinalEncoder>();
  encoder->fitted_ = detail::FittedDictionaries::Load(state);
  return encoder;
}

const std::vector<std::string>* OrdinalEncoder::Categories(std::string_view column) const {
  const int64_t slot = fitted_.columns.Slot(column);
  if (slot < 0) return nullptr;
  return &fitted_.dictionaries[static_cast<size_t>(slot)];
}

}  // namespace kolosal::prep
