#include <array>
#include <string>
#include <vector>

#include "kolosal/core/names.hpp"
#include "kolosal/prep/imputer.hpp"
#include "kolosal/prep/one_hot_encoder.hpp"
#include "kolosal/prep/ordinal_encoder.hpp"
#include "kolosal/prep/outlier_clipper.hpp"
#include "kolosal/prep/scaler.hpp"
#include "kolosal/prep/transformer.hpp"

namespace kolosal::prep {
namespace {

using Loader = std::unique_ptr<Transformer> (*)(const msgpack::object& state);

struct TransformerLoader {
  std::string_view type_name;
  Loader load;
};

template <typename T>
std::unique_ptr<Transformer> LoadAs(const msgpack::object& state) {
  return T::Load(state);
}

// A transformer type is one line here; the table is plain data, so a static link keeps it.
constexpr std::array<TransformerLoader, 5> kLoaders{{
    {OutlierClipper::kTypeName, &LoadAs<OutlierClipper>},
    {Imputer::kTypeName, &LoadAs<Imputer>},
    {Scaler::kTypeName, &LoadAs<Scaler>},
    {OneHotEncoder::kTypeName, &LoadAs<OneHotEncoder>},
    {OrdinalEncoder::kTypeName, &LoadAs<OrdinalEncoder>},
}};

std::vector<std::string> LoaderNames() {
  std::vector<std::string> names;
  names.reserve(kLoaders.size());
  for (const TransformerLoader& loader : kLoaders) names.emplace_back(loader.type_name);
  return names;
}

}  // namespace

std::unique_ptr<Transformer> LoadTransformer(std::string_view type_name,
                                             const msgpack::object& state) {
  for (const TransformerLoader& loader : kLoaders) {
    if (loader.type_name != type_name) continue;
    try {
      return loader.load(state);
    } catch (const Error& error) {
      // Whatever a loader rejects, the file is what is wrong.
      if (error.code() == StatusCode::kCorruptModel) throw;
      io::ThrowCorrupt(std::string(type_name) + ": " + error.what());
    }
  }
  io::ThrowCorrupt(UnknownNameMessage("transformer type", type_name, LoaderNames()));
}

}  // namespace kolosal::prep
