// The count of live handles, for leak checks (kolosal_live_handle_count).
#include "detail/handles.hpp"

#include <atomic>
#include <cstdint>

#include "detail/api_guard.hpp"
#include "kolosal_c.h"

namespace kolosal::capi {
namespace {

std::atomic<int64_t> live_handles{0};

}  // namespace

LiveHandleCounter::LiveHandleCounter() noexcept { live_handles.fetch_add(1); }

// A copied handle is one more handle.
LiveHandleCounter::LiveHandleCounter(const LiveHandleCounter& /*other*/) noexcept {
  live_handles.fetch_add(1);
}

LiveHandleCounter::~LiveHandleCounter() { live_handles.fetch_sub(1); }

int64_t LiveHandleCounter::Count() noexcept { return live_handles.load(); }

}  // namespace kolosal::capi

extern "C" {

kolosal_status kolosal_live_handle_count(int64_t* out_count) {
  KOLOSAL_API_BEGIN
  KOLOSAL_CHECK_ARG(out_count);
  *out_count = kolosal::capi::LiveHandleCounter::Count();
  KOLOSAL_API_END
}

}  // extern "C"
