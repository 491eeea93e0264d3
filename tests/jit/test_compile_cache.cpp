#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <vector>

#include "common/expect_error.hpp"
#include "kolosal/data/synthetic.hpp"
#include "kolosal/jit/compile_cache.hpp"
#include "kolosal/models/registry.hpp"
#include "kolosal/models/tree/tree_ensemble_model.hpp"

namespace kolosal::jit {
namespace {

using kolosal::testing::ExpectError;

/// Compiled code for a small boosted model (`rounds` trees, so sizes differ).
std::shared_ptr<const CompiledTrees> Code(int rounds) {
  const data::Dataset dataset = data::MakeRegression(100, 3, 0.1, 5);
  const std::vector<float> x = [&] {
    std::vector<float> values;
    for (int64_t row = 0; row < dataset.n_rows(); ++row) {
      for (int64_t col = 0; col < 3; ++col)
        values.push_back(dataset.column(col).values[static_cast<size_t>(row)]);
    }
    return values;
  }();
  std::vector<data::FeatureInfo> features(3);
  const models::TrainData train{
      {x.data(), dataset.n_rows(), 3}, dataset.labels().values, {}, features, Task::kRegression, 0};
  const std::unique_ptr<models::Model> model =
      models::ModelRegistry::Builtin()
          .Find("gradient_boosting")
          .create({{"n_estimators", rounds}, {"num_leaves", 4}}, Task::kRegression)
          ->Fit(train, {});
  const auto& trees = dynamic_cast<const models::tree::TreeEnsembleModel&>(*model);
  return CompiledTrees::Compile(trees.ensemble());
}

TEST(CompileCache, EvictsTheLeastRecentlyUsed) {
  CompileCache cache(2);
  const auto one = Code(1), two = Code(2), three = Code(3);
  ASSERT_TRUE(one && two && three);
  cache.Insert(1, one);
  cache.Insert(2, two);
  EXPECT_EQ(cache.Find(1), one);  // 2 is now the least recently used
  cache.Insert(3, three);
  EXPECT_EQ(cache.Find(2), nullptr);
  EXPECT_EQ(cache.Find(3), three);
  EXPECT_TRUE(cache.Contains(1));
  EXPECT_FALSE(cache.Contains(2));
  const CompileCache::Stats stats = cache.stats();
  EXPECT_EQ(stats.capacity, 2);
  EXPECT_EQ(stats.size, 2);
  EXPECT_EQ(stats.hits, 2);
  EXPECT_EQ(stats.misses, 1);
  EXPECT_EQ(stats.insertions, 3);
  EXPECT_EQ(stats.evictions, 1);
  EXPECT_EQ(stats.code_bytes, static_cast<int64_t>(one->code_size() + three->code_size()));
}

TEST(CompileCache, ReplaceEraseAndCodeThatOutlivesItsSlot) {
  CompileCache cache(1);
  const auto small = Code(1), large = Code(4);
  cache.Insert(7, small);
  cache.Insert(7, large);  // a replacement is not an eviction
  EXPECT_EQ(cache.Find(7), large);
  EXPECT_EQ(cache.stats().evictions, 0);
  EXPECT_EQ(cache.stats().code_bytes, static_cast<int64_t>(large->code_size()));

  std::shared_ptr<const CompiledTrees> held = cache.Find(7);
  cache.Insert(8, small);  // evicts 7 while a caller still holds its code
  EXPECT_EQ(cache.stats().evictions, 1);
  const float row[3] = {0.1f, -0.2f, 0.3f};
  float out = 0.0f;
  held->AccumulateRow(row, &out);
  EXPECT_TRUE(std::isfinite(out));

  EXPECT_TRUE(cache.Erase(8));
  EXPECT_FALSE(cache.Erase(8));
  EXPECT_EQ(cache.stats().size, 0);
  EXPECT_EQ(cache.stats().code_bytes, 0);
  EXPECT_EQ(cache.stats().evictions, 1);
}

TEST(CompileCache, RejectsNoCapacityAndNoCode) {
  ExpectError([] { CompileCache cache(0); }, StatusCode::kInvalidArgument, "jit_cache_size");
  CompileCache cache(1);
  ExpectError([&] { cache.Insert(1, nullptr); }, StatusCode::kInternal);
}

}  // namespace
}  // namespace kolosal::jit
