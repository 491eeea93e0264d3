#pragma once

#include <cstdint>
#include <limits>
#include <memory>
#include <string_view>

#include "kolosal/prep/detail/fitted_dictionaries.hpp"
#include "kolosal/prep/transformer.hpp"

namespace kolosal::prep {

/// Replaces each categorical column whose dictionary has at most `max_categories` categories by
/// one 0/1 numeric column per category, named "column=category", in dictionary order. A missing
/// value, or a category that the fitted dictionary lacks, encodes as all zeros. Columns with more
/// categories are left as they are (the pipeline ordinal-encodes them next).
class OneHotEncoder final : public Transformer {
 public:
  static constexpr std::string_view kTypeName = "one_hot_encoder";

  explicit OneHotEncoder(int64_t max_categories = std::numeric_limits<int64_t>::max());

  std::string_view TypeName() const override { return kTypeName; }
  void Fit(const data::Dataset& dataset) override;
  void Transform(data::Dataset& dataset) const override;
  void Save(io::Packer& packer) const override;
  /// Throws Error(kCorruptModel) for a malformed state.
  static std::unique_ptr<OneHotEncoder> Load(const msgpack::object& state);

  /// The fitted dictionary of a column, or nullptr when the column was not fitted.
  const std::vector<std::string>* Categories(std::string_view column) const;

 private:
  std::vector<data::Column> Encode(size_t slot, const data::Column& column) const;

  int64_t max_categories_;
  detail::FittedDictionaries fitted_;
};

}  // namespace kolosal::prep
