#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <string_view>

#include "kolosal/core/error.hpp"

namespace kolosal::metrics::testing {

/// Absolute tolerance for values computed in double against scikit-learn's float64 results.
inline constexpr double kTolerance = 1e-12;

/// Runs `call` and expects Error(kInvalidArgument) whose message contains `fragment`.
template <typename Call>
void ExpectInvalidArgument(Call call, std::string_view fragment) {
  try {
    call();
    ADD_FAILURE() << "expected Error(kInvalidArgument) mentioning '" << fragment << "'";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), StatusCode::kInvalidArgument);
    EXPECT_NE(std::string(error.what()).find(fragment), std::string::npos)
        << "message: " << error.what();
  }
}

/// Expects `actual` within a relative tolerance of `expected` (for values far from 1).
inline void ExpectRelativelyNear(double actual, double expected) {
  EXPECT_NEAR(actual, expected, std::abs(expected) * kTolerance);
}

}  // namespace kolosal::metrics::testing
