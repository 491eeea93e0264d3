#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "kolosal/data/csv_reader.hpp"

namespace kolosal::cli {

/// Adds `--csv JSON` (the CSV options of docs/data.md: delimiter, missing_values, column_types,
/// drop_columns, ...) to a command that reads a CSV file.
void AddCsvOption(CLI::App& command, std::string& csv_json);

/// The options `--csv` gave, with the target (and weight column) the command's own flags name;
/// naming them in both places is an error.
data::CsvOptions CsvOptionsFrom(const std::string& csv_json, const std::string& target,
                                const std::string& weight_column = "");

}  // namespace kolosal::cli
