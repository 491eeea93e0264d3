#pragma once

#include <CLI/CLI.hpp>

namespace kolosal::cli {

/// Each command adds its subcommand to the app; the callback does the work and throws
/// kolosal::Error on failure (main() prints it on one line and exits non-zero).
void AddTrainCommand(CLI::App& app);
void AddTuneCommand(CLI::App& app);
void AddPredictCommand(CLI::App& app);
void AddEvaluateCommand(CLI::App& app);
void AddImportanceCommand(CLI::App& app);
void AddInfoCommand(CLI::App& app);
void AddDemoCommand(CLI::App& app);

}  // namespace kolosal::cli
