#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>

#include "commands.hpp"
#include "kolosal/core/error.hpp"
#include "kolosal/core/version.hpp"

int main(int argc, char** argv) {
  CLI::App app{"kolosal: train, tune and serve tabular models", "kolosal"};
  app.set_version_flag("--version", kolosal::kVersionString);
  app.require_subcommand(1);
  kolosal::cli::AddTrainCommand(app);
  kolosal::cli::AddTuneCommand(app);
  kolosal::cli::AddPredictCommand(app);
  kolosal::cli::AddEvaluateCommand(app);
  kolosal::cli::AddImportanceCommand(app);
  kolosal::cli::AddInfoCommand(app);
  kolosal::cli::AddDemoCommand(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    return app.exit(error);
  } catch (const kolosal::Error& error) {
    std::fprintf(stderr, "kolosal: error: %s\n", error.what());
    return 1;
  } catch (const std::exception& error) {
    std::fprintf(stderr, "kolosal: internal error: %s\n", error.what());
    return 1;
  }
  return 0;
}
