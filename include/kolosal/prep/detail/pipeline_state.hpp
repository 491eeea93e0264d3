#pragma once

#include <memory>
#include <vector>

#include "kolosal/data/feature_matrix.hpp"
#include "kolosal/data/schema.hpp"
#include "kolosal/io/msgpack_io.hpp"
#include "kolosal/prep/transformer.hpp"

namespace kolosal::prep::detail {

/// The parts of a saved Pipeline. Every Read* function throws Error(kCorruptModel) for a
/// malformed value.

/// [{"name", "type": "numeric" | "categorical", "categories"}, ...]
void PackSchema(io::Packer& packer, const data::Schema& schema);
/// Also rejects an empty schema, a repeated column name and a numeric column with categories.
data::Schema ReadSchema(const msgpack::object& object);

/// [{"type": TypeName(), "state": ...}, ...]
void PackSteps(io::Packer& packer, const std::vector<std::unique_ptr<Transformer>>& steps);
std::vector<std::unique_ptr<Transformer>> ReadSteps(const msgpack::object& object);

/// [{"name", "categorical", "n_categories"}, ...]
void PackFeatures(io::Packer& packer, const std::vector<data::FeatureInfo>& features);
std::vector<data::FeatureInfo> ReadFeatures(const msgpack::object& object);

}  // namespace kolosal::prep::detail
