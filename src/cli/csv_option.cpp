#include "csv_option.hpp"

#include "kolosal/core/error.hpp"

namespace kolosal::cli {

void AddCsvOption(CLI::App& command, std::string& csv_json) {
  command.add_option("--csv", csv_json,
                     R"(CSV options as JSON, e.g. '{"delimiter":";","missing_values":["-"]}')");
}

data::CsvOptions CsvOptionsFrom(const std::string& csv_json, const std::string& target,
                                const std::string& weight_column) {
  data::CsvOptions options = data::ParseCsvOptions(csv_json);
  if (!options.target.empty() || !options.weight_column.empty()) {
    ThrowInvalidArgument(
        "--csv: name the target and the weight column with --target and "
        "--weight-column, not in the CSV options");
  }
  options.target = target;
  options.weight_column = weight_column;
  return options;
}

}  // namespace kolosal::cli
