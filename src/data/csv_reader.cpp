#include "kolosal/data/csv_reader.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <limits>
#include <memory>
#include <span>
#include <system_error>
#include <unordered_map>
#include <utility>

#include "kolosal/core/config.hpp"
#include "kolosal/core/error.hpp"
#include "kolosal/core/names.hpp"
#include "kolosal/core/utf8.hpp"
#include "kolosal/data/detail/number_text.hpp"

namespace kolosal::data {
namespace {

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

std::string LinePrefix(int64_t line) { return "line " + std::to_string(line) + ": "; }

// Splits CSV text into rows of fields in one pass. Fields are views into the text; only a quoted
// field holding doubled quotes is copied (unescaped) into storage owned by the tokenizer, so the
// views stay valid as long as the text and the tokenizer live.
class CsvTokenizer {
 public:
  CsvTokenizer(std::string_view text, const CsvOptions& options, int64_t first_line = 1)
      : text_(text),
        delimiter_(options.delimiter),
        quote_(options.quote),
        line_(first_line),
        row_line_(first_line) {
    ends_field_[static_cast<unsigned char>(delimiter_)] = true;
    ends_field_[static_cast<unsigned char>('\n')] = true;
    ends_field_[static_cast<unsigned char>('\r')] = true;
  }
  CsvTokenizer(const CsvTokenizer&) = delete;
  CsvTokenizer& operator=(const CsvTokenizer&) = delete;

  // Reads the next row that is not blank into `fields`; false at the end of the text.
  bool NextRow(std::vector<std::string_view>& fields) {
    fields.clear();
    while (pos_ < text_.size() && IsLineEnd(text_[pos_])) SkipLineEnd();
    if (pos_ >= text_.size()) return false;
    row_line_ = line_;
    while (true) {
      const size_t content = SkipLeadingSpaces(pos_);
      const bool quoted = content < text_.size() && text_[content] == quote_;
      if (quoted) pos_ = content;
      fields.push_back(quoted ? ReadQuoted() : ReadUnquoted());
      if (pos_ >= text_.size()) return true;
      if (text_[pos_] != delimiter_) break;
      ++pos_;
    }
    SkipLineEnd();
    return true;
  }

  // The line (1-based) on which the row last returned by NextRow starts.
  int64_t row_line() const { return row_line_; }
  // How far into the text the tokenizer is.
  size_t position() const { return pos_; }

 private:
  static bool IsLineEnd(char c) { return c == '\n' || c == '\r'; }

  // Where a field starting at `pos` begins once spaces (and tabs, unless they delimit) are
  // skipped, so that `1, "a,b"` reads as two fields.
  size_t SkipLeadingSpaces(size_t pos) const {
    while (pos < text_.size() &&
           (text_[pos] == ' ' || (text_[pos] == '\t' && delimiter_ != '\t'))) {
      ++pos;
    }
    return pos;
  }

  void SkipLineEnd() {
    if (text_[pos_] == '\r') ++pos_;
    if (pos_ < text_.size() && text_[pos_] == '\n') ++pos_;
    ++line_;
  }

  // Unquoted fields are trimmed of surrounding spaces and tabs.
  std::string_view ReadUnquoted() {
    const size_t start = pos_;
    while (pos_ < text_.size() && !ends_field_[static_cast<unsigned char>(text_[pos_])]) ++pos_;
    return detail::TrimSpaces(text_.substr(start, pos_ - start));
  }

  // A quoted field is kept verbatim, embedded delimiters and line ends included.
  std::string_view ReadQuoted() {
    const int64_t open_line = line_;
    const size_t start = ++pos_;
    bool has_doubled_quotes = false;
    size_t close = text_.find(quote_, pos_);
    for (; close != std::string_view::npos; close = text_.find(quote_, pos_)) {
      line_ += std::count(text_.begin() + static_cast<ptrdiff_t>(pos_),
                          text_.begin() + static_cast<ptrdiff_t>(close), '\n');
      pos_ = close + 1;
      if (pos_ >= text_.size() || text_[pos_] != quote_) break;
      has_doubled_quotes = true;
      ++pos_;
    }
    if (close == std::string_view::npos) {
      ThrowInvalidArgument(LinePrefix(open_line) + "unterminated quoted field (the quote opened " +
                           "here is never closed)");
    }
    SkipSpacesAfterQuote();
    const std::string_view content = text_.substr(start, close - start);
    return has_doubled_quotes ? Unescape(content) : content;
  }

