#pragma once

#include <new>
#include <string>
#include <string_view>

#include "kolosal/core/error.hpp"
#include "kolosal_c.h"

namespace kolosal::capi {

/// Records the failure for kolosal_last_error() on this thread and returns its status.
kolosal_status SetLastError(kolosal_status status, std::string_view message) noexcept;

/// A malloc'ed copy, released by kolosal_string_free().
char* CopyString(std::string_view text);

inline kolosal_status ToStatus(StatusCode code) { return static_cast<kolosal_status>(code); }

/// Throws Error(kInvalidArgument) naming the argument when `pointer` is NULL.
inline void CheckNotNull(const void* pointer, const char* name) {
  if (pointer == nullptr) ThrowInvalidArgument(std::string(name) + " is NULL");
}

}  // namespace kolosal::capi

/// Every exported function body sits between these two macros, so no C++ exception crosses the
/// C boundary: kolosal::Error keeps its code, bad_alloc becomes OUT_OF_MEMORY, the rest INTERNAL.
#define KOLOSAL_API_BEGIN try {
#define KOLOSAL_API_END                                                                          \
  }                                                                                              \
  catch (const ::kolosal::Error& error) {                                                        \
    return ::kolosal::capi::SetLastError(::kolosal::capi::ToStatus(error.code()), error.what()); \
  }                                                                                              \
  catch (const std::bad_alloc&) {                                                                \
    return ::kolosal::capi::SetLastError(KOLOSAL_OUT_OF_MEMORY, "out of memory");                \
  }                                                                                              \
  catch (const std::exception& error) {                                                          \
    return ::kolosal::capi::SetLastError(KOLOSAL_INTERNAL, error.what());                        \
  }                                                                                              \
  catch (...) {                                                                                  \
    return ::kolosal::capi::SetLastError(KOLOSAL_INTERNAL, "unknown internal error");            \
  }                                                                                              \
  return KOLOSAL_OK;

/// Checks a pointer argument, by name.
#define KOLOSAL_CHECK_ARG(pointer) ::kolosal::capi::CheckNotNull((pointer), #pointer)
