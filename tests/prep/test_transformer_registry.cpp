#include <gtest/gtest.h>

#include "kolosal/prep/imputer.hpp"
#include "kolosal/prep/one_hot_encoder.hpp"
#include "kolosal/prep/ordinal_encoder.hpp"
#include "kolosal/prep/outlier_clipper.hpp"
#include "kolosal/prep/scaler.hpp"
#include "kolosal/prep/transformer.hpp"
#include "prep/prep_test_util.hpp"

namespace kolosal::prep {
namespace {

using testing::ExpectError;
using testing::MakeObject;

TEST(TransformerRegistryTest, EveryTransformerLoadsUnderItsTypeName) {
  const data::Dataset dataset({data::Column::Numeric("x", {1, 2, 3}),
                               data::Column::Categorical("c", {0, 1, 0}, {"a", "b"})},
                              std::nullopt);
  std::vector<std::unique_ptr<Transformer>> transformers;
  transformers.push_back(std::make_unique<OutlierClipper>());
  transformers.push_back(std::make_unique<Imputer>());
  transformers.push_back(std::make_unique<Scaler>());
  transformers.push_back(std::make_unique<OneHotEncoder>());
  transformers.push_back(std::make_unique<OrdinalEncoder>());
  for (const std::unique_ptr<Transformer>& transformer : transformers) {
    transformer->Fit(dataset);
    const std::unique_ptr<Transformer> loaded = testing::SaveAndLoad(*transformer);
    EXPECT_EQ(loaded->TypeName(), transformer->TypeName());
  }
}

TEST(TransformerRegistryTest, UnknownTypeIsACorruptModelWithSuggestion) {
  const msgpack::object_handle state = MakeObject([](io::Packer& packer) { packer.pack_map(0); });
  ExpectError([&] { LoadTransformer("scalar", state.get()); }, StatusCode::kCorruptModel,
              "'scaler'");
}

TEST(TransformerRegistryTest, LoaderErrorsBecomeCorruptModel) {
  // A duplicate column name is an invalid argument to FittedColumns; in a file it is corruption.
  const msgpack::object_handle state = MakeObject([](io::Packer& packer) {
    packer.pack_map(2);
    packer.pack("columns");
    packer.pack(std::vector<std::string>{"a", "a"});
    packer.pack("dictionaries");
    packer.pack(std::vector<std::vector<std::string>>{{}, {}});
  });
  ExpectError([&] { LoadTransformer("ordinal_encoder", state.get()); }, StatusCode::kCorruptModel,
              "duplicate");
}

}  // namespace
}  // namespace kolosal::prep