  void SkipSpacesAfterQuote() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t')) ++pos_;
    if (pos_ >= text_.size() || ends_field_[static_cast<unsigned char>(text_[pos_])]) return;
    ThrowInvalidArgument(LinePrefix(line_) + "unexpected character '" +
                         std::string(1, text_[pos_]) + "' after a closing quote");
  }

  std::string_view Unescape(std::string_view content) {
    std::string& unescaped = unescaped_.emplace_back();
    unescaped.reserve(content.size());
    for (size_t idx = 0; idx < content.size(); ++idx) {
      unescaped.push_back(content[idx]);
      if (content[idx] == quote_) ++idx;  // the second quote of a pair
    }
    return unescaped;
  }

  std::string_view text_;
  char delimiter_;
  char quote_;
  std::array<bool, 256> ends_field_{};
  size_t pos_ = 0;
  int64_t line_;
  int64_t row_line_;
  std::deque<std::string> unescaped_;  // a deque never moves its elements
};

// Decides whether a (trimmed) field is a missing value.
class MissingMatcher {
 public:
  explicit MissingMatcher(const std::vector<std::string>& tokens) {
    for (const std::string& token : tokens) {
      const std::string_view trimmed = detail::TrimSpaces(token);
      if (trimmed.empty()) continue;
      tokens_.emplace_back(trimmed);
      starts_token_[static_cast<unsigned char>(trimmed.front())] = true;
    }
  }

  bool operator()(std::string_view trimmed) const {
    if (trimmed.empty()) return true;
    // Most fields (numbers, words) start with a character no token starts with.
    if (!starts_token_[static_cast<unsigned char>(trimmed.front())]) return false;
    return std::find(tokens_.begin(), tokens_.end(), trimmed) != tokens_.end();
  }

