#include "kolosal/data/csv_reader.hpp"

#include <tbb/parallel_pipeline.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <deque>
#include <exception>
#include <filesystem>
#include <functional>
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
#include "kolosal/data/csv_chunk_reader.hpp"
#include "kolosal/data/detail/csv_read_sizes.hpp"
#include "kolosal/data/detail/number_text.hpp"

namespace kolosal::data {
namespace {

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

std::string LinePrefix(int64_t line) { return "line " + std::to_string(line) + ": "; }

// Every name and category must be UTF-8 (DESIGN: strings are UTF-8), so a file in another
// encoding is refused at the first row holding a byte that is not, rather than when a name
// reaches JSON. `bad` is that byte's position in `text`, whose first line is `first_line`.
[[noreturn]] void ThrowNotUtf8(std::string_view text, size_t bad, int64_t first_line) {
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

// Text is checked for UTF-8 this far ahead of the rows read (at least), one call per piece.
constexpr size_t kUtf8PieceBytes = size_t{64} << 10;

// Splits CSV text into rows of fields in one pass, refusing a row that is not UTF-8. Fields are
// views into the text; only a quoted field holding doubled quotes is copied (unescaped) into
// storage owned by the tokenizer, so the views stay valid as long as the text and the tokenizer
// live.
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
    row_start_ = pos_;
    while (true) {
      const size_t content = SkipLeadingSpaces(pos_);
      const bool quoted = content < text_.size() && text_[content] == quote_;
      if (quoted) pos_ = content;
      fields.push_back(quoted ? ReadQuoted() : ReadUnquoted());
      if (pos_ >= text_.size()) break;
      if (text_[pos_] != delimiter_) {
        SkipLineEnd();
        break;
      }
      ++pos_;
    }
    CheckUtf8UpTo(pos_);
    return true;
  }

  // The line (1-based) on which the row last returned by NextRow starts.
  int64_t row_line() const { return row_line_; }
  // How far into the text the tokenizer is, and the line it is on.
  size_t position() const { return pos_; }
  int64_t line() const { return line_; }

 private:
  static bool IsLineEnd(char c) { return c == '\n' || c == '\r'; }

  // Throws when a byte before `end` is not UTF-8. The text is checked ahead in pieces that end
  // between two characters, so that errors come in row order and each byte is checked once.
  void CheckUtf8UpTo(size_t end) {
    while (utf8_checked_ < end && utf8_bad_ == std::string_view::npos) {
      size_t piece_end = std::min(text_.size(), std::max(end, utf8_checked_ + kUtf8PieceBytes));
      while (piece_end < text_.size() && (static_cast<uint8_t>(text_[piece_end]) & 0xC0) == 0x80) {
        ++piece_end;  // not inside a character
      }
      const size_t bad = FindInvalidUtf8(text_.substr(utf8_checked_, piece_end - utf8_checked_));
      if (bad != std::string_view::npos) utf8_bad_ = utf8_checked_ + bad;
      utf8_checked_ = piece_end;
    }
    if (utf8_bad_ < end) {  // in this row, where only LF (quoted CRs do not) starts a line
      ThrowNotUtf8(text_.substr(row_start_), utf8_bad_ - row_start_, row_line_);
    }
  }

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
    const auto lead = static_cast<uint8_t>(text_[pos_]);
    const size_t length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
    CheckUtf8UpTo(std::min(pos_ + length, text_.size()));  // the message quotes the character
    ThrowInvalidArgument(LinePrefix(line_) + "unexpected character '" +
                         std::string(text_.substr(pos_, length)) + "' after a closing quote");
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
  size_t utf8_checked_ = 0;                   // the text before this was checked
  size_t utf8_bad_ = std::string_view::npos;  // the first byte found that is not UTF-8
  size_t row_start_ = 0;
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

// The column names the first row gives, checked against the options.
std::vector<std::string> ReadHeader(CsvTokenizer& tokenizer, const CsvOptions& options) {
  std::vector<std::string_view> row;
  if (!tokenizer.NextRow(row)) ThrowInvalidArgument("the CSV text is empty (no header row)");
  std::vector<std::string> names = ColumnNames(row, options.has_header);
  CheckOptionNames(names, options);
  return names;
}

std::optional<ColumnType> ForcedType(const CsvOptions& options, std::string_view name) {
  const auto it = options.column_types.find(name);
  if (it == options.column_types.end()) return std::nullopt;
  return it->second;
}

// How the work is cut (detail::CsvReadSizes): at most `block_fields` field views are held at
// once (4 MiB of views by default), since the rows are read in blocks of block_fields / (kept
// columns) rows and each block goes into the columns before the next is read; so reading takes
// the text and the columns, not a view per field. Files are read in parts of `part_bytes`.
const detail::CsvReadSizes kDefaultSizes{};

size_t CountKept(std::span<const int64_t> slots) {
  return static_cast<size_t>(
      std::count_if(slots.begin(), slots.end(), [](int64_t slot) { return slot >= 0; }));
}

// The fields of consecutive rows, column by column, for the kept columns.
struct FieldBlock {
  std::vector<std::vector<std::string_view>> fields;
  std::vector<int64_t> lines;  // the line each row starts on, for error messages

