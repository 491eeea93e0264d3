#pragma once

#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "kolosal/prep/detail/fitted_columns.hpp"
#include "kolosal/prep/transformer.hpp"

namespace kolosal::prep {

enum class OutlierMethod { kIqr, kZScore };

/// "iqr" or "zscore"; anything else throws Error(kInvalidArgument).
OutlierMethod ParseOutlierMethod(std::string_view name);

/// The range a fitted column is clipped to.
struct ClipBounds {
  double lower = 0.0;
  double upper = 0.0;
};

/// Learns per numeric column a range from the finite training values and clips values outside it
/// at Transform():
/// - iqr: [q1 - k * (q3 - q1), q3 + k * (q3 - q1)] with numpy's linear percentiles (k = 1.5 by
///   default);
/// - zscore: [mean - k * std, mean + k * std] with the population std (k = 3 by default).
/// A column whose spread is zero (for example one that is mostly a single value) or that has no
/// finite value gets infinite bounds: a zero-width range would erase the column. NaN stays NaN.
class OutlierClipper final : public Transformer {
 public:
  static constexpr std::string_view kTypeName = "outlier_clipper";

  /// `threshold` is k; 0 means the method's default. Throws Error(kInvalidArgument) for a
  /// negative or non-finite threshold.
  explicit OutlierClipper(OutlierMethod method = OutlierMethod::kIqr, double threshold = 0.0);

  std::string_view TypeName() const override { return kTypeName; }
  void Fit(const data::Dataset& dataset) override;
  void Transform(data::Dataset& dataset) const override;
  void Save(io::Packer& packer) const override;
  /// Throws Error(kCorruptModel) for a malformed state (including NaN or crossed bounds).
  static std::unique_ptr<OutlierClipper> Load(const msgpack::object& state);

  OutlierMethod method() const { return method_; }
  /// k after defaulting.
  double threshold() const { return threshold_; }
  /// The learned range of a numeric column, or nullopt when the column was not fitted.
  std::optional<ClipBounds> Bounds(std::string_view column) const;

 private:
  ClipBounds LearnBounds(const data::Column& column) const;

  OutlierMethod method_;
  double threshold_;
  detail::FittedColumns columns_;
  std::vector<ClipBounds> bounds_;
};

}  // namespace kolosal::prep