 private:
  std::vector<std::string> tokens_;
  std::array<bool, 256> starts_token_{};
};

// The raw fields of the columns that are kept, column by column.
struct RawTable {
  std::vector<std::string> names;                     // every column of the file
  std::vector<int64_t> slots;                         // per column: its index in `fields`, or -1
  std::vector<std::vector<std::string_view>> fields;  // the kept columns
  std::vector<int64_t> row_lines;  // the line each data row starts on, for error messages
};

std::vector<std::string> ColumnNames(const std::vector<std::string_view>& first_row,
                                     bool has_header) {
  std::vector<std::string> names;
  names.reserve(first_row.size());
  for (size_t idx = 0; idx < first_row.size(); ++idx) {
    const bool named = has_header && !first_row[idx].empty();
    names.emplace_back(named ? std::string(first_row[idx]) : "f" + std::to_string(idx));
  }
  std::vector<std::string> sorted = names;
  std::sort(sorted.begin(), sorted.end());
  const auto duplicate = std::adjacent_find(sorted.begin(), sorted.end());
  if (duplicate != sorted.end()) {
    ThrowInvalidArgument("the header names column '" + *duplicate + "' twice");
  }
  return names;
}

void CheckNameExists(const std::vector<std::string>& names, std::string_view name,
                     std::string_view what) {
  if (std::find(names.begin(), names.end(), name) != names.end()) return;
  std::string message = UnknownNameMessage(what, name, names);
  // One column whose name holds another common delimiter: the file is likely delimited by it.
  if (names.size() == 1) {
    for (const char delimiter : {';', '\t', '|'}) {
      if (names[0].find(delimiter) == std::string::npos) continue;
      message += std::string(". The header has one column: is the delimiter '") +
                 (delimiter == '\t' ? std::string("\\t") : std::string(1, delimiter)) +
                 "'? Set it in the CSV options (\"delimiter\")";
      break;
    }
  }
  ThrowInvalidArgument(message);
}

void CheckOptionNames(const std::vector<std::string>& names, const CsvOptions& options) {
  if (!options.target.empty()) CheckNameExists(names, options.target, "target column");
  if (!options.weight_column.empty()) {
    if (options.target.empty()) {
      ThrowInvalidArgument("weight_column '" + options.weight_column + "' needs a target column");
    }
    CheckNameExists(names, options.weight_column, "weight column");
    if (options.weight_column == options.target) {
      ThrowInvalidArgument("the target column '" + options.target + "' cannot be its own weight");
    }
    const auto& dropped = options.drop_columns;
    if (std::find(dropped.begin(), dropped.end(), options.weight_column) != dropped.end()) {
      ThrowInvalidArgument("the weight column '" + options.weight_column +
                           "' is also listed in drop_columns");
    }
  }
  for (const std::string& name : options.drop_columns) {
    CheckNameExists(names, name, "column in drop_columns");
    if (name == options.target) {
      ThrowInvalidArgument("the target column '" + name + "' is also listed in drop_columns");
    }
  }
  for (const auto& [name, type] : options.column_types) {
    CheckNameExists(names, name, "column in column_types");
  }
}

// For each column of the file: its index among the kept columns, or -1 when it is dropped.
std::vector<int64_t> KeptSlots(const std::vector<std::string>& names, const CsvOptions& options) {
  std::vector<int64_t> slots(names.size(), -1);
  int64_t n_kept = 0;
  for (size_t idx = 0; idx < names.size(); ++idx) {
    const auto& dropped = options.drop_columns;
    if (std::find(dropped.begin(), dropped.end(), names[idx]) != dropped.end()) continue;
    slots[idx] = n_kept++;
  }
  return slots;
}

void AppendRow(const std::vector<std::string_view>& row, int64_t line, RawTable& table) {
  if (row.size() != table.slots.size()) {
    ThrowInvalidArgument(LinePrefix(line) + "expected " + std::to_string(table.slots.size()) +
                         " fields, found " + std::to_string(row.size()));
  }
  for (size_t idx = 0; idx < row.size(); ++idx) {
    const int64_t slot = table.slots[idx];
    if (slot >= 0) table.fields[static_cast<size_t>(slot)].push_back(row[idx]);
  }
  table.row_lines.push_back(line);
}

// Reserves room for all rows, estimated from the size of the first data row.
void ReserveRows(RawTable& table, size_t text_size, size_t first_row_bytes, int64_t max_rows) {
  size_t estimate = text_size / std::max<size_t>(first_row_bytes, 1) + 16;
  if (max_rows > 0) estimate = std::min(estimate, static_cast<size_t>(max_rows));
  for (auto& column : table.fields) column.reserve(estimate);
  table.row_lines.reserve(estimate);
}

// Reads the first row and sets up the table's columns from it.
RawTable StartTable(CsvTokenizer& tokenizer, std::vector<std::string_view>& row,
                    const CsvOptions& options) {
  if (!tokenizer.NextRow(row)) ThrowInvalidArgument("the CSV text is empty (no header row)");
  RawTable table;
  table.names = ColumnNames(row, options.has_header);
  CheckOptionNames(table.names, options);
  table.slots = KeptSlots(table.names, options);
  table.fields.resize(static_cast<size_t>(std::count_if(table.slots.begin(), table.slots.end(),
                                                        [](int64_t slot) { return slot >= 0; })));
  return table;
}

// The table's views point into the text and into `tokenizer`, which must outlive it.
RawTable Tokenize(CsvTokenizer& tokenizer, size_t text_size, const CsvOptions& options) {
  std::vector<std::string_view> row;
  RawTable table = StartTable(tokenizer, row, options);
  const auto more_rows = [&] {
    const bool reached_max =
        options.max_rows > 0 && std::ssize(table.row_lines) >= options.max_rows;
    return !reached_max && tokenizer.NextRow(row);
  };
  const size_t data_start = options.has_header ? tokenizer.position() : 0;
  if (!options.has_header || more_rows()) {
    AppendRow(row, tokenizer.row_line(), table);
    ReserveRows(table, text_size, tokenizer.position() - data_start, options.max_rows);
  }
  while (more_rows()) AppendRow(row, tokenizer.row_line(), table);
  return table;
}

struct NumericParse {
  std::vector<float> values;
  int64_t first_bad_row = -1;       // the first field that is not a number, or -1
  int64_t first_infinite_row = -1;  // the first number float32 cannot hold (inf, 1e39), or -1
};

NumericParse ParseNumbers(std::span<const std::string_view> fields,
                          const MissingMatcher& is_missing) {
  NumericParse parse;
  parse.values.reserve(fields.size());
  for (size_t row = 0; row < fields.size(); ++row) {
    const std::string_view field = detail::TrimSpaces(fields[row]);
    if (is_missing(field)) {
      parse.values.push_back(std::numeric_limits<float>::quiet_NaN());
      continue;
    }
    const std::optional<double> number = detail::ParseNumber(field);
    if (!number) {
      parse.first_bad_row = static_cast<int64_t>(row);
      break;
    }
    const auto value = static_cast<float>(*number);
    if (std::isinf(value) && parse.first_infinite_row < 0) {
      parse.first_infinite_row = static_cast<int64_t>(row);
    }
    parse.values.push_back(value);
  }
  return parse;
}

Column EncodeCategorical(std::string name, std::span<const std::string_view> fields,
                         const MissingMatcher& is_missing) {
  std::vector<int32_t> codes;
  codes.reserve(fields.size());
  std::vector<std::string> categories;
  std::unordered_map<std::string_view, int32_t> code_of;
  for (const std::string_view field : fields) {
    if (is_missing(detail::TrimSpaces(field))) {
      codes.push_back(kMissingCode);
      continue;
    }
    const auto [position, inserted] =
        code_of.try_emplace(field, static_cast<int32_t>(categories.size()));
    if (inserted) categories.emplace_back(field);
    codes.push_back(position->second);
  }
  return Column::Categorical(std::move(name), std::move(codes), std::move(categories));
}

Column BuildColumn(std::string name, std::span<const std::string_view> fields,
                   std::optional<ColumnType> forced_type, std::span<const int64_t> row_lines,
                   const MissingMatcher& is_missing) {
  if (forced_type == ColumnType::kCategorical) {
    return EncodeCategorical(std::move(name), fields, is_missing);
  }
  NumericParse parse = ParseNumbers(fields, is_missing);
  if (parse.first_bad_row < 0 && parse.first_infinite_row >= 0) {
    const auto row = static_cast<size_t>(parse.first_infinite_row);
    ThrowInvalidArgument("column '" + name + "', line " + std::to_string(row_lines[row]) + ": '" +
                         std::string(detail::TrimSpaces(fields[row])) +
                         "' is not a finite float32 number; list it in missing_values or read "
                         "the column as categorical");
  }
  if (parse.first_bad_row < 0) return Column::Numeric(std::move(name), std::move(parse.values));
  if (forced_type == ColumnType::kNumeric) {
    const auto row = static_cast<size_t>(parse.first_bad_row);
    ThrowInvalidArgument("column '" + name + "', line " + std::to_string(row_lines[row]) + ": '" +
                         std::string(fields[row]) + "' is not a number");
  }
  return EncodeCategorical(std::move(name), fields, is_missing);
}

std::optional<ColumnType> ForcedType(const CsvOptions& options, std::string_view name) {
  const auto it = options.column_types.find(name);
  if (it == options.column_types.end()) return std::nullopt;
  return it->second;
}

Dataset BuildDataset(const RawTable& table, const CsvOptions& options) {
  const MissingMatcher is_missing(options.missing_values);
  std::vector<Column> columns;
  std::optional<Labels> labels;
  for (size_t idx = 0; idx < table.names.size(); ++idx) {
    if (table.slots[idx] < 0) continue;
    const std::string& name = table.names[idx];
    Column column = BuildColumn(name, table.fields[static_cast<size_t>(table.slots[idx])],
                                ForcedType(options, name), table.row_lines, is_missing);
    if (name == options.target) {
      labels = MakeLabels(column, options.task);
      continue;
    }
    columns.push_back(std::move(column));
  }
  Dataset dataset(std::move(columns), std::move(labels));
  if (!options.weight_column.empty()) UseColumnAsWeights(dataset, options.weight_column);
  return dataset;
}

void CheckOptions(const CsvOptions& options) {
  const auto is_special = [](char c) { return c == '\n' || c == '\r' || c == '\0'; };
  if (is_special(options.delimiter) || is_special(options.quote) ||
      options.delimiter == options.quote) {
    ThrowInvalidArgument(
        "CSV delimiter and quote must be two different characters other than a line end");
  }
  if (options.max_rows < 0) {
    ThrowInvalidArgument("max_rows must be >= 0, got " + std::to_string(options.max_rows));
  }
}

std::string ReadWholeFile(const std::string& path) {
  std::error_code error;
  if (std::filesystem::is_directory(path, error)) {
    throw Error(StatusCode::kIo, "cannot read '" + path + "': it is a directory");
  }
  const std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"),
                                                             &std::fclose);
  if (!file) {
    throw Error(StatusCode::kIo,
                "cannot open '" + path + "': " + std::generic_category().message(errno));
  }
  const uintmax_t size_hint = std::filesystem::file_size(path, error);
  std::string text(error ? size_t{1} << 16 : static_cast<size_t>(size_hint) + 1, '\0');
  size_t used = 0;
  while (true) {
    if (used == text.size()) text.resize(text.size() * 2);
    const size_t n_read = std::fread(text.data() + used, 1, text.size() - used, file.get());
    used += n_read;
    if (n_read == 0) break;
  }
  if (std::ferror(file.get())) throw Error(StatusCode::kIo, "error while reading '" + path + "'");
  text.resize(used);
  return text;
}