  void Append(const std::vector<std::string_view>& row, int64_t line,
              std::span<const int64_t> slots) {
    if (row.size() != slots.size()) {
      ThrowInvalidArgument(LinePrefix(line) + "expected " + std::to_string(slots.size()) +
                           " fields, found " + std::to_string(row.size()));
    }
    for (size_t idx = 0; idx < row.size(); ++idx) {
      if (slots[idx] >= 0) fields[static_cast<size_t>(slots[idx])].push_back(row[idx]);
    }
    lines.push_back(line);
  }
  size_t rows() const { return lines.size(); }
  void Clear() {
    for (auto& column : fields) column.clear();
    lines.clear();
  }
};

struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
};

// Builds one column a block of rows at a time: numbers while every field is one (or the column
// is forced numeric), categories in order of first appearance otherwise.
class ColumnBuilder {
 public:
  ColumnBuilder(std::string name, std::optional<ColumnType> forced_type)
      : name_(std::move(name)),
        forced_type_(forced_type),
        categorical_(forced_type == ColumnType::kCategorical) {}

  void Reserve(size_t rows) { categorical_ ? codes_.reserve(rows) : values_.reserve(rows); }

  // False when a field is not a number in a column not forced numeric: the column is then
  // categorical and empty, and every row read so far, this block's included, must be added again
  // with AddCategories. In a column forced numeric such a field stops the adding; the caller
  // throws the error of the first (see bad_line).
  bool Add(std::span<const std::string_view> fields, std::span<const int64_t> lines,
           const MissingMatcher& is_missing) {
    if (categorical_) {
      AddCategories(fields, is_missing);
      return true;
    }
    for (size_t row = 0; row < fields.size(); ++row) {
      const std::string_view field = detail::TrimSpaces(fields[row]);
      if (is_missing(field)) {
        values_.push_back(std::numeric_limits<float>::quiet_NaN());
        continue;
      }
      const std::optional<double> number = detail::ParseNumber(field);
      if (!number) {
        if (forced_type_ == ColumnType::kNumeric) {
          bad_line_ = lines[row];
          bad_text_ = fields[row];
          return true;
        }
        BecomeCategorical();
        return false;
      }
      const auto value = static_cast<float>(*number);
      if (std::isinf(value) && first_infinite_line_ < 0) {
        first_infinite_line_ = lines[row];
        first_infinite_text_ = field;
      }
      values_.push_back(value);
    }
    return true;
  }

  void AddCategories(std::span<const std::string_view> fields, const MissingMatcher& is_missing) {
    for (const std::string_view field : fields) {
      if (is_missing(detail::TrimSpaces(field))) {
        codes_.push_back(kMissingCode);
        continue;
      }
      codes_.push_back(CodeOf(field));
    }
  }

  // The line of a field that is not a number in a column forced numeric, or -1.
  int64_t bad_line() const { return bad_line_; }
  [[noreturn]] void ThrowBadField() const {
    ThrowInvalidArgument(Where(bad_line_) + "'" + bad_text_ + "' is not a number");
  }

  bool is_categorical() const { return categorical_; }
  size_t size() const { return categorical_ ? codes_.size() : values_.size(); }

