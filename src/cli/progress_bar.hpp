#pragma once

#include <string_view>

#include "kolosal/core/fit_control.hpp"

namespace kolosal::cli {

/// A progress callback that draws a one-line bar on stderr when it is a terminal.
ProgressCallback MakeProgressBar();
/// Ends the bar's line, if one was drawn.
void FinishProgressBar();

}  // namespace kolosal::cli
