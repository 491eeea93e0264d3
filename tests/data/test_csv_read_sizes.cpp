// ReadCsv cuts a file into reads, parts and blocks, and parses large files a part per task. With
// those sizes shrunk to a few bytes, random small files cross every boundary a large file does;
// each must read as ParseCsv reads the same text in one piece, value for value and error for
// error, with one thread or two.
#include <gtest/gtest.h>
#include <tbb/task_arena.h>

#include <limits>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "common/dataset_difference.hpp"
#include "common/temp_dir.hpp"
#include "kolosal/core/error.hpp"
#include "kolosal/data/csv_reader.hpp"
#include "kolosal/data/detail/csv_read_sizes.hpp"

namespace kolosal::data {
namespace {

using detail::CsvReadSizes;
using ::kolosal::testing::CaptureRead;
using ::kolosal::testing::ReadDifference;
using ::kolosal::testing::ReadOutcome;

std::string Pick(std::mt19937_64& rng, std::initializer_list<std::string> choices) {
  return *(choices.begin() + static_cast<std::ptrdiff_t>(rng() % choices.size()));
}

// One field of a column whose rows are mostly numbers (`numeric`) or mostly text.
std::string RandomField(std::mt19937_64& rng, bool numeric, char delimiter) {
  const auto roll = rng() % 100;
  if (roll < 12) return Pick(rng, {"", "NA", "?", " null ", "\"\""});
  if (roll < 14) return Pick(rng, {"1e39", "-inf"});  // not a float32: an error if numeric
  if (numeric && roll < 97) {
    return Pick(rng, {"0", "17", "-3", "+4", "1.50", "2e3", " 7 ", "0.1", "\"3\"", "-0"});
  }
  if (roll < 80) return Pick(rng, {"red", "blue", "x y", "1.50", "17", "Grün"});
  return Pick(rng, {"\"a" + std::string(1, delimiter) + "b\"", "\"two\nlines\"",
                    "\"say \"\"hi\"\"\"", "\"cr\r\nlf\"", " \"spaced\""});
}

struct RandomText {
  std::string text;
  CsvOptions options;
};

RandomText MakeRandomCsv(std::mt19937_64& rng) {
  RandomText out;
  CsvOptions& options = out.options;
  if (rng() % 4 == 0) options.delimiter = ';';
  const int n_columns = 1 + static_cast<int>(rng() % 4);
  const int n_rows = static_cast<int>(rng() % 40);
  std::vector<bool> numeric(static_cast<size_t>(n_columns));
  for (auto&& column : numeric) column = rng() % 3 != 0;
  std::string& text = out.text;
  if (rng() % 5 == 0) text += "\xEF\xBB\xBF";
  if (rng() % 8 == 0) text += "\n";  // a blank line before the header
  const auto line_end = [&] { return Pick(rng, {"\n", "\n", "\r\n", "\r"}); };
  for (int column = 0; column < n_columns; ++column) {
    if (column > 0) text += options.delimiter;
    text += rng() % 4 == 0 ? "\"c" + std::to_string(column) + "\"" : "c" + std::to_string(column);
  }
  text += line_end();
  for (int row = 0; row < n_rows; ++row) {
    // Now and then a row with a field too many, which is an error.
    const int n_fields = rng() % 150 == 0 ? n_columns + 1 : n_columns;
    for (int column = 0; column < n_fields; ++column) {
      if (column > 0) text += options.delimiter;
      text += RandomField(rng, numeric[static_cast<size_t>(column % n_columns)], options.delimiter);
    }
    if (row + 1 < n_rows || rng() % 3 != 0) text += line_end();
    if (rng() % 20 == 0) text += line_end();  // a blank line
  }
  const std::string last = "c" + std::to_string(n_columns - 1);
  if (rng() % 4 == 0) options.max_rows = 1 + static_cast<int64_t>(rng() % 10);
  if (rng() % 5 == 0) options.column_types[last] = ColumnType::kCategorical;
  if (rng() % 5 == 0) options.column_types["c0"] = ColumnType::kNumeric;
  if (n_columns > 1 && rng() % 3 == 0) options.target = last;
  return out;
}

// Sizes that put boundaries after nearly every byte, field and record, serially and in parallel.
const CsvReadSizes kTinySizes[] = {
    {.read_bytes = 1,
     .part_bytes = 1,
     .block_fields = 1,
     .parallel_above_bytes = std::numeric_limits<int64_t>::max()},
    {.read_bytes = 1, .part_bytes = 1, .block_fields = 1, .parallel_above_bytes = 0},
    {.read_bytes = 3, .part_bytes = 7, .block_fields = 2, .parallel_above_bytes = 0},
    {.read_bytes = 16,
     .part_bytes = 40,
     .block_fields = 5,
     .parallel_above_bytes = std::numeric_limits<int64_t>::max()},
    {.read_bytes = 64, .part_bytes = 100, .block_fields = 9, .parallel_above_bytes = 0},
};

// The text with its line ends visible, for failure messages.
std::string Visible(const std::string& text) {
  std::string out;
  for (const char c : text) out += c == '\r' ? "\\r" : c == '\n' ? "\\n\n" : std::string(1, c);
  return out;
}

TEST(CsvReadSizes, RandomFilesReadAsTheirTextInEverySizeAndThreadCount) {
  ::kolosal::testing::TempDir dir;
  const std::string path = dir.File("random.csv");
  std::mt19937_64 rng(20261129);
  int n_errors = 0;
  for (int text_idx = 0; text_idx < 400; ++text_idx) {
    const RandomText random = MakeRandomCsv(rng);
    const ReadOutcome expected = CaptureRead([&] { return ParseCsv(random.text, random.options); });
    n_errors += expected.dataset ? 0 : 1;
    ::kolosal::testing::WriteFile(path, random.text);
    for (const int n_threads : {1, 2}) {
      tbb::task_arena arena(n_threads);
      for (size_t size_idx = 0; size_idx < std::size(kTinySizes); ++size_idx) {
        const ReadOutcome got = arena.execute([&] {
          return CaptureRead(
              [&] { return detail::ReadCsv(path, random.options, kTinySizes[size_idx]); });
        });
        EXPECT_EQ(ReadDifference(expected, got, path), "")
            << "text " << text_idx << ", sizes " << size_idx << ", threads " << n_threads << ":\n"
            << Visible(random.text);
        if (::testing::Test::HasFailure()) return;
      }
    }
  }
  // Both kinds of outcome were compared.
  EXPECT_GT(n_errors, 20);
  EXPECT_LT(n_errors, 300);
}

}  // namespace
}  // namespace kolosal::data