std::vector<std::string> ReadStringList(const nlohmann::json& value, std::string_view key) {
  std::vector<std::string> strings;
  const bool valid = value.is_array() && std::all_of(value.begin(), value.end(),
                                                     [](const auto& x) { return x.is_string(); });
  if (!valid) {
    ThrowInvalidArgument("csv options: '" + std::string(key) +
                         "' must be an array of strings, got " + value.dump());
  }
  for (const auto& item : value) strings.push_back(item.get<std::string>());
  return strings;
}

ColumnType ReadColumnType(const std::string& column, const nlohmann::json& value) {
  const std::string text = value.is_string() ? value.get<std::string>() : value.dump();
  if (text == "numeric") return ColumnType::kNumeric;
  if (text == "categorical") return ColumnType::kCategorical;
  const std::vector<std::string> valid = {"numeric", "categorical"};
  ThrowInvalidArgument("csv options: column_types['" + column +
                       "']: " + UnknownNameMessage("column type", text, valid));
}

std::map<std::string, ColumnType, std::less<>> ReadColumnTypes(const nlohmann::json& value) {
  if (!value.is_object()) {
    ThrowInvalidArgument("csv options: 'column_types' must be an object, got " + value.dump());
  }
  std::map<std::string, ColumnType, std::less<>> types;
  for (const auto& [column, type] : value.items()) types[column] = ReadColumnType(column, type);
  return types;
}

