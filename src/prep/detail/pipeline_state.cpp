#include "kolosal/prep/detail/pipeline_state.hpp"

#include <string>
#include <unordered_set>

namespace kolosal::prep::detail {
namespace {

std::string_view ColumnTypeName(data::ColumnType type) {
  return type == data::ColumnType::kNumeric ? "numeric" : "categorical";
}

data::ColumnType ReadColumnType(const msgpack::object& object, const std::string& column) {
  const auto type = io::ReadField<std::string>(object, "type");
  if (type == ColumnTypeName(data::ColumnType::kNumeric)) return data::ColumnType::kNumeric;
  if (type == ColumnTypeName(data::ColumnType::kCategorical)) {
    return data::ColumnType::kCategorical;
  }
  io::ThrowCorrupt("column '" + column + "' has unknown type '" + type + "'");
}

data::ColumnSchema ReadColumnSchema(const msgpack::object& object) {
  data::ColumnSchema column;
  column.name = io::ReadField<std::string>(object, "name");
  column.type = ReadColumnType(object, column.name);
  column.categories = io::ReadField<std::vector<std::string>>(object, "categories");
  if (column.type == data::ColumnType::kNumeric && !column.categories.empty()) {
    io::ThrowCorrupt("numeric column '" + column.name + "' has categories");
  }
  return column;
}

data::FeatureInfo ReadFeature(const msgpack::object& object) {
  data::FeatureInfo feature;
  feature.name = io::ReadField<std::string>(object, "name");
  feature.categorical = io::ReadField<bool>(object, "categorical");
  feature.n_categories = io::ReadField<int32_t>(object, "n_categories");
  return feature;
}

std::span<const msgpack::object> ReadList(const msgpack::object& object, std::string_view what) {
  if (object.type != msgpack::type::ARRAY) io::ThrowCorrupt(std::string(what) + " is not a list");
  return {object.via.array.ptr, object.via.array.size};
}

}  // namespace

void PackSchema(io::Packer& packer, const data::Schema& schema) {
  packer.pack_array(static_cast<uint32_t>(schema.columns.size()));
  for (const data::ColumnSchema& column : schema.columns) {
    packer.pack_map(3);
    io::PackKey(packer, "name");
    packer.pack(column.name);
    io::PackKey(packer, "type");
    packer.pack(ColumnTypeName(column.type));
    io::PackKey(packer, "categories");
    packer.pack(column.categories);
  }
}

data::Schema ReadSchema(const msgpack::object& object) {
  const std::span<const msgpack::object> entries = ReadList(object, "the schema");
  if (entries.empty()) io::ThrowCorrupt("the schema has no columns");
  data::Schema schema;
  std::unordered_set<std::string> names;
  for (const msgpack::object& entry : entries) {
    data::ColumnSchema column = ReadColumnSchema(entry);
    if (!names.insert(column.name).second) {
      io::ThrowCorrupt("the schema repeats column '" + column.name + "'");
    }
    schema.columns.push_back(std::move(column));
  }
  return schema;
}

void PackSteps(io::Packer& packer, const std::vector<std::unique_ptr<Transformer>>& steps) {
  packer.pack_array(static_cast<uint32_t>(steps.size()));
  for (const std::unique_ptr<Transformer>& step : steps) {
    packer.pack_map(2);
    io::PackKey(packer, "type");
    packer.pack(step->TypeName());
    io::PackKey(packer, "state");
    step->Save(packer);
  }
}

std::vector<std::unique_ptr<Transformer>> ReadSteps(const msgpack::object& object) {
  std::vector<std::unique_ptr<Transformer>> steps;
  for (const msgpack::object& step : ReadList(object, "the steps")) {
    steps.push_back(
        LoadTransformer(io::ReadField<std::string>(step, "type"), io::Field(step, "state")));
  }
  return steps;
}

void PackFeatures(io::Packer& packer, const std::vector<data::FeatureInfo>& features) {
  packer.pack_array(static_cast<uint32_t>(features.size()));
  for (const data::FeatureInfo& feature : features) {
    packer.pack_map(3);
    io::PackKey(packer, "name");
    packer.pack(feature.name);
    io::PackKey(packer, "categorical");
    packer.pack(feature.categorical);
    io::PackKey(packer, "n_categories");
    packer.pack(feature.n_categories);
  }
}

std::vector<data::FeatureInfo> ReadFeatures(const msgpack::object& object) {
  std::vector<data::FeatureInfo> features;
  for (const msgpack::object& entry : ReadList(object, "the output features")) {
    features.push_back(ReadFeature(entry));
  }
  return features;
}

}  // namespace kolosal::prep::detail
