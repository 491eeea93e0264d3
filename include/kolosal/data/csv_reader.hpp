#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kolosal/core/task.hpp"
#include "kolosal/data/dataset.hpp"

namespace kolosal::data {

struct CsvOptions {
  char delimiter = ',';
  char quote = '"';
  bool has_header = true;
  /// Fields equal to one of these (after trimming spaces) are missing; empty fields always are.
  std::vector<std::string> missing_values = {"NA", "NaN", "nan", "N/A", "?", "null", "NULL"};
  /// Column name -> forced type. Other columns are detected: numeric when every non-missing
  /// field parses as a number, categorical otherwise.
  std::map<std::string, ColumnType, std::less<>> column_types;
  /// The target column; empty means the dataset has no labels.
  std::string target;
  /// A numeric column of per-row training weights, taken out of the features (needs `target`;
  /// see UseColumnAsWeights). Empty means unweighted.
  std::string weight_column;
  /// Forces the task; empty means infer it (see MakeLabels).
  std::optional<Task> task;
  /// Columns to leave out.
  std::vector<std::string> drop_columns;
  /// Stop after this many data rows (0 = all).
  int64_t max_rows = 0;
};

/// Reads a CSV file (RFC 4180: quoted fields with embedded delimiters, quotes and newlines;
/// LF, CRLF or CR line ends; a UTF-8 BOM is skipped). Throws Error(kIo) when the file cannot be
/// read and Error(kInvalidArgument) with the line number for malformed content.
Dataset ReadCsv(const std::string& path, const CsvOptions& options);
/// The same, from text in memory.
Dataset ParseCsv(std::string_view text, const CsvOptions& options);

/// Reads CSV records (whole records, as a stream cuts a file) under a file's header row, which
/// is read and checked against the options once. Needs `has_header`; `max_rows` is ignored.
/// Parse is const and safe to call from many threads at once.
class CsvRecordParser {
 public:
  /// `header_line` is the line of the file the header row is on, for error messages.
  CsvRecordParser(std::string_view header, CsvOptions options, int64_t header_line = 1);

  /// Every column the header names, kept or dropped.
  const std::vector<std::string>& column_names() const { return names_; }
  /// Error messages count lines from `first_line`, the line of the file `records` starts on.
  Dataset Parse(std::string_view records, int64_t first_line) const;

 private:
  CsvOptions options_;
  std::vector<std::string> names_;
  std::vector<int64_t> slots_;  // per column: its index among the kept columns, or -1
};

/// `text` as one CSV field: quoted, with embedded quotes doubled.
std::string QuoteCsvField(std::string_view text, char quote = '"');

/// Parses the JSON form of CsvOptions used by the C ABI and CLI:
/// {"delimiter":",","has_header":true,"missing_values":[...],"column_types":{"x":"categorical"},
///  "target":"y","weight_column":"w","task":"classification","drop_columns":[...],"max_rows":0}.
CsvOptions ParseCsvOptions(std::string_view json_text);

}  // namespace kolosal::data
