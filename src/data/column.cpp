#include "kolosal/data/column.hpp"

#include <cmath>

namespace kolosal::data {

Column Column::Numeric(std::string name, std::vector<float> values) {
  Column column;
  column.name = std::move(name);
  column.type = ColumnType::kNumeric;
  column.values = std::move(values);
  return column;
}

Column Column::Categorical(std::string name, std::vector<int32_t> codes,
                           std::vector<std::string> categories) {
  Column column;
  column.name = std::move(name);
  column.type = ColumnType::kCategorical;
  column.codes = std::move(codes);
  column.categories = std::move(categories);
  return column;
}

bool Column::IsMissing(int64_t row) const {
  const auto idx = static_cast<size_t>(row);
  return is_numeric() ? std::isnan(values[idx]) : codes[idx] == kMissingCode;
}

int64_t Column::CountMissing() const {
  int64_t count = 0;
  for (int64_t row = 0; row < size(); ++row) count += IsMissing(row) ? 1 : 0;
  return count;
}

Column Column::Take(const std::vector<int64_t>& rows) const {
  Column out;
  out.name = name;
  out.type = type;
  out.categories = categories;
  if (is_numeric()) {
    out.values = TakeRows(values, rows);
  } else {
    out.codes = TakeRows(codes, rows);
  }
  return out;
}

}  // namespace kolosal::data