  // Appends the rows of `part`: the same column of the next rows, built on its own, and of the
  // same kind (numbers or categories).
  void Append(ColumnBuilder&& part) {
    if (!categorical_) {
      if (first_infinite_line_ < 0 && part.first_infinite_line_ >= 0) {
        first_infinite_line_ = part.first_infinite_line_;
        first_infinite_text_ = std::move(part.first_infinite_text_);
      }
      values_.insert(values_.end(), part.values_.begin(), part.values_.end());
      return;
    }
    // The part's categories in its own first-seen order keep the whole column's.
    std::vector<int32_t> code_of_part;
    code_of_part.reserve(part.categories_.size());
    for (const std::string& category : part.categories_) code_of_part.push_back(CodeOf(category));
    for (const int32_t code : part.codes_) {
      codes_.push_back(code == kMissingCode ? kMissingCode
                                            : code_of_part[static_cast<size_t>(code)]);
    }
  }

  // Drops the numbers read so far: the caller adds every row again with AddCategories.
  void BecomeCategorical() {
    categorical_ = true;
    codes_.reserve(values_.capacity());
    values_ = {};
    first_infinite_line_ = -1;
  }

  Column Finish() && {
    if (categorical_) {
      return Column::Categorical(std::move(name_), std::move(codes_), std::move(categories_));
    }
    if (first_infinite_line_ >= 0) {
      ThrowInvalidArgument(Where(first_infinite_line_) + "'" + first_infinite_text_ +
                           "' is not a finite float32 number; list it in missing_values or read "
                           "the column as categorical");
    }
    return Column::Numeric(std::move(name_), std::move(values_));
  }

 private:
  // The code of `category`, a new one (the next) when it was not seen before.
  int32_t CodeOf(std::string_view category) {
    auto found = code_of_.find(category);
    if (found == code_of_.end()) {
      found = code_of_.emplace(category, static_cast<int32_t>(categories_.size())).first;
      categories_.emplace_back(category);
    }
    return found->second;
  }

  std::string Where(int64_t line) const {
    return "column '" + name_ + "', line " + std::to_string(line) + ": ";
  }