char ReadChar(ConfigReader& reader, std::string_view key, char default_value) {
  const std::string text = reader.GetString(key, std::string_view(&default_value, 1));
  if (text.size() != 1) {
    ThrowInvalidArgument("csv options: '" + std::string(key) +
                         "' must be a single character, got \"" + text + "\"");
  }
  return text.front();
}

std::optional<Task> ReadTask(ConfigReader& reader) {
  if (reader.GetString("task", "").empty()) return std::nullopt;
  return ParseTask(reader.GetChoice("task", "", {"classification", "regression"}));
}

// Every name and category must be UTF-8 (DESIGN: strings are UTF-8), so a file in another
// encoding is refused up front, at the first byte that is not, rather than when a name reaches
// JSON.
void CheckUtf8Text(std::string_view text, int64_t first_line = 1) {
  const size_t bad = FindInvalidUtf8(text);
  if (bad == std::string_view::npos) return;
  const std::string_view before = text.substr(0, bad);
  const auto line = first_line + std::count(before.begin(), before.end(), '\n');
  const size_t line_start = before.rfind('\n') + 1;  // npos + 1 wraps to 0 on the first line
  char byte[8];
  std::snprintf(byte, sizeof(byte), "0x%02X",
                static_cast<unsigned>(static_cast<uint8_t>(text[bad])));
  ThrowInvalidArgument("line " + std::to_string(line) + ", byte " +
                       std::to_string(bad - line_start + 1) + ": " + byte +
                       " is not UTF-8; CSV files are read as UTF-8, so convert the file first "
                       "(e.g. iconv -f latin1 -t utf-8)");
}

}  // namespace

