#include "progress_bar.hpp"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

namespace kolosal::cli {
namespace {
bool bar_drawn = false;
}

ProgressCallback MakeProgressBar() {
  if (isatty(STDERR_FILENO) == 0) return {};
  return [](double fraction, std::string_view stage) {
    constexpr int kWidth = 30;
    fraction = fraction >= 0.0 ? std::min(fraction, 1.0) : 0.0;  // NaN too
    const auto filled = static_cast<int>(std::lround(fraction * kWidth));
    std::string bar(static_cast<size_t>(filled), '#');
    bar.resize(kWidth, ' ');
    std::fprintf(stderr, "\r[%s] %3d%% %.*s   ", bar.c_str(), static_cast<int>(fraction * 100),
                 static_cast<int>(stage.size()), stage.data());
    std::fflush(stderr);
    bar_drawn = true;
    return true;
  };
}

void FinishProgressBar() {
  if (!bar_drawn) return;
  std::fputc('\n', stderr);
  bar_drawn = false;
}

}  // namespace kolosal::cli