  std::string name_;
  std::optional<ColumnType> forced_type_;
  bool categorical_;
  std::vector<float> values_;
  int64_t first_infinite_line_ = -1;  // the first number float32 cannot hold (inf, 1e39)
  std::string first_infinite_text_;
  int64_t bad_line_ = -1;
  std::string bad_text_;
  std::vector<int32_t> codes_;
  std::vector<std::string> categories_;
  std::unordered_map<std::string, int32_t, StringHash, std::equal_to<>> code_of_;
};

// Whole CSV records and the line of the file they start on.
struct Records {
  std::string_view text;
  int64_t first_line = 0;
};
// Gives the data rows a part at a time (empty text at the end); a part's text stays valid until
// the next call.
using NextRecords = std::function<Records()>;
// Starts giving the data rows from the first, again on each call.
using OpenRecords = std::function<NextRecords()>;

// The rows of `data`, whose first line is `first_line`, in one part.
OpenRecords TextRecords(std::string_view data, int64_t first_line) {
  return [=] {
    return [=, done = false]() mutable {
      const Records records = done ? Records{} : Records{data, first_line};
      done = true;
      return records;
    };
  };
}

// Gives the first `n_rows` rows again and adds the fields of the kept columns `kept`, which
// turned categorical, to their builders.
void AddRowsAsCategories(const OpenRecords& open, int64_t n_rows, std::span<const int64_t> slots,
                         std::span<const size_t> kept, const CsvOptions& options,
                         const MissingMatcher& is_missing, std::vector<ColumnBuilder>& builders) {
  std::vector<size_t> file_columns;
  for (const size_t slot : kept) {
    file_columns.push_back(static_cast<size_t>(
        std::find(slots.begin(), slots.end(), static_cast<int64_t>(slot)) - slots.begin()));
  }
  const NextRecords next = open();
  std::vector<std::string_view> row;
  int64_t rows = 0;
  for (Records records = next(); rows < n_rows && !records.text.empty(); records = next()) {
    CsvTokenizer tokenizer(records.text, options, records.first_line);
    for (; rows < n_rows && tokenizer.NextRow(row); ++rows) {
      for (size_t pick = 0; pick < kept.size(); ++pick) {
        builders[kept[pick]].AddCategories({&row[file_columns[pick]], 1}, is_missing);
      }
    }
  }
}

// Reads the data rows `open` gives into one column per kept column, stopping after `max_rows`
// rows (0 = all). `size_hint` (the bytes of all rows, or 0) sizes the columns up front.
// One builder per kept column, with the type the options force on it.
std::vector<ColumnBuilder> MakeBuilders(const std::vector<std::string>& names,
                                        std::span<const int64_t> slots, const CsvOptions& options) {
  std::vector<ColumnBuilder> builders;
  builders.reserve(CountKept(slots));
  for (size_t idx = 0; idx < names.size(); ++idx) {
    if (slots[idx] >= 0) builders.emplace_back(names[idx], ForcedType(options, names[idx]));
  }
  return builders;
}

struct ParsedRows {
  std::vector<ColumnBuilder> columns;  // one per kept column
  int64_t rows = 0;
};

// Reads the data rows `open` gives into one builder per kept column, stopping after `max_rows`
// rows (0 = all), `block_fields` views at a time. `size_hint` (the bytes of all rows, or 0) sizes
// the columns up front.
ParsedRows ParseRows(const OpenRecords& open, size_t size_hint,
                     const std::vector<std::string>& names, std::span<const int64_t> slots,
                     const CsvOptions& options, int64_t max_rows, size_t block_fields) {
  const MissingMatcher is_missing(options.missing_values);
  const size_t n_kept = CountKept(slots);
  std::vector<ColumnBuilder> builders = MakeBuilders(names, slots, options);
  FieldBlock block{std::vector<std::vector<std::string_view>>(n_kept), {}};
  const size_t block_rows = std::max<size_t>(1, block_fields / std::max<size_t>(n_kept, 1));
  int64_t rows_added = 0;
  // Errors come in row order (then column order) whatever the block and part sizes: the first
  // bad field of a block among all columns, and a block's rows before a malformed row's error.
  const auto add_block = [&] {
    std::vector<size_t> turned_categorical;
    const ColumnBuilder* first_bad = nullptr;
    for (size_t slot = 0; slot < n_kept; ++slot) {
      ColumnBuilder& builder = builders[slot];
      if (!builder.Add(block.fields[slot], block.lines, is_missing)) {
        turned_categorical.push_back(slot);
      }
      if (builder.bad_line() >= 0 && (!first_bad || builder.bad_line() < first_bad->bad_line())) {
        first_bad = &builder;
      }
    }
    if (first_bad) first_bad->ThrowBadField();
    if (!turned_categorical.empty()) {
      AddRowsAsCategories(open, rows_added, slots, turned_categorical, options, is_missing,
                          builders);
      for (const size_t slot : turned_categorical) {
        builders[slot].AddCategories(block.fields[slot], is_missing);
      }
    }
    rows_added += static_cast<int64_t>(block.rows());
    block.Clear();
  };
  const NextRecords next = open();
  std::vector<std::string_view> row;
  bool reached_max = false;
  for (Records records = next(); !reached_max && !records.text.empty(); records = next()) {
    CsvTokenizer tokenizer(records.text, options, records.first_line);
    while (true) {
      reached_max = max_rows > 0 && rows_added + static_cast<int64_t>(block.rows()) >= max_rows;
      try {
        if (reached_max || !tokenizer.NextRow(row)) break;
        block.Append(row, tokenizer.row_line(), slots);
      } catch (const Error&) {
        add_block();  // an earlier row's error first
        throw;
      }
      if (rows_added == 0 && block.rows() == 1) {
        // Room for all rows, estimated from the size of the first.
        size_t estimate = size_hint / std::max<size_t>(tokenizer.position(), 1) + 16;
        if (max_rows > 0) estimate = std::min(estimate, static_cast<size_t>(max_rows));
        for (ColumnBuilder& builder : builders) builder.Reserve(estimate);
      }
      if (block.rows() == block_rows) add_block();
    }
    add_block();  // the views point into this part's text
  }
  return {std::move(builders), rows_added};
}

std::vector<Column> FinishColumns(std::vector<ColumnBuilder> builders) {
  std::vector<Column> columns;
  columns.reserve(builders.size());
  for (ColumnBuilder& builder : builders) columns.push_back(std::move(builder).Finish());
  return columns;
}

std::vector<Column> ReadColumns(const OpenRecords& open, size_t size_hint,
                                const std::vector<std::string>& names,
                                std::span<const int64_t> slots, const CsvOptions& options,
                                int64_t max_rows,
                                size_t block_fields = kDefaultSizes.block_fields) {
  return FinishColumns(
      ParseRows(open, size_hint, names, slots, options, max_rows, block_fields).columns);
}

// Reads the parts of a file in parallel: a oneTBB pipeline cuts the parts in order, parses each
// on its own and appends them to the columns in order. A column that turns categorical in a
// part has the rows before it read again as text (`open` reads the file again from its first
// row), and a later part that holds only numbers in it is read again from its own text. Errors
// come in file order, as when reading serially.
std::vector<Column> ReadPartsInParallel(CsvChunkReader& reader, const OpenRecords& open,
                                        const std::vector<std::string>& names,
                                        std::span<const int64_t> slots, const CsvOptions& options,
                                        const detail::CsvReadSizes& sizes) {
  struct Part {
    std::string text;
    int64_t first_line = 0;
    ParsedRows parsed;
    std::exception_ptr error;
  };
  const MissingMatcher is_missing(options.missing_values);
  const size_t n_kept = CountKept(slots);
  std::vector<ColumnBuilder> columns = MakeBuilders(names, slots, options);
  int64_t rows_appended = 0;
  // The parts in flight live here, not in the pipeline, which does not free the items it holds
  // when a stage throws. Parts finish in order, so part i's slot is free again for part i + n.
  std::vector<Part> in_flight(static_cast<size_t>(tbb::this_task_arena::max_concurrency()) + 1);
  size_t n_cut = 0;

  const auto cut = [&](tbb::flow_control& control) -> Part* {
    CsvChunk chunk = reader.Next(sizes.part_bytes, 0);
    if (chunk.text.empty()) {
      control.stop();
      return nullptr;
    }
    Part* part = &in_flight[n_cut++ % in_flight.size()];
    *part = Part{std::move(chunk.text), chunk.first_line, {}, nullptr};
    return part;
  };
  const auto parse = [&](Part* part) {
    try {
      part->parsed = ParseRows(TextRecords(part->text, part->first_line), part->text.size(), names,
                               slots, options, 0, sizes.block_fields);
    } catch (...) {
      part->error = std::current_exception();
    }
    return part;
  };
  const auto append = [&](Part* part) {
    if (part->error) std::rethrow_exception(part->error);
    if (rows_appended == 0) {  // room for all rows, estimated from the first part
      const double rows_per_byte = static_cast<double>(part->parsed.rows) /
                                   static_cast<double>(std::max<size_t>(part->text.size(), 1));
      const auto estimate =
          static_cast<size_t>(rows_per_byte * static_cast<double>(reader.file_bytes())) + 16;
      for (ColumnBuilder& column : columns) column.Reserve(estimate);
    }
    std::vector<size_t> turned_categorical, read_as_text;
    for (size_t slot = 0; slot < n_kept; ++slot) {
      ColumnBuilder& column = columns[slot];
      ColumnBuilder& piece = part->parsed.columns[slot];
      if (column.is_categorical() == piece.is_categorical()) {
        column.Append(std::move(piece));
      } else if (piece.is_categorical()) {
        column.BecomeCategorical();
        turned_categorical.push_back(slot);
      } else {
        read_as_text.push_back(slot);
      }
    }
    if (!turned_categorical.empty()) {
      AddRowsAsCategories(open, rows_appended, slots, turned_categorical, options, is_missing,
                          columns);
      for (const size_t slot : turned_categorical) {
        columns[slot].Append(std::move(part->parsed.columns[slot]));
      }
    }
    if (!read_as_text.empty()) {
      AddRowsAsCategories(TextRecords(part->text, part->first_line), part->parsed.rows, slots,
                          read_as_text, options, is_missing, columns);
    }
    rows_appended += part->parsed.rows;
    *part = Part{};  // an appended part holds no memory
  };
  tbb::parallel_pipeline(
      in_flight.size(),
      tbb::make_filter<void, Part*>(tbb::filter_mode::serial_in_order, cut) &
          tbb::make_filter<Part*, Part*>(tbb::filter_mode::parallel, parse) &
          tbb::make_filter<Part*, void>(tbb::filter_mode::serial_in_order, append));
  return FinishColumns(std::move(columns));
}

// The dataset of the kept columns: the target becomes the labels, the weight column the weights.
Dataset AssembleDataset(const std::vector<std::string>& names, std::span<const int64_t> slots,
                        std::vector<Column> kept_columns, const CsvOptions& options) {
  std::vector<Column> columns;
  std::optional<Labels> labels;
  for (size_t idx = 0; idx < names.size(); ++idx) {
    if (slots[idx] < 0) continue;
    Column& column = kept_columns[static_cast<size_t>(slots[idx])];
    if (names[idx] == options.target) {
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

struct CsvHeader {
  std::vector<std::string> names;  // every column of the file
  std::vector<int64_t> slots;      // per column: its index among the kept columns, or -1
};

// The columns a header row on line `line` names (the BOM, if any, already skipped), checked
// against the options.
CsvHeader ReadHeaderRow(std::string_view header, const CsvOptions& options, int64_t line) {
  CsvTokenizer tokenizer(header, options, line);
  CsvHeader columns{ReadHeader(tokenizer, options), {}};
  columns.slots = KeptSlots(columns.names, options);
  return columns;
}

}  // namespace

Dataset ReadCsv(const std::string& path, const CsvOptions& options) {
  return detail::ReadCsv(path, options, kDefaultSizes);
}

Dataset detail::ReadCsv(const std::string& path, const CsvOptions& options,
                        const CsvReadSizes& sizes) {
  CheckOptions(options);
  const auto naming_the_path = [&](const auto& read) {
    try {
      return read();
    } catch (const Error& error) {
      throw Error(error.code(), path + ": " + error.what());
    }
  };
  if (!options.has_header) {
    const std::string text = ReadWholeFile(path);
    return naming_the_path([&] { return ParseCsv(text, options); });
  }
  // The file is read a part at a time (and again, when a column turns out categorical), so that
  // reading takes the columns and one part of the text.
  auto first_reader = std::make_shared<CsvChunkReader>(path, options, sizes.read_bytes);
  return naming_the_path([&] {
    const CsvHeader header =
        ReadHeaderRow(first_reader->header(), options, first_reader->header_line());
    const int64_t file_bytes = first_reader->file_bytes();
    const OpenRecords open = [&] {
      auto reader = first_reader
                        ? std::move(first_reader)
                        : std::make_shared<CsvChunkReader>(path, options, sizes.read_bytes);
      auto chunk = std::make_shared<CsvChunk>();
      return NextRecords([reader, chunk, part_bytes = sizes.part_bytes] {
        *chunk = reader->Next(part_bytes, 0);
        return Records{chunk->text, chunk->first_line};
      });
    };
    if (options.max_rows == 0 && file_bytes > sizes.parallel_above_bytes) {
      const std::shared_ptr<CsvChunkReader> parts = std::move(first_reader);
      return AssembleDataset(
          header.names, header.slots,
          ReadPartsInParallel(*parts, open, header.names, header.slots, options, sizes), options);
    }
    return AssembleDataset(header.names, header.slots,
                           ReadColumns(open, static_cast<size_t>(file_bytes), header.names,
                                       header.slots, options, options.max_rows, sizes.block_fields),
                           options);
  });
}

Dataset ParseCsv(std::string_view text, const CsvOptions& options) {
  CheckOptions(options);
  if (text.starts_with(kUtf8Bom)) text.remove_prefix(kUtf8Bom.size());
  CsvTokenizer header_reader(text, options);
  const std::vector<std::string> names = ReadHeader(header_reader, options);
  const std::vector<int64_t> slots = KeptSlots(names, options);
  std::string_view data = text;
  int64_t first_line = 1;
  if (options.has_header) {
    data.remove_prefix(header_reader.position());
    first_line = header_reader.line();
  }
  return AssembleDataset(names, slots,
                         ReadColumns(TextRecords(data, first_line), data.size(), names, slots,
                                     options, options.max_rows),
                         options);
}

CsvRecordParser::CsvRecordParser(std::string_view header, CsvOptions options, int64_t header_line)
    : options_(std::move(options)) {
  CheckOptions(options_);
  if (!options_.has_header) ThrowInvalidArgument("reading CSV records needs a header row");
  CsvHeader columns = ReadHeaderRow(header, options_, header_line);
  names_ = std::move(columns.names);
  slots_ = std::move(columns.slots);
}

Dataset CsvRecordParser::Parse(std::string_view records, int64_t first_line) const {
  return AssembleDataset(
      names_, slots_,
      ReadColumns(TextRecords(records, first_line), records.size(), names_, slots_, options_, 0),
      options_);
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
