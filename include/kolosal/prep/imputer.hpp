#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kolosal/prep/detail/fitted_columns.hpp"
#include "kolosal/prep/transformer.hpp"

namespace kolosal::prep {

enum class NumericImputation { kNone, kMean, kMedian, kMostFrequent, kConstant };
enum class CategoricalImputation { kNone, kMostFrequent, kConstant };

/// "none", "mean", "median", "most_frequent" or "constant"; anything else throws
/// Error(kInvalidArgument) listing the valid names.
NumericImputation ParseNumericImputation(std::string_view name);
/// "none", "most_frequent" or "constant"; anything else throws Error(kInvalidArgument).
CategoricalImputation ParseCategoricalImputation(std::string_view name);

struct ImputerOptions {
  NumericImputation numeric = NumericImputation::kMedian;
  float numeric_fill_value = 0.0f;  // for kConstant
  CategoricalImputation categorical = CategoricalImputation::kMostFrequent;
  std::string categorical_fill_value = "missing";  // for kConstant
};

/// Replaces missing values with what Fit() learned from the non-missing ones (NaN and infinities
/// do not count as observed values).
/// - Numeric columns: the mean, median, most frequent value (ties: the smallest, as sklearn), or
///   `numeric_fill_value`. With mean, median or most_frequent, a column with no observed value
///   gets 0, as with sklearn's SimpleImputer(keep_empty_features=True).
/// - Categorical columns: the most frequent category (ties: the smallest text, as sklearn), or
///   `categorical_fill_value`. A column with no observed value gets `categorical_fill_value`.
///   Transform() appends the fill category to the dictionary when it is not already there, for
///   every batch, so that later steps always see the same dictionary.
/// Codes outside the dictionary count as missing.
class Imputer final : public Transformer {
 public:
  static constexpr std::string_view kTypeName = "imputer";

  /// Throws Error(kInvalidArgument) for a non-finite numeric fill value.
  explicit Imputer(ImputerOptions options = {});

  std::string_view TypeName() const override { return kTypeName; }
  void Fit(const data::Dataset& dataset) override;
  void Transform(data::Dataset& dataset) const override;
  void Save(io::Packer& packer) const override;
  /// Throws Error(kCorruptModel) for a malformed state.
  static std::unique_ptr<Imputer> Load(const msgpack::object& state);

  /// The learned fill value of a numeric column, or nullopt when the column was not fitted.
  std::optional<float> NumericFill(std::string_view column) const;
  /// The learned fill category of a categorical column, or nullopt when it was not fitted.
  std::optional<std::string> CategoricalFill(std::string_view column) const;

 private:
  float LearnNumericFill(const data::Column& column) const;
  std::string LearnCategoricalFill(const data::Column& column) const;

  ImputerOptions options_;
  detail::FittedColumns numeric_columns_;
  std::vector<float> numeric_fills_;
  detail::FittedColumns categorical_columns_;
  std::vector<std::string> categorical_fills_;
};

}  // namespace kolosal::prep
