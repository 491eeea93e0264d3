#pragma once

#include <memory>
#include <string_view>

#include "kolosal/data/dataset.hpp"
#include "kolosal/io/msgpack_io.hpp"

namespace kolosal::prep {

/// A preprocessing step. Fit() learns from the feature columns of a dataset that has already
/// been aligned to the training schema; Transform() rewrites columns in place (it may replace a
/// column by several, as one-hot encoding does). Columns are found by name, so a step only
/// touches the columns it was fitted on. Transform() is const and safe to call concurrently.
class Transformer {
 public:
  Transformer() = default;
  Transformer(const Transformer&) = delete;
  Transformer& operator=(const Transformer&) = delete;
  virtual ~Transformer() = default;

  /// The registry name, e.g. "imputer", written into the model file.
  virtual std::string_view TypeName() const = 0;
  virtual void Fit(const data::Dataset& dataset) = 0;
  virtual void Transform(data::Dataset& dataset) const = 0;
  /// Writes the fitted state as one msgpack value.
  virtual void Save(io::Packer& packer) const = 0;
};

/// Recreates a transformer saved by Save(); throws Error(kCorruptModel) for an unknown type or a
/// malformed state.
std::unique_ptr<Transformer> LoadTransformer(std::string_view type_name,
                                             const msgpack::object& state);

}  // namespace kolosal::prep
