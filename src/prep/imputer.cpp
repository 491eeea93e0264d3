#include "kolosal/prep/imputer.hpp"

#include <algorithm>
#include <array>
#include <cmath>

#include "kolosal/prep/detail/enum_names.hpp"
#include "kolosal/prep/detail/state_io.hpp"
#include "kolosal/prep/detail/statistics.hpp"

namespace kolosal::prep {
namespace {

using data::ColumnType;

constexpr std::array<detail::EnumName<NumericImputation>, 5> kNumericNames{{
    {NumericImputation::kNone, "none"},
    {NumericImputation::kMean, "mean"},
    {NumericImputation::kMedian, "median"},
    {NumericImputation::kMostFrequent, "most_frequent"},
    {NumericImputation::kConstant, "constant"},
}};

constexpr std::array<detail::EnumName<CategoricalImputation>, 3> kCategoricalNames{{
    {CategoricalImputation::kNone, "none"},
    {CategoricalImputation::kMostFrequent, "most_frequent"},
    {CategoricalImputation::kConstant, "constant"},
}};

// The code of `category` in the column's dictionary, appending it when absent.
int32_t FindOrAddCategory(data::Column& column, const std::string& category) {
  const auto found = std::find(column.categories.begin(), column.categories.end(), category);
  if (found != column.categories.end()) {
    return static_cast<int32_t>(found - column.categories.begin());
  }
  column.categories.push_back(category);
  return static_cast<int32_t>(column.categories.size() - 1);
}

void FillNumeric(data::Column& column, float fill) {
  for (float& value : column.values) {
    if (std::isnan(value)) value = fill;
  }
}

void FillCategorical(data::Column& column, const std::string& fill) {
  const int32_t fill_code = FindOrAddCategory(column, fill);
  const auto n_categories = static_cast<int32_t>(column.categories.size());
  for (int32_t& code : column.codes) {
    if (code < 0 || code >= n_categories) code = fill_code;
  }
}

}  // namespace

NumericImputation ParseNumericImputation(std::string_view name) {
  return detail::ParseEnum(kNumericNames, name, "numeric imputer");
}

CategoricalImputation ParseCategoricalImputation(std::string_view name) {
  return detail::ParseEnum(kCategoricalNames, name, "categorical imputer");
}

Imputer::Imputer(ImputerOptions options) : options_(std::move(options)) {
  if (!std::isfinite(options_.numeric_fill_value)) {
    ThrowInvalidArgument("imputer: the numeric fill value must be a finite number");
  }
}

float Imputer::LearnNumericFill(const data::Column& column) const {
  if (options_.numeric == NumericImputation::kConstant) return options_.numeric_fill_value;
  std::vector<float> observed = detail::FiniteValues(column.values);
  if (observed.empty()) return 0.0f;
  switch (options_.numeric) {
    case NumericImputation::kMean:
      return static_cast<float>(detail::Mean(observed));
    case NumericImputation::kMedian:
      return static_cast<float>(detail::Quantile(observed, 0.5));
    default:
      return detail::MostFrequent(observed);
  }
}

std::string Imputer::LearnCategoricalFill(const data::Column& column) const {
  if (options_.categorical == CategoricalImputation::kConstant) {
    return options_.categorical_fill_value;
  }
  const int32_t code = detail::MostFrequentCode(column);
  if (code == data::kMissingCode) return options_.categorical_fill_value;
  return column.categories[static_cast<size_t>(code)];
}

void Imputer::Fit(const data::Dataset& dataset) {
  std::vector<std::string> numeric_names;
  std::vector<float> numeric_fills;
  std::vector<std::string> categorical_names;
  std::vector<std::string> categorical_fills;
  for (const data::Column& column : dataset.columns()) {
    if (column.is_numeric() && options_.numeric != NumericImputation::kNone) {
      numeric_names.push_back(column.name);
      numeric_fills.push_back(LearnNumericFill(column));
    }
    if (column.is_categorical() && options_.categorical != CategoricalImputation::kNone) {
      categorical_names.push_back(column.name);
      categorical_fills.push_back(LearnCategoricalFill(column));
    }
  }
  detail::FittedColumns numeric_columns(std::move(numeric_names));
  detail::FittedColumns categorical_columns(std::move(categorical_names));
  numeric_columns_ = std::move(numeric_columns);
  numeric_fills_ = std::move(numeric_fills);
  categorical_columns_ = std::move(categorical_columns);
  categorical_fills_ = std::move(categorical_fills);
}

void Imputer::Transform(data::Dataset& dataset) const {
  const std::vector<int64_t> numeric_indices =
      numeric_columns_.Locate(dataset, ColumnType::kNumeric, kTypeName);
  const std::vector<int64_t> categorical_indices =
      categorical_columns_.Locate(dataset, ColumnType::kCategorical, kTypeName);
  for (size_t slot = 0; slot < numeric_indices.size(); ++slot) {
    FillNumeric(dataset.mutable_column(numeric_indices[slot]), numeric_fills_[slot]);
  }
  for (size_t slot = 0; slot < categorical_indices.size(); ++slot) {
    FillCategorical(dataset.mutable_column(categorical_indices[slot]), categorical_fills_[slot]);
  }
}

void Imputer::Save(io::Packer& packer) const {
  packer.pack_map(4);
  io::PackKey(packer, "numeric_columns");
  packer.pack(numeric_columns_.names());
  io::PackKey(packer, "numeric_fills");
  io::PackFloats(packer, numeric_fills_);
  io::PackKey(packer, "categorical_columns");
  packer.pack(categorical_columns_.names());
  io::PackKey(packer, "categorical_fills");
  packer.pack(categorical_fills_);
}

std::unique_ptr<Imputer> Imputer::Load(const msgpack::object& state) {
  auto imputer = std::make_unique<Imputer>();
  imputer->numeric_columns_ = detail::ReadColumns(state, "numeric_columns");
  imputer->numeric_fills_ =
      detail::ReadFloats(state, "numeric_fills", imputer->numeric_columns_.size());
  imputer->categorical_columns_ = detail::ReadColumns(state, "categorical_columns");
  imputer->categorical_fills_ =
      detail::ReadStrings(state, "categorical_fills", imputer->categorical_columns_.size());
  return imputer;
}

std::optional<float> Imputer::NumericFill(std::string_view column) const {
  const int64_t slot = numeric_columns_.Slot(column);
  if (slot < 0) return std::nullopt;
  return numeric_fills_[static_cast<size_t>(slot)];
}

std::optional<std::string> Imputer::CategoricalFill(std::string_view column) const {
  const int64_t slot = categorical_columns_.Slot(column);
  if (slot < 0) return std::nullopt;
  return categorical_fills_[static_cast<size_t>(slot)];
}

}  // namespace kolosal::prep
