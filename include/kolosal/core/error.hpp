#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

#include "kolosal/core/utf8.hpp"

namespace kolosal {

/// Stable status codes; the values match `kolosal_status` in kolosal_c.h.
enum class StatusCode : int {
  kOk = 0,
  kInvalidArgument = 1,
  kIo = 2,
  kCorruptModel = 3,
  kCancelled = 4,
  kOutOfMemory = 5,
  kNotFound = 6,
  kFailedPrecondition = 7,
  kUnsupported = 8,
  kTimeout = 9,
  kInternal = 10,
};

/// The name of a status code, e.g. "INVALID_ARGUMENT".
std::string_view StatusCodeName(StatusCode code);

/// The one exception type for failures a user can cause (bad data, bad file, bad config).
class Error : public std::runtime_error {
 public:
  /// Bytes of `message` that are not UTF-8 (quoted from bad input) are escaped as `\xNN`.
  Error(StatusCode code, const std::string& message)
      : std::runtime_error(EscapeInvalidUtf8(message)), code_(code) {}

  StatusCode code() const noexcept { return code_; }

 private:
  StatusCode code_;
};

[[noreturn]] inline void ThrowInvalidArgument(const std::string& message) {
  throw Error(StatusCode::kInvalidArgument, message);
}

}  // namespace kolosal