Dataset ReadCsv(const std::string& path, const CsvOptions& options) {
  const std::string text = ReadWholeFile(path);
  try {
    return ParseCsv(text, options);
  } catch (const Error& error) {
    throw Error(error.code(), path + ": " + error.what());
  }
}

Dataset ParseCsv(std::string_view text, const CsvOptions& options) {
  CheckOptions(options);
  if (text.starts_with(kUtf8Bom)) text.remove_prefix(kUtf8Bom.size());
  CheckUtf8Text(text);
  CsvTokenizer tokenizer(text, options);
  const RawTable table = Tokenize(tokenizer, text.size(), options);
  return BuildDataset(table, options);
}

CsvRecordParser::CsvRecordParser(std::string_view header, CsvOptions options)
    : options_(std::move(options)) {
  CheckOptions(options_);
  if (!options_.has_header) ThrowInvalidArgument("reading CSV records needs a header row");
  if (header.starts_with(kUtf8Bom)) header.remove_prefix(kUtf8Bom.size());
  CheckUtf8Text(header);
  CsvTokenizer tokenizer(header, options_);
  std::vector<std::string_view> row;
  RawTable table = StartTable(tokenizer, row, options_);
  names_ = std::move(table.names);
  slots_ = std::move(table.slots);
}

Dataset CsvRecordParser::Parse(std::string_view records, int64_t first_line) const {
  CheckUtf8Text(records, first_line);
  RawTable table{names_, slots_, {}, {}};
  table.fields.resize(static_cast<size_t>(
      std::count_if(slots_.begin(), slots_.end(), [](int64_t slot) { return slot >= 0; })));
  CsvTokenizer tokenizer(records, options_, first_line);
  std::vector<std::string_view> row;
  while (tokenizer.NextRow(row)) AppendRow(row, tokenizer.row_line(), table);
  return BuildDataset(table, options_);
}

std::string QuoteCsvField(std::string_view text, char quote) {
  std::string quoted(1, quote);
  for (const char c : text) {
    if (c == quote) quoted += quote;
    quoted += c;
  }
  quoted += quote;
  return quoted;
}

CsvOptions ParseCsvOptions(std::string_view json_text) {
  const nlohmann::json config = ParseJsonConfig(json_text, "csv options");
  ConfigReader reader(config, "csv options");
  CsvOptions options;
  options.delimiter = ReadChar(reader, "delimiter", options.delimiter);
  options.quote = ReadChar(reader, "quote", options.quote);
  options.has_header = reader.GetBool("has_header", options.has_header);
  if (const nlohmann::json* value = reader.Find("missing_values")) {
    options.missing_values = ReadStringList(*value, "missing_values");
  }
  if (const nlohmann::json* value = reader.Find("column_types")) {
    options.column_types = ReadColumnTypes(*value);
  }
  options.target = reader.GetString("target", "");
  options.weight_column = reader.GetString("weight_column", "");
  options.task = ReadTask(reader);
  if (const nlohmann::json* value = reader.Find("drop_columns")) {
    options.drop_columns = ReadStringList(*value, "drop_columns");
  }
  options.max_rows = reader.GetInt("max_rows", 0, 0, std::numeric_limits<int64_t>::max());
  reader.Finish();
  return options;
}

}  // namespace kolosal::data
