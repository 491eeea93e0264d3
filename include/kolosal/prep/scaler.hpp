#pragma once

#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "kolosal/prep/detail/fitted_columns.hpp"
#include "kolosal/prep/transformer.hpp"

namespace kolosal::prep {

enum class ScalerMethod { kStandard, kMinMax, kRobust };

/// "standard", "minmax" or "robust"; anything else throws Error(kInvalidArgument).
ScalerMethod ParseScalerMethod(std::string_view name);

/// A fitted column's affine map: value -> (value - center) / scale.
struct ScaleParams {
  double center = 0.0;
  double scale = 1.0;
};

/// Rescales every numeric column as value -> (value - center) / scale, learned from the finite
/// values at Fit():
/// - standard: mean and population standard deviation (sklearn StandardScaler);
/// - minmax: minimum and max - min, mapping the training range onto [0, 1] (MinMaxScaler);
/// - robust: median and the 25th..75th percentile range (RobustScaler).
/// A spread of zero gives scale 1, as in sklearn, so a constant column becomes 0 and never NaN or
/// infinity; a column with no finite value is left unchanged. NaN stays NaN.
class Scaler final : public Transformer {
 public:
  static constexpr std::string_view kTypeName = "scaler";

  explicit Scaler(ScalerMethod method = ScalerMethod::kStandard);

  std::string_view TypeName() const override { return kTypeName; }
  void Fit(const data::Dataset& dataset) override;
  void Transform(data::Dataset& dataset) const override;
  void Save(io::Packer& packer) const override;
  /// Throws Error(kCorruptModel) for a malformed state (including a zero or non-finite scale).
  static std::unique_ptr<Scaler> Load(const msgpack::object& state);

  ScalerMethod method() const { return method_; }
  /// The learned map of a numeric column, or nullopt when the column was not fitted.
  std::optional<ScaleParams> Params(std::string_view column) const;

 private:
  ScaleParams LearnParams(const data::Column& column) const;

  ScalerMethod method_;
  detail::FittedColumns columns_;
  std::vector<ScaleParams> params_;
};

}  // namespace kolosal::prep
