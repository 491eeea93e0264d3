#pragma once

#include <gtest/gtest.h>

#include <initializer_list>
#include <string>
#include <string_view>

#include "kolosal/core/error.hpp"

namespace kolosal::testing {

/// Runs `action` and checks that it throws kolosal::Error with `code` and a message containing
/// every one of `parts`.
template <typename Action, typename... Parts>
void ExpectError(Action&& action, StatusCode code, const Parts&... parts) {
  try {
    action();
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), code) << error.what();
    const std::string message = error.what();
    for (std::string_view part : std::initializer_list<std::string_view>{parts...}) {
      EXPECT_NE(message.find(part), std::string::npos)
          << "message \"" << message << "\" lacks \"" << part << "\"";
    }
    return;
  }
  ADD_FAILURE() << "expected a kolosal::Error";
}

}  // namespace kolosal::testing
