#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

namespace kolosal::testing {

/// The folder with the shared datasets: $KOLOSAL_DATA_DIR, else the one CMake was given.
inline std::string DataDir() {
  if (const char* from_env = std::getenv("KOLOSAL_DATA_DIR"); from_env && *from_env) {
    return from_env;
  }
  return KOLOSAL_DATA_DIR;
}

/// The path of a shared dataset, or "" when it is absent.
inline std::string DataPath(const std::string& file_name) {
  const std::filesystem::path path = std::filesystem::path(DataDir()) / file_name;
  return std::filesystem::exists(path) ? path.string() : std::string();
}

}  // namespace kolosal::testing

/// Sets `var` to the dataset's path, or skips the test with a clear message when it is absent.
#define KOLOSAL_REQUIRE_DATASET(var, file_name)                                                    \
  const std::string var = ::kolosal::testing::DataPath(file_name);                                 \
  if (var.empty()) {                                                                               \
    GTEST_SKIP() << "dataset " << (file_name) << " not found in " << ::kolosal::testing::DataDir() \
                 << " (set KOLOSAL_DATA_DIR)";                                                     \
  }
