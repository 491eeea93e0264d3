// Errors, version, build info and strings.
#include <cstdlib>
#include <cstring>
#include <nlohmann/json.hpp>
#include <string>

#include "detail/api_guard.hpp"
#include "kolosal/core/utf8.hpp"
#include "kolosal/core/version.hpp"
#include "kolosal/precision/cpu_features.hpp"
#include "kolosal_c.h"

namespace kolosal::capi {
namespace {

struct LastError {
  kolosal_status status = KOLOSAL_OK;
  std::string message;
};

LastError& ThreadLastError() {
  thread_local LastError last_error;
  return last_error;
}

}  // namespace

kolosal_status SetLastError(kolosal_status status, std::string_view message) noexcept {
  try {
    LastError& last = ThreadLastError();
    last.status = status;
    last.message = EscapeInvalidUtf8(message);  // bindings turn it into a Unicode string
  } catch (...) {
    // Out of memory while recording the message: the status still reaches the caller.
  }
  return status;
}

char* CopyString(std::string_view text) {
  char* copy = static_cast<char*>(std::malloc(text.size() + 1));
  if (copy == nullptr) throw std::bad_alloc();
  std::memcpy(copy, text.data(), text.size());
  copy[text.size()] = '\0';
  return copy;
}

}  // namespace kolosal::capi

extern "C" {

const char* kolosal_last_error(void) { return kolosal::capi::ThreadLastError().message.c_str(); }

kolosal_status kolosal_last_status(void) { return kolosal::capi::ThreadLastError().status; }

const char* kolosal_status_name(kolosal_status status) {
  return kolosal::StatusCodeName(static_cast<kolosal::StatusCode>(status)).data();
}

const char* kolosal_version(void) { return kolosal::kVersionString; }

kolosal_status kolosal_build_info(char** out_json) {
  KOLOSAL_API_BEGIN
  KOLOSAL_CHECK_ARG(out_json);
  const nlohmann::json info = {
      {"version", kolosal::kVersionString},
      {"version_major", KOLOSAL_VERSION_MAJOR},
      {"version_minor", KOLOSAL_VERSION_MINOR},
      {"version_patch", KOLOSAL_VERSION_PATCH},
      {"build_type", kolosal::kBuildType},
      {"compiler", kolosal::kCompiler},
      {"cpu_features", kolosal::precision::CpuFeatures::Detect().Names()},
  };
  *out_json = kolosal::capi::CopyString(info.dump());
  KOLOSAL_API_END
}

void kolosal_string_free(char* str) { std::free(str); }

}  // extern "C"

static_assert(KOLOSAL_VERSION_MAJOR == kolosal::kVersionMajor &&
                  KOLOSAL_VERSION_MINOR == kolosal::kVersionMinor &&
                  KOLOSAL_VERSION_PATCH == kolosal::kVersionPatch,
              "kolosal_c.h and CMakeLists.txt disagree on the version");
