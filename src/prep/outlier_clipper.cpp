#include "kolosal/prep/outlier_clipper.hpp"

#include <array>
#include <cmath>
#include <limits>

#include "kolosal/prep/detail/enum_names.hpp"
#include "kolosal/prep/detail/state_io.hpp"
#include "kolosal/prep/detail/statistics.hpp"

namespace kolosal::prep {
namespace {

constexpr std::array<detail::EnumName<OutlierMethod>, 2> kMethodNames{{
    {OutlierMethod::kIqr, "iqr"},
    {OutlierMethod::kZScore, "zscore"},
}};

constexpr double kInfinity = std::numeric_limits<double>::infinity();
constexpr ClipBounds kUnbounded{-kInfinity, kInfinity};

double DefaultThreshold(OutlierMethod method) { return method == OutlierMethod::kIqr ? 1.5 : 3.0; }

// The range center - k * spread .. center + k * spread, or unbounded for a zero spread.
ClipBounds Around(double low_anchor, double high_anchor, double spread, double threshold) {
  if (!(spread > 0.0) || !std::isfinite(spread)) return kUnbounded;
  return {low_anchor - threshold * spread, high_anchor + threshold * spread};
}

ClipBounds IqrBounds(std::span<float> observed, double threshold) {
  const double q1 = detail::Quantile(observed, 0.25);
  const double q3 = detail::Quantile(observed, 0.75);
  return Around(q1, q3, q3 - q1, threshold);
}

ClipBounds ZScoreBounds(std::span<const float> observed, double threshold) {
  const double mean = detail::Mean(observed);
  const double std_dev = std::sqrt(detail::Variance(observed, mean));
  return Around(mean, mean, std_dev, threshold);
}

void ClipColumn(data::Column& column, ClipBounds bounds) {
  const auto lower = static_cast<float>(bounds.lower);
  const auto upper = static_cast<float>(bounds.upper);
  // Written with comparisons that are false for NaN, so missing values pass through.
  for (float& value : column.values) {
    if (value < lower) value = lower;
    if (value > upper) value = upper;
  }
}

bool AreValidBounds(ClipBounds bounds) {
  return !std::isnan(bounds.lower) && !std::isnan(bounds.upper) && bounds.lower <= bounds.upper;
}

}  // namespace

OutlierMethod ParseOutlierMethod(std::string_view name) {
  return detail::ParseEnum(kMethodNames, name, "outlier method");
}

OutlierClipper::OutlierClipper(OutlierMethod method, double threshold)
    : method_(method), threshold_(threshold == 0.0 ? DefaultThreshold(method) : threshold) {
  if (!std::isfinite(threshold) || threshold < 0.0) {
    ThrowInvalidArgument("outlier clipper: the threshold must be a finite number >= 0, got " +
                         std::to_string(threshold));
  }
}

ClipBounds OutlierClipper::LearnBounds(const data::Column& column) const {
  std::vector<float> observed = detail::FiniteValues(column.values);
  if (observed.empty()) return kUnbounded;
  return method_ == OutlierMethod::kIqr ? IqrBounds(observed, threshold_)
                                        : ZScoreBounds(observed, threshold_);
}

void OutlierClipper::Fit(const data::Dataset& dataset) {
  std::vector<std::string> names;
  std::vector<ClipBounds> bounds;
  for (const data::Column& column : dataset.columns()) {
    if (!column.is_numeric()) continue;
    names.push_back(column.name);
    bounds.push_back(LearnBounds(column));
  }
  columns_ = detail::FittedColumns(std::move(names));
  bounds_ = std::move(bounds);
}

void OutlierClipper::Transform(data::Dataset& dataset) const {
  const std::vector<int64_t> indices =
      columns_.Locate(dataset, data::ColumnType::kNumeric, kTypeName);
  for (size_t slot = 0; slot < indices.size(); ++slot) {
    ClipColumn(dataset.mutable_column(indices[slot]), bounds_[slot]);
  }
}

void OutlierClipper::Save(io::Packer& packer) const {
  std::vector<double> lower;
  std::vector<double> upper;
  for (const ClipBounds& bounds : bounds_) {
    lower.push_back(bounds.lower);
    upper.push_back(bounds.upper);
  }
  packer.pack_map(5);
  io::PackKey(packer, "method");
  packer.pack(detail::NameOf(kMethodNames, method_));
  io::PackKey(packer, "threshold");
  packer.pack(threshold_);
  io::PackKey(packer, "columns");
  packer.pack(columns_.names());
  io::PackKey(packer, "lower");
  io::PackDoubles(packer, lower);
  io::PackKey(packer, "upper");
  io::PackDoubles(packer, upper);
}

std::unique_ptr<OutlierClipper> OutlierClipper::Load(const msgpack::object& state) {
  const auto method_name = io::ReadField<std::string>(state, "method");
  const std::optional<OutlierMethod> method = detail::FindEnum(kMethodNames, method_name);
  if (!method) io::ThrowCorrupt("unknown outlier method '" + method_name + "'");
  const auto threshold = io::ReadField<double>(state, "threshold");
  if (!std::isfinite(threshold) || threshold < 0.0) io::ThrowCorrupt("invalid outlier threshold");
  auto clipper = std::make_unique<OutlierClipper>(*method, threshold);
  clipper->columns_ = detail::ReadColumns(state, "columns");
  const std::vector<double> lower = detail::ReadDoubles(state, "lower", clipper->columns_.size());
  const std::vector<double> upper = detail::ReadDoubles(state, "upper", clipper->columns_.size());
  for (size_t slot = 0; slot < lower.size(); ++slot) {
    const ClipBounds bounds{lower[slot], upper[slot]};
    if (!AreValidBounds(bounds)) {
      io::ThrowCorrupt("outlier clipper: invalid bounds for column '" +
                       clipper->columns_.names()[slot] + "'");
    }
    clipper->bounds_.push_back(bounds);
  }
  return clipper;
}

std::optional<ClipBounds> OutlierClipper::Bounds(std::string_view column) const {
  const int64_t slot = columns_.Slot(column);
  if (slot < 0) return std::nullopt;
  return bounds_[static_cast<size_t>(slot)];
}

}  // namespace kolosal::prep
