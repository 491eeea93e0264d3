#pragma once

#include <memory>
#include <string_view>

#include "kolosal/prep/detail/fitted_dictionaries.hpp"
#include "kolosal/prep/transformer.hpp"

namespace kolosal::prep {

/// Replaces each categorical column by a numeric one, of the same name, that holds the
/// category's code in the fitted dictionary (0, 1, ...). A missing value, or a category that
/// the fitted dictionary lacks, becomes NaN.
class OrdinalEncoder final : public Transformer {
 public:
  static constexpr std::string_view kTypeName = "ordinal_encoder";

  OrdinalEncoder() = default;

  std::string_view TypeName() const override { return kTypeName; }
  void Fit(const data::Dataset& dataset) override;
  void Transform(data::Dataset& dataset) const override;
  void Save(io::Packer& packer) const override;
  /// Throws Error(kCorruptModel) for a malformed state.
  static std::unique_ptr<OrdinalEncoder> Load(const msgpack::object& state);

  /// The fitted dictionary of a column, or nullptr when the column was not fitted.
  const std::vector<std::string>* Categories(std::string_view column) const;

 private:
  detail::FittedDictionaries fitted_;
};

}  // namespace kolosal::prep
