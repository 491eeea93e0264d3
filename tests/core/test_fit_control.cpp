#include <gtest/gtest.h>

#include "kolosal/core/error.hpp"
#include "kolosal/core/fit_control.hpp"
#include "kolosal/core/random.hpp"

namespace kolosal {
namespace {

TEST(FitControl, ProgressCallbackCanCancel) {
  FitControl control;
  int calls = 0;
  control.progress = [&](double, std::string_view) { return ++calls < 2; };
  EXPECT_NO_THROW(control.ReportProgress(0.1, "stage"));
  try {
    control.ReportProgress(0.2, "stage");
    FAIL() << "expected cancellation";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), StatusCode::kCancelled);
  }
}

TEST(FitControl, TokenCancels) {
  FitControl control;
  control.cancellation = std::make_shared<CancellationToken>();
  EXPECT_NO_THROW(control.CheckCancelled());
  control.cancellation->Cancel();
  EXPECT_THROW(control.CheckCancelled(), Error);
  control.cancellation->Reset();
  EXPECT_NO_THROW(control.CheckCancelled());
}

TEST(Random, MixSeedAndUniformsAreStable) {
  EXPECT_NE(MixSeed(1, 0), MixSeed(1, 1));
  EXPECT_NE(MixSeed(1, 0), MixSeed(2, 0));
  Rng first(42);
  Rng second(42);
  for (int idx = 0; idx < 100; ++idx) {
    const double value = UniformUnit(first);
    EXPECT_EQ(value, UniformUnit(second));
    EXPECT_GE(value, 0.0);
    EXPECT_LT(value, 1.0);
    EXPECT_LT(UniformIndex(first, 7), 7u);
    UniformIndex(second, 7);
  }
}

}  // namespace
}  // namespace kolosal
