#include "kolosal/core/fit_control.hpp"

#include <string>

#include "kolosal/core/error.hpp"

namespace kolosal {

void FitControl::CheckCancelled() const {
  if (IsCancelled()) throw Error(StatusCode::kCancelled, "cancelled");
}

void FitControl::ReportProgress(double fraction, std::string_view stage) const {
  CheckCancelled();
  if (progress && !progress(fraction, stage)) {
    throw Error(StatusCode::kCancelled,
                "cancelled by the progress callback during " + std::string(stage));
  }
}

void FitControl::Log(LogLevel level, std::string_view message) const {
  if (log) log(level, message);
}

}  // namespace kolosal
