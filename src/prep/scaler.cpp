#include "kolosal/prep/scaler.hpp"

#include <algorithm>
#include <array>
#include <cmath>

#include "kolosal/prep/detail/enum_names.hpp"
#include "kolosal/prep/detail/state_io.hpp"
#include "kolosal/prep/detail/statistics.hpp"

namespace kolosal::prep {
namespace {

constexpr std::array<detail::EnumName<ScalerMethod>, 3> kMethodNames{{
    {ScalerMethod::kStandard, "standard"},
    {ScalerMethod::kMinMax, "minmax"},
    {ScalerMethod::kRobust, "robust"},
}};

ScaleParams StandardParams(std::span<const float> observed) {
  const double mean = detail::Mean(observed);
  return {mean, detail::SafeScale(std::sqrt(detail::Variance(observed, mean)))};
}

ScaleParams MinMaxParams(std::span<const float> observed) {
  const auto [min_it, max_it] = std::minmax_element(observed.begin(), observed.end());
  const double min_value = *min_it;
  return {min_value, detail::SafeScale(static_cast<double>(*max_it) - min_value)};
}

ScaleParams RobustParams(std::span<float> observed) {
  const double median = detail::Quantile(observed, 0.5);
  const double iqr = detail::Quantile(observed, 0.75) - detail::Quantile(observed, 0.25);
  return {median, detail::SafeScale(iqr)};
}

void ScaleColumn(data::Column& column, ScaleParams params) {
  const double inverse_scale = 1.0 / params.scale;
  for (float& value : column.values) {
    value = static_cast<float>((static_cast<double>(value) - params.center) * inverse_scale);
  }
}

bool IsValidScale(double scale) { return std::isfinite(scale) && scale != 0.0; }

}  // namespace

ScalerMethod ParseScalerMethod(std::string_view name) {
  return detail::ParseEnum(kMethodNames, name, "scaler");
}

Scaler::Scaler(ScalerMethod method) : method_(method) {}

ScaleParams Scaler::LearnParams(const data::Column& column) const {
  std::vector<float> observed = detail::FiniteValues(column.values);
  if (observed.empty()) return {};
  switch (method_) {
    case ScalerMethod::kStandard:
      return StandardParams(observed);
    case ScalerMethod::kMinMax:
      return MinMaxParams(observed);
    case ScalerMethod::kRobust:
      return RobustParams(observed);
  }
  return {};
}

void Scaler::Fit(const data::Dataset& dataset) {
  std::vector<std::string> names;
  std::vector<ScaleParams> params;
  for (const data::Column& column : dataset.columns()) {
    if (!column.is_numeric()) continue;
    names.push_back(column.name);
    params.push_back(LearnParams(column));
  }
  columns_ = detail::FittedColumns(std::move(names));
  params_ = std::move(params);
}

void Scaler::Transform(data::Dataset& dataset) const {
  const std::vector<int64_t> indices =
      columns_.Locate(dataset, data::ColumnType::kNumeric, kTypeName);
  for (size_t slot = 0; slot < indices.size(); ++slot) {
    ScaleColumn(dataset.mutable_column(indices[slot]), params_[slot]);
  }
}

void Scaler::Save(io::Packer& packer) const {
  std::vector<double> centers;
  std::vector<double> scales;
  for (const ScaleParams& params : params_) {
    centers.push_back(params.center);
    scales.push_back(params.scale);
  }
  packer.pack_map(4);
  io::PackKey(packer, "method");
  packer.pack(detail::NameOf(kMethodNames, method_));
  io::PackKey(packer, "columns");
  packer.pack(columns_.names());
  io::PackKey(packer, "centers");
  io::PackDoubles(packer, centers);
  io::PackKey(packer, "scales");
  io::PackDoubles(packer, scales);
}

std::unique_ptr<Scaler> Scaler::Load(const msgpack::object& state) {
  const auto method_name = io::ReadField<std::string>(state, "method");
  const std::optional<ScalerMethod> method = detail::FindEnum(kMethodNames, method_name);
  if (!method) io::ThrowCorrupt("unknown scaler method '" + method_name + "'");
  auto scaler = std::make_unique<Scaler>(*method);
  scaler->columns_ = detail::ReadColumns(state, "columns");
  const std::vector<double> centers =
      detail::ReadDoubles(state, "centers", scaler->columns_.size());
  const std::vector<double> scales = detail::ReadDoubles(state, "scales", scaler->columns_.size());
  for (size_t slot = 0; slot < centers.size(); ++slot) {
    if (!std::isfinite(centers[slot]) || !IsValidScale(scales[slot])) {
      io::ThrowCorrupt("scaler: invalid parameters for column '" + scaler->columns_.names()[slot] +
                       "'");
    }
    scaler->params_.push_back({centers[slot], scales[slot]});
  }
  return scaler;
}

std::optional<ScaleParams> Scaler::Params(std::string_view column) const {
  const int64_t slot = columns_.Slot(column);
  if (slot < 0) return std::nullopt;
  return params_[static_cast<size_t>(slot)];
}

}  // namespace kolosal::prep
