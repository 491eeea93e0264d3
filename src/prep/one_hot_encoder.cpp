#include "kolosal/prep/one_hot_encoder.hpp"

#include "kolosal/data/schema.hpp"

namespace kolosal::prep {

OneHotEncoder::OneHotEncoder(int64_t max_categories) : max_categories_(max_categories) {}

void OneHotEncoder::Fit(const data::Dataset& dataset) {
  std::vector<std::string> names;
  std::vector<std::vector<std::string>> dictionaries;
  for (const data::Column& column : dataset.columns()) {
    if (!column.is_categorical()) continue;
    if (static_cast<int64_t>(column.categories.size()) > max_categories_) continue;
    names.push_back(column.name);
    dictionaries.push_back(column.categories);
  }
  fitted_.columns = detail::FittedColumns(std::move(names));
  fitted_.dictionaries = std::move(dictionaries);
}

std::vector<data::Column> OneHotEncoder::Encode(size_t slot, const data::Column& column) const {
  const std::vector<std::string>& dictionary = fitted_.dictionaries[slot];
  const std::vector<int32_t> table = fitted_.CodeTable(slot, column);
  std::vector<data::Column> indicators;
  indicators.reserve(dictionary.size());
  for (const std::string& category : dictionary) {
    indicators.push_back(data::Column::Numeric(column.name + "=" + category,
                                               std::vector<float>(column.codes.size(), 0.0f)));
  }
  for (size_t row = 0; row < column.codes.size(); ++row) {
    const int32_t code = data::MapCode(table, column.codes[row]);
    if (code != data::kMissingCode) indicators[static_cast<size_t>(code)].values[row] = 1.0f;
  }
  return indicators;
}

void OneHotEncoder::Transform(data::Dataset& dataset) const {
  const std::vector<int64_t> indices =
      fitted_.columns.Locate(dataset, data::ColumnType::kCategorical, kTypeName);
  if (indices.empty()) return;
  std::vector<int64_t> slot_of_column(static_cast<size_t>(dataset.n_features()), -1);
  for (size_t slot = 0; slot < indices.size(); ++slot) {
    slot_of_column[static_cast<size_t>(indices[slot])] = static_cast<int64_t>(slot);
  }
  // One pass that rebuilds the column list; replacing columns one at a time would shift the
  // tail of the list once per encoded column.
  std::vector<data::Column>& columns = dataset.mutable_columns();
  std::vector<data::Column> rebuilt;
  rebuilt.reserve(columns.size());
  for (size_t idx = 0; idx < columns.size(); ++idx) {
    if (slot_of_column[idx] < 0) {
      rebuilt.push_back(std::move(columns[idx]));
      continue;
    }
    std::vector<data::Column> indicators =
        Encode(static_cast<size_t>(slot_of_column[idx]), columns[idx]);
    std::move(indicators.begin(), indicators.end(), std::back_inserter(rebuilt));
  }
  columns = std::move(rebuilt);
}

void OneHotEncoder::Save(io::Packer& packer) const { fitted_.Save(packer); }

std::unique_ptr<OneHotEncoder> OneHotEncoder::Load(const msgpack::object& state) {
  auto encoder = std::make_unique<OneHotEncoder>();
  encoder->fitted_ = detail::FittedDictionaries::Load(state);
  return encoder;
}

const std::vector<std::string>* OneHotEncoder::Categories(std::string_view column) const {
  const int64_t slot = fitted_.columns.Slot(column);
  if (slot < 0) return nullptr;
  return &fitted_.dictionaries[static_cast<size_t>(slot)];
}

}  // namespace kolosal::prep
