#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <string_view>

#include "common/expect_error.hpp"
#include "kolosal/core/error.hpp"

namespace kolosal::metrics::testing {

/// Absolute tolerance for values computed in double against scikit-learn's float64 results.
inline constexpr double kTolerance = 1e-12;

/// Runs `call` and expects Error(kInvalidArgument) whose message contains `fragment`.
template <typename Call>
void ExpectInvalidArgument(Call call, std::string_view fragment) {
  ::kolosal::testing::ExpectError(call, StatusCode::kInvalidArgument, fragment);
}

/// Expects `actual` within a relative tolerance of `expected` (for values far from 1).
inline void ExpectRelativelyNear(double actual, double expected) {
  EXPECT_NEAR(actual, expected, std::abs(expected) * kTolerance);
}

}  // namespace kolosal::metrics::testing
