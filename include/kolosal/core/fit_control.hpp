#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>

namespace kolosal {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarning = 2, kError = 3 };

/// Returns true to continue, false to cancel the work.
using ProgressCallback = std::function<bool(double fraction, std::string_view stage)>;
using LogCallback = std::function<void(LogLevel level, std::string_view message)>;

/// A flag that another thread sets to cancel long work.
class CancellationToken {
 public:
  void Cancel() noexcept { cancelled_.store(true, std::memory_order_relaxed); }
  void Reset() noexcept { cancelled_.store(false, std::memory_order_relaxed); }
  bool IsCancelled() const noexcept { return cancelled_.load(std::memory_order_relaxed); }

 private:
  std::atomic<bool> cancelled_{false};
};

/// What long-running work (fit, cross-validation, optimize) receives besides its data: the
/// thread budget, the seed, progress and log callbacks, and cancellation. Callbacks are only
/// invoked from the thread that started the work.
class FitControl {
 public:
  FitControl() = default;

  int n_jobs = 1;
  uint64_t random_state = 0;
  ProgressCallback progress;
  LogCallback log;
  std::shared_ptr<CancellationToken> cancellation;

  /// Throws Error(kCancelled) if the token is set.
  void CheckCancelled() const;
  /// Calls the progress callback; throws Error(kCancelled) when it asks to stop or the token is
  /// set.
  void ReportProgress(double fraction, std::string_view stage) const;
  void Log(LogLevel level, std::string_view message) const;
  bool IsCancelled() const { return cancellation && cancellation->IsCancelled(); }
};

}  // namespace kolosal
