#include <gtest/gtest.h>

#include <algorithm>

#include "kolosal/precision/cpu_features.hpp"

namespace kolosal::precision {
namespace {

bool Has(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

TEST(CpuFeatures, AgreesWithTheCompilerBuiltins) {
  const CpuFeatures& features = CpuFeatures::Detect();
  __builtin_cpu_init();
  EXPECT_EQ(features.avx2, __builtin_cpu_supports("avx2") != 0);
  EXPECT_EQ(features.fma, __builtin_cpu_supports("fma") != 0);
  EXPECT_EQ(features.avx512f, __builtin_cpu_supports("avx512f") != 0);
}

TEST(CpuFeatures, ImpliedFeaturesAreConsistent) {
  const CpuFeatures& features = CpuFeatures::Detect();
  EXPECT_TRUE(!features.avx2 || features.avx);
  EXPECT_TRUE(!features.avx512f || features.avx2);
  EXPECT_TRUE(!(features.avx512_bf16 || features.avx512_fp16) || features.avx512f);
  const std::vector<std::string> names = features.Names();
  EXPECT_EQ(Has(names, "avx2"), features.avx2);
  EXPECT_EQ(Has(names, "f16c"), features.f16c);
  EXPECT_EQ(&CpuFeatures::Detect(), &features);
}

}  // namespace
}  // namespace kolosal::precision
