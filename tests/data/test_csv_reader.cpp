#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>

#include "common/expect_error.hpp"
#include "kolosal/core/error.hpp"
#include "kolosal/data/csv_reader.hpp"

namespace kolosal::data {
namespace {

using ::kolosal::testing::ExpectError;

Dataset Parse(std::string_view text, const CsvOptions& options = {}) {
  return ParseCsv(text, options);
}

CsvOptions WithTarget(std::string target) {
  CsvOptions options;
  options.target = std::move(target);
  return options;
}

TEST(CsvReader, DetectsNumericAndCategoricalColumns) {
  const Dataset data = Parse("a,b,c\n1,x,2.5\n-3,y,1e3\n4,x,+7\n");
  ASSERT_EQ(data.n_rows(), 3);
  ASSERT_EQ(data.n_features(), 3);
  EXPECT_EQ(data.feature_names(), (std::vector<std::string>{"a", "b", "c"}));
  ASSERT_TRUE(data.column(0).is_numeric());
  EXPECT_EQ(data.column(0).values, (std::vector<float>{1.0f, -3.0f, 4.0f}));
  ASSERT_TRUE(data.column(1).is_categorical());
  EXPECT_EQ(data.column(1).categories, (std::vector<std::string>{"x", "y"}));
  EXPECT_EQ(data.column(1).codes, (std::vector<int32_t>{0, 1, 0}));
  EXPECT_EQ(data.column(2).values, (std::vector<float>{2.5f, 1000.0f, 7.0f}));
  EXPECT_FALSE(data.has_labels());
}

TEST(CsvReader, CategoriesKeepFirstSeenOrder) {
  const Dataset data = Parse("color\nred\nblue\nred\ngreen\nblue\n");
  EXPECT_EQ(data.column(0).categories, (std::vector<std::string>{"red", "blue", "green"}));
  EXPECT_EQ(data.column(0).codes, (std::vector<int32_t>{0, 1, 0, 2, 1}));
}

TEST(CsvReader, QuotedFieldsHoldDelimitersQuotesAndNewlines) {
  const Dataset data = Parse(
      "name,note\n"
      "\"Smith, John\",\"said \"\"hi\"\"\"\n"
      "\"two\nlines\",\"\"\n"
      "plain,\"x\"\n");
  ASSERT_EQ(data.n_rows(), 3);
  const Column& name = data.column(0);
  EXPECT_EQ(name.categories, (std::vector<std::string>{"Smith, John", "two\nlines", "plain"}));
  const Column& note = data.column(1);
  EXPECT_EQ(note.categories, (std::vector<std::string>{"said \"hi\"", "x"}));
  EXPECT_EQ(note.codes, (std::vector<int32_t>{0, kMissingCode, 1}));
}

TEST(CsvReader, QuotedNumbersAreNumbers) {
  const Dataset data = Parse("x,y\n\"1\",\"2.5\"\n\"3\",\"-4\"\n");
  ASSERT_TRUE(data.column(0).is_numeric());
  EXPECT_EQ(data.column(1).values, (std::vector<float>{2.5f, -4.0f}));
}

TEST(CsvReader, HandlesCrlfBomAndMissingFinalNewline) {
  const Dataset data = Parse("\xEF\xBB\xBFid,v\r\n1,a\r\n2,\"b\r\nc\"\r\n3,d");
  ASSERT_EQ(data.n_rows(), 3);
  EXPECT_EQ(data.column(0).name, "id");
  EXPECT_EQ(data.column(0).values, (std::vector<float>{1.0f, 2.0f, 3.0f}));
  EXPECT_EQ(data.column(1).categories, (std::vector<std::string>{"a", "b\r\nc", "d"}));
}

TEST(CsvReader, SkipsBlankLinesAndTrimsUnquotedFields) {
  const Dataset data = Parse("a, b\n\n 1 , x \n\n\n2,\" y \"\n\n");
  ASSERT_EQ(data.n_rows(), 2);
  EXPECT_EQ(data.column(1).name, "b");
  EXPECT_EQ(data.column(0).values, (std::vector<float>{1.0f, 2.0f}));
  EXPECT_EQ(data.column(1).categories, (std::vector<std::string>{"x", " y "}));
}

TEST(CsvReader, EmptyFieldsAndMissingTokensAreMissing) {
  const Dataset data = Parse("a,b,c\n1,,NA\nNaN,x,?\n,null,3\n2, NA ,\"\"\n");
  const Column& a = data.column(0);
  EXPECT_FLOAT_EQ(a.values[0], 1.0f);
  EXPECT_TRUE(std::isnan(a.values[1]));
  EXPECT_TRUE(std::isnan(a.values[2]));
  EXPECT_EQ(a.CountMissing(), 2);
  const Column& b = data.column(1);
  ASSERT_TRUE(b.is_categorical());
  EXPECT_EQ(b.categories, (std::vector<std::string>{"x"}));
  EXPECT_EQ(b.codes, (std::vector<int32_t>{kMissingCode, 0, kMissingCode, kMissingCode}));
  const Column& c = data.column(2);
  ASSERT_TRUE(c.is_numeric());
  EXPECT_EQ(c.CountMissing(), 3);
  EXPECT_FLOAT_EQ(c.values[2], 3.0f);
}

TEST(CsvReader, MissingValuesAreConfigurable) {
  CsvOptions options;
  options.missing_values = {"-999"};
  const Dataset data = Parse("a,b\n-999,NA\n5,NA\n", options);
  EXPECT_TRUE(std::isnan(data.column(0).values[0]));
  EXPECT_FLOAT_EQ(data.column(0).values[1], 5.0f);
  ASSERT_TRUE(data.column(1).is_categorical()) << "NA is text once it is not a missing token";
  EXPECT_EQ(data.column(1).categories, (std::vector<std::string>{"NA"}));
}

TEST(CsvReader, AllMissingColumnIsNumeric) {
  const Dataset data = Parse("a,b\n,1\nNA,2\n");
  ASSERT_TRUE(data.column(0).is_numeric());
  EXPECT_EQ(data.column(0).CountMissing(), 2);
}

TEST(CsvReader, ColumnTypesOverrideDetection) {
  CsvOptions options;
  options.column_types = {{"zip", ColumnType::kCategorical}, {"age", ColumnType::kNumeric}};
  const Dataset data = Parse("zip,age\n01234,30\n98765,\n01234,41.5\n", options);
  ASSERT_TRUE(data.column(0).is_categorical());
  EXPECT_EQ(data.column(0).categories, (std::vector<std::string>{"01234", "98765"}));
  EXPECT_EQ(data.column(0).codes, (std::vector<int32_t>{0, 1, 0}));
  ASSERT_TRUE(data.column(1).is_numeric());
  EXPECT_TRUE(std::isnan(data.column(1).values[1]));
}

TEST(CsvReader, ForcedNumericColumnWithTextNamesColumnAndLine) {
  CsvOptions options;
  options.column_types = {{"age", ColumnType::kNumeric}};
  // The quoted newline in row 1 makes row 3 start on line 5.
  ExpectError([&] { Parse("id,age\n\"a\nb\",30\n2,31\n3,abc\n", options); },
              StatusCode::kInvalidArgument, "column 'age', line 5: 'abc' is not a number");
}

TEST(CsvReader, TargetBecomesLabelsAndLeavesTheFeatures) {
  const Dataset data = Parse("x,label,z\n1,cat,2\n2,dog,3\n3,cat,4\n", WithTarget("label"));
  ASSERT_TRUE(data.has_labels());
  EXPECT_EQ(data.feature_names(), (std::vector<std::string>{"x", "z"}));
  const Labels& labels = data.labels();
  EXPECT_EQ(labels.name, "label");
  EXPECT_EQ(labels.task, Task::kClassification);
  EXPECT_EQ(labels.classes, (std::vector<std::string>{"cat", "dog"}));
  EXPECT_EQ(labels.values, (std::vector<float>{0.0f, 1.0f, 0.0f}));
}

TEST(CsvReader, TaskOptionForcesTheTask) {
  CsvOptions options = WithTarget("y");
  options.task = Task::kRegression;
  const Dataset data = Parse("x,y\n1,0\n2,1\n3,1\n", options);
  EXPECT_EQ(data.labels().task, Task::kRegression);
  EXPECT_EQ(data.labels().values, (std::vector<float>{0.0f, 1.0f, 1.0f}));
}

TEST(CsvReader, UnknownTargetSuggestsTheNearestName) {
  ExpectError([] { Parse("price,carat\n1,2\n", WithTarget("prise")); },
              StatusCode::kInvalidArgument, "target column 'prise'", "did you mean 'price'");
}

TEST(CsvReader, MissingTargetValueIsAnError) {
  ExpectError([] { Parse("x,y\n1,a\n2,\n", WithTarget("y")); }, StatusCode::kInvalidArgument,
              "target column 'y'", "row 2");
}

TEST(CsvReader, DropColumnsRemovesThem) {
  CsvOptions options;
  options.drop_columns = {"id", "junk"};
  const Dataset data = Parse("id,a,junk,b\n1,2,\"x,y\",3\n", options);
  EXPECT_EQ(data.feature_names(), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(data.column(1).values, (std::vector<float>{3.0f}));
}

TEST(CsvReader, UnknownNamesInOptionsAreErrors) {
  CsvOptions drop;
  drop.drop_columns = {"idd"};
  ExpectError([&] { Parse("id,a\n1,2\n", drop); }, StatusCode::kInvalidArgument, "'idd'",
              "did you mean 'id'");
  CsvOptions types;
  types.column_types = {{"b", ColumnType::kNumeric}};
  ExpectError([&] { Parse("id,a\n1,2\n", types); }, StatusCode::kInvalidArgument, "'b'");
  CsvOptions both = WithTarget("a");
  both.drop_columns = {"a"};
  ExpectError([&] { Parse("id,a\n1,2\n", both); }, StatusCode::kInvalidArgument, "drop_columns");
}

TEST(CsvReader, WeightColumnBecomesWeightsAndLeavesTheFeatures) {
  CsvOptions options = WithTarget("y");
  options.weight_column = "w";
  options.task = Task::kRegression;
  const Dataset data = Parse("a,w,y\n1,0.5,3\n2,2,4\n3,0,5\n", options);
  EXPECT_EQ(data.feature_names(), (std::vector<std::string>{"a"}));
  EXPECT_EQ(data.labels().weights, (std::vector<float>{0.5f, 2.0f, 0.0f}));
  EXPECT_EQ(data.labels().weight_name, "w");
  const Dataset taken = data.Take({2, 0});
  EXPECT_EQ(taken.labels().weights, (std::vector<float>{0.0f, 0.5f}));
  EXPECT_EQ(taken.labels().values, (std::vector<float>{5.0f, 3.0f}));
  EXPECT_TRUE(Parse("a,y\n1,3\n", WithTarget("y")).labels().weights.empty());
}

TEST(CsvReader, BadWeightColumnsAreErrors) {
  const auto weighted = [](std::string target, std::string weight) {
    CsvOptions options = WithTarget(std::move(target));
    options.weight_column = std::move(weight);
    return options;
  };
  const std::string_view text = "a,w,y\n1,1,3\n2,2,4\n";
  ExpectError([&] { Parse(text, weighted("", "w")); }, StatusCode::kInvalidArgument,
              "weight_column 'w' needs a target column");
  ExpectError([&] { Parse(text, weighted("y", "ww")); }, StatusCode::kInvalidArgument,
              "unknown weight column 'ww'", "did you mean 'w'");
  ExpectError([&] { Parse(text, weighted("y", "y")); }, StatusCode::kInvalidArgument,
              "cannot be its own weight");
  CsvOptions dropped = weighted("y", "w");
  dropped.drop_columns = {"w"};
  ExpectError([&] { Parse(text, dropped); }, StatusCode::kInvalidArgument, "drop_columns");
  ExpectError([&] { Parse("a,w,y\n1,x,3\n", weighted("y", "w")); }, StatusCode::kInvalidArgument,
              "weight column 'w' is not numeric");
  ExpectError([&] { Parse("a,w,y\n1,1,3\n2,-1,4\n", weighted("y", "w")); },
              StatusCode::kInvalidArgument, "weight column 'w', data row 2",
              "finite and >= 0, got -1");
  ExpectError([&] { Parse("a,w,y\n1,NA,3\n", weighted("y", "w")); }, StatusCode::kInvalidArgument,
              "data row 1: a weight is missing");
  ExpectError([&] { Parse("a,w,y\n1,inf,3\n", weighted("y", "w")); }, StatusCode::kInvalidArgument,
              "column 'w', line 2: 'inf' is not a finite float32 number");
  ExpectError([&] { Parse("a,w,y\n1,0,3\n2,0,4\n", weighted("y", "w")); },
              StatusCode::kInvalidArgument, "has no positive weight");
}

TEST(CsvReader, MaxRowsStopsEarly) {
  CsvOptions options;
  options.max_rows = 2;
  // The malformed fourth row is never reached.
  const Dataset data = Parse("a\n1\n2\n3\n\"oops\n", options);
  EXPECT_EQ(data.n_rows(), 2);
  EXPECT_EQ(data.column(0).values, (std::vector<float>{1.0f, 2.0f}));
}

TEST(CsvReader, WithoutHeaderColumnsAreNamedByPosition) {
  CsvOptions options;
  options.has_header = false;
  options.target = "f1";
  const Dataset data = Parse("1,a\n2,b\n", options);
  EXPECT_EQ(data.n_rows(), 2);
  EXPECT_EQ(data.feature_names(), (std::vector<std::string>{"f0"}));
  EXPECT_EQ(data.labels().classes, (std::vector<std::string>{"a", "b"}));
}

TEST(CsvReader, OtherDelimiter) {
  CsvOptions options;
  options.delimiter = ';';
  const Dataset data = Parse("a;b\n1,5;x\n", options);
  EXPECT_EQ(data.column(0).categories, (std::vector<std::string>{"1,5"}));
}

TEST(CsvReader, WrongFieldCountNamesTheLine) {
  ExpectError([] { Parse("a,b\n1,2\n3\n"); }, StatusCode::kInvalidArgument, "line 3",
              "expected 2 fields, found 1");
  ExpectError([] { Parse("a,b\n1,2,3\n"); }, StatusCode::kInvalidArgument, "line 2", "found 3");
}

TEST(CsvReader, UnterminatedQuoteNamesTheLine) {
  ExpectError([] { Parse("a,b\n1,2\n3,\"open\n4,5\n"); }, StatusCode::kInvalidArgument, "line 3",
              "unterminated");
}

TEST(CsvReader, TextAfterClosingQuoteIsAnError) {
  ExpectError([] { Parse("a,b\n\"x\"y,2\n"); }, StatusCode::kInvalidArgument, "line 2",
              "after a closing quote");
}

// Spaces before an opening quote are skipped, as after a closing one: `1, "a,b"` is two fields.
// With tabs as the delimiter, a tab still ends the field.
TEST(CsvReader, SpacesBeforeAnOpeningQuoteAreSkipped) {
  const Dataset data = Parse("a,b,c\n1,  \"x,z\" ,0\n2,\t\"y\",1\n");
  ASSERT_EQ(data.n_features(), 3);
  EXPECT_EQ(data.column(1).categories, (std::vector<std::string>{"x,z", "y"}));
  CsvOptions tabs;
  tabs.delimiter = '\t';
  const Dataset tabbed = Parse("a\tb\tc\n1\t\t\"q\"\n", tabs);
  ASSERT_EQ(tabbed.n_features(), 3);
  EXPECT_EQ(tabbed.column(1).CountMissing(), 1);
  EXPECT_EQ(tabbed.column(2).categories, std::vector<std::string>{"q"});
}

// A number float32 cannot hold (inf, 1e39) is an error naming the column and line, unless it is a
// missing token or the column is categorical; among text it is just another category.
TEST(CsvReader, NumbersBeyondFloat32AreErrors) {
  for (const char* number : {"inf", "-Infinity", "1e39", "-4e38"}) {
    ExpectError([&] { Parse(std::string("a,b\n1,2\n") + number + ",3\n"); },
                StatusCode::kInvalidArgument, "column 'a', line 3", number,
                "not a finite float32 number");
  }
  CsvOptions missing;
  missing.missing_values = {"", "inf"};
  EXPECT_TRUE(std::isnan(Parse("a\n1\ninf\n", missing).column(0).values[1]));
  EXPECT_TRUE(Parse("a\ninf\nlow\n").column(0).is_categorical());
  EXPECT_EQ(Parse("a\n3e38\n-1e-50\n").column(0).values, (std::vector<float>{3e38f, -0.0f}));
}

// Rows are read in blocks (2^18 fields, so 2^17 rows of two columns) that go into the columns
// one at a time. These tests cross block boundaries.
constexpr int kRowsPastTwoBlocks = 300000;

// Rows "idx,<value of column b>", numbered from line 2.
std::string TwoColumnRows(int n_rows, const std::function<std::string(int)>& b_of_row) {
  std::string text = "a,b\n";
  for (int row = 0; row < n_rows; ++row) text += std::to_string(row) + "," + b_of_row(row) + "\n";
  return text;
}

// A column of numbers that meets text in its third block is categorical from its first row,
// with the numbers' own text ("1.50" stays "1.50") in first-seen order.
TEST(CsvReader, ColumnTurningCategoricalInALaterBlockKeepsEveryRow) {
  const int last = kRowsPastTwoBlocks - 1;
  const Dataset data = Parse(TwoColumnRows(kRowsPastTwoBlocks, [&](int row) -> std::string {
    if (row == last) return "high";
    if (row == 1) return " \"7\" ";  // quoted and padded
    return row % 3 == 0 ? "1.50" : (row % 3 == 1 ? "2" : "NA");
  }));
  ASSERT_EQ(data.n_rows(), kRowsPastTwoBlocks);
  ASSERT_TRUE(data.column(0).is_numeric());
  EXPECT_EQ(data.column(0).values[static_cast<size_t>(last)], static_cast<float>(last));
  const Column& b = data.column(1);
  ASSERT_TRUE(b.is_categorical());
  EXPECT_EQ(b.categories, (std::vector<std::string>{"1.50", "7", "2", "high"}));
  ASSERT_EQ(b.size(), kRowsPastTwoBlocks);
  EXPECT_EQ(b.codes[0], 0);
  EXPECT_EQ(b.codes[1], 1);
  EXPECT_EQ(b.codes[2], kMissingCode);
  EXPECT_EQ(b.codes[200000], kMissingCode);  // 200000 % 3 == 2
  EXPECT_EQ(b.codes[200001], 0);
  EXPECT_EQ(b.codes[200002], 2);
  EXPECT_EQ(b.codes[static_cast<size_t>(last)], 3);
}

TEST(CsvReader, ErrorsInALaterBlockNameTheirLine) {
  const auto b_with = [](int bad_row, std::string bad) {
    return TwoColumnRows(kRowsPastTwoBlocks, [=](int row) { return row == bad_row ? bad : "1"; });
  };
  CsvOptions numeric;
  numeric.column_types = {{"b", ColumnType::kNumeric}};
  ExpectError([&] { Parse(b_with(250000, "abc"), numeric); }, StatusCode::kInvalidArgument,
              "column 'b', line 250002: 'abc' is not a number");
  // The first number float32 cannot hold is named once the column is known to stay numeric...
  ExpectError([&] { Parse(b_with(10, "1e39") + "7,-1e39\n"); }, StatusCode::kInvalidArgument,
              "column 'b', line 12: '1e39' is not a finite float32 number");
  // ...and is just another category when text follows in a later block.
  std::string text = b_with(10, "1e39") + "7,word\n";
  const Column b = Parse(text).column(1);
  ASSERT_TRUE(b.is_categorical());
  EXPECT_EQ(b.categories, (std::vector<std::string>{"1", "1e39", "word"}));
  ExpectError([&] { Parse(b_with(200000, "1,2")); }, StatusCode::kInvalidArgument,
              "line 200002: expected 2 fields, found 3");
}

TEST(CsvReader, MaxRowsStopsInsideALaterBlock) {
  CsvOptions options;
  options.max_rows = 200001;
  const std::string text =
      TwoColumnRows(kRowsPastTwoBlocks, [](int row) { return row <= 200000 ? "5" : "text"; });
  const Dataset data = Parse(text, options);
  ASSERT_EQ(data.n_rows(), 200001);
  ASSERT_TRUE(data.column(1).is_numeric());
  EXPECT_EQ(data.column(1).values.back(), 5.0f);
}

// Files are read in parts of 8 MiB cut at record ends (quoted line ends are not record ends);
// files of more than two parts are parsed a part per task, in parallel. A column that turns out
// categorical in a later part is read again from the first row: "b" on the last row, "d" on one
// row in the middle, with parts of numbers before and after it.
TEST(CsvReader, ReadCsvReadsLargeFilesInPartsWithTheSameResult) {
  const std::filesystem::path path =
      std::filesystem::temp_directory_path() / "kolosal_test_csv_reader_parts.csv";
  constexpr int kRows = 1200000;  // about 23 MB: three parts
  constexpr int kMiddle = 600000;
  std::string text = "a,b,c,d\n";
  for (int row = 0; row < kRows; ++row) {
    text += std::to_string(row) + (row % 2 == 0 ? ",0.25," : ",NA,");
    text += row % 997 == 0 ? "\"say \"\"hi\"\"\nthen go\"," : "plain,";
    text += row == kMiddle ? "middle\n" : std::to_string(row % 10) + "\n";
  }
  text += "7,last,plain,3\n";
  { std::ofstream(path, std::ios::binary) << "\xEF\xBB\xBF" << text; }
  ASSERT_GT(std::filesystem::file_size(path), 16u << 20);  // read in parallel
  const Dataset from_file = ReadCsv(path.string(), {});
  const Dataset from_text = Parse(text);
  ASSERT_EQ(from_file.n_rows(), kRows + 1);
  for (int64_t column = 0; column < 4; ++column) {
    EXPECT_EQ(from_file.column(column).values, from_text.column(column).values);
    EXPECT_EQ(from_file.column(column).codes, from_text.column(column).codes);
    EXPECT_EQ(from_file.column(column).categories, from_text.column(column).categories);
  }
  const Column& b = from_file.column(1);
  ASSERT_TRUE(b.is_categorical());
  EXPECT_EQ(b.categories, (std::vector<std::string>{"0.25", "last"}));
  EXPECT_EQ(b.codes[1], kMissingCode);
  EXPECT_EQ(b.codes[static_cast<size_t>(kRows)], 1);
  EXPECT_EQ(from_file.column(2).categories,
            (std::vector<std::string>{"say \"hi\"\nthen go", "plain"}));
  const Column& d = from_file.column(3);
  ASSERT_TRUE(d.is_categorical());
  EXPECT_EQ(d.categories,
            (std::vector<std::string>{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "middle"}));
  EXPECT_EQ(d.codes[kMiddle], 10);
  EXPECT_EQ(d.codes[kRows - 1], 9);
  CsvOptions first_rows;
  first_rows.max_rows = 5;
  EXPECT_EQ(ReadCsv(path.string(), first_rows).n_rows(), 5);

  // Errors come in file order: a number column's text in the second part before a short row in
  // the fourth. Each quoted line end moves the later lines down by one.
  const auto line_of = [](int row) { return row + 2 + (row + 996) / 997; };
  std::string bad = text;
  bad.replace(bad.find("\n" + std::to_string(kRows - 10) + ","), 1, "\n1,2\n");
  bad.replace(bad.find("\n500000,") + 1, 6, "oops00");
  std::ofstream(path, std::ios::binary) << bad;
  CsvOptions numeric_a;
  numeric_a.column_types = {{"a", ColumnType::kNumeric}};
  ExpectError([&] { ReadCsv(path.string(), numeric_a); }, StatusCode::kInvalidArgument,
              path.string() + ": column 'a', line " + std::to_string(line_of(500000)) +
                  ": 'oops00' is not a number");
  ExpectError([&] { ReadCsv(path.string(), {}); }, StatusCode::kInvalidArgument,
              path.string() + ": line " + std::to_string(line_of(kRows - 10)) +
                  ": expected 4 fields, found 2");
  std::filesystem::remove(path);
}

// A one-column header holding another delimiter: the message suggests that delimiter.
TEST(CsvReader, UnknownTargetInAOneColumnHeaderSuggestsTheDelimiter) {
  ExpectError([] { Parse("a;b;y\n1;2;3\n", WithTarget("y")); }, StatusCode::kInvalidArgument,
              "target column 'y'", "is the delimiter ';'?");
  ExpectError([] { Parse("a\tb\ty\n1\t2\t3\n", WithTarget("y")); }, StatusCode::kInvalidArgument,
              "is the delimiter '\\t'?");
}

TEST(CsvReader, EmptyTextIsAnError) {
  ExpectError([] { Parse(""); }, StatusCode::kInvalidArgument, "empty");
  ExpectError([] { Parse("\n\r\n\n"); }, StatusCode::kInvalidArgument, "empty");
  ExpectError([] { Parse("\xEF\xBB\xBF"); }, StatusCode::kInvalidArgument, "empty");
}

TEST(CsvReader, HeaderOnlyGivesNoRows) {
  const Dataset data = Parse("a,b\n");
  EXPECT_EQ(data.n_rows(), 0);
  EXPECT_EQ(data.n_features(), 2);
}

TEST(CsvReader, EmptyHeaderNamesArePositional) {
  const Dataset data = Parse(",a,\"\"\n1,2,3\n");
  EXPECT_EQ(data.feature_names(), (std::vector<std::string>{"f0", "a", "f2"}));
}

TEST(CsvReader, DuplicateColumnNameIsAnError) {
  ExpectError([] { Parse("a,b,a\n1,2,3\n"); }, StatusCode::kInvalidArgument, "'a'", "twice");
}

TEST(CsvReader, BadOptionsAreErrors) {
  CsvOptions same;
  same.delimiter = '"';
  ExpectError([&] { Parse("a\n1\n", same); }, StatusCode::kInvalidArgument, "delimiter");
  CsvOptions negative;
  negative.max_rows = -1;
  ExpectError([&] { Parse("a\n1\n", negative); }, StatusCode::kInvalidArgument, "max_rows");
}

TEST(CsvReader, ReadCsvMissingFileIsAnIoErrorNamingThePath) {
  ExpectError([] { ReadCsv("/nonexistent/dir/data.csv", {}); }, StatusCode::kIo,
              "/nonexistent/dir/data.csv");
  const std::string dir = std::filesystem::temp_directory_path().string();
  ExpectError([&] { ReadCsv(dir, {}); }, StatusCode::kIo, dir);
}

TEST(CsvReader, ReadCsvReadsAFileAndPrefixesErrorsWithThePath) {
  const std::filesystem::path path =
      std::filesystem::temp_directory_path() / "kolosal_test_csv_reader.csv";
  {
    std::ofstream out(path, std::ios::binary);
    out << "a,b\n1,x\n2,y\n";
  }
  const Dataset data = ReadCsv(path.string(), WithTarget("b"));
  EXPECT_EQ(data.n_rows(), 2);
  EXPECT_EQ(data.labels().classes, (std::vector<std::string>{"x", "y"}));
  {
    std::ofstream out(path, std::ios::binary);
    out << "a,b\n1\n";
  }
  ExpectError([&] { ReadCsv(path.string(), {}); }, StatusCode::kInvalidArgument,
              path.string() + ": line 2");
  std::filesystem::remove(path);
}

TEST(CsvOptionsJson, ParsesEveryKey) {
  const CsvOptions options = ParseCsvOptions(R"({
    "delimiter": "\t", "quote": "'", "has_header": false, "missing_values": ["-", "n/a"],
    "column_types": {"x": "categorical", "y": "numeric"}, "target": "y",
    "task": "regression", "drop_columns": ["id"], "max_rows": 100, "weight_column": "w"})");
  EXPECT_EQ(options.delimiter, '\t');
  EXPECT_EQ(options.quote, '\'');
  EXPECT_FALSE(options.has_header);
  EXPECT_EQ(options.missing_values, (std::vector<std::string>{"-", "n/a"}));
  ASSERT_EQ(options.column_types.size(), 2u);
  EXPECT_EQ(options.column_types.at("x"), ColumnType::kCategorical);
  EXPECT_EQ(options.column_types.at("y"), ColumnType::kNumeric);
  EXPECT_EQ(options.target, "y");
  EXPECT_EQ(options.task, Task::kRegression);
  EXPECT_EQ(options.drop_columns, (std::vector<std::string>{"id"}));
  EXPECT_EQ(options.max_rows, 100);
  EXPECT_EQ(options.weight_column, "w");
}

TEST(CsvOptionsJson, EmptyTextGivesDefaults) {
  const CsvOptions options = ParseCsvOptions("");
  const CsvOptions defaults;
  EXPECT_EQ(options.delimiter, ',');
  EXPECT_TRUE(options.has_header);
  EXPECT_EQ(options.missing_values, defaults.missing_values);
  EXPECT_FALSE(options.task.has_value());
  EXPECT_FALSE(ParseCsvOptions(R"({"task": ""})").task.has_value());
  EXPECT_EQ(ParseCsvOptions(R"({"task": "classification"})").task, Task::kClassification);
}

TEST(CsvOptionsJson, InvalidValuesAreErrors) {
  const auto parse = [](std::string json) { return [json] { ParseCsvOptions(json); }; };
  ExpectError(parse(R"({"targt": "y"})"), StatusCode::kInvalidArgument, "'targt'",
              "did you mean 'target'");
  ExpectError(parse(R"({"delimiter": ";;"})"), StatusCode::kInvalidArgument, "delimiter");
  ExpectError(parse(R"({"task": "clasification"})"), StatusCode::kInvalidArgument,
              "did you mean 'classification'");
  ExpectError(parse(R"({"column_types": {"x": "text"}})"), StatusCode::kInvalidArgument,
              "column_types['x']", "'text'");
  ExpectError(parse(R"({"column_types": ["x"]})"), StatusCode::kInvalidArgument, "column_types");
  ExpectError(parse(R"({"missing_values": "NA"})"), StatusCode::kInvalidArgument, "missing_values");
  ExpectError(parse(R"({"drop_columns": [1]})"), StatusCode::kInvalidArgument, "drop_columns");
  ExpectError(parse(R"({"max_rows": -5})"), StatusCode::kInvalidArgument, "max_rows");
  ExpectError(parse(R"({"has_header": "yes"})"), StatusCode::kInvalidArgument, "has_header");
  ExpectError(parse("{not json"), StatusCode::kInvalidArgument, "csv options");
}

// A Latin-1 file (names and categories in another encoding) is refused where it goes wrong:
// names and categories end up in JSON, which must be UTF-8.
TEST(CsvReader, RefusesTextThatIsNotUtf8) {
  ExpectError([] { Parse("name,city\nAnna,K\xF6ln\n"); }, StatusCode::kInvalidArgument,
              "line 2, byte 7: 0xF6 is not UTF-8", "iconv");
  ExpectError([] { Parse("caf\xE9,y\n1,2\n"); }, StatusCode::kInvalidArgument,
              "line 1, byte 4: 0xE9");
  // Lines end at a CR alone too, but not at a CR inside quotes.
  ExpectError([] { Parse("a\r1\rK\xF6ln\n"); }, StatusCode::kInvalidArgument,
              "line 3, byte 2: 0xF6");
  ExpectError([] { Parse("a\n\"x\ry\nK\xF6ln\"\n"); }, StatusCode::kInvalidArgument,
              "line 3, byte 2: 0xF6");
  const Dataset utf8 = Parse("name,city\nAnna,K\xC3\xB6ln\n");
  EXPECT_EQ(utf8.column(1).categories.at(0), "K\xC3\xB6ln");
}

// The first error in row order is reported, whatever its kind, so that a file gives the same
// error however it is cut into blocks and parts (tests/data/test_csv_read_sizes.cpp).
TEST(CsvReader, ReportsTheFirstErrorInRowOrder) {
  CsvOptions numeric;
  numeric.column_types = {{"a", ColumnType::kNumeric}, {"b", ColumnType::kNumeric}};
  // Column b goes wrong on an earlier line than column a.
  ExpectError([&] { Parse("a,b\n1,2\n3,x\ny,4\n", numeric); }, StatusCode::kInvalidArgument,
              "column 'b', line 3: 'x' is not a number");
  // A bad number before a malformed row, and a malformed row before a byte that is not UTF-8.
  ExpectError([&] { Parse("a,b\n1,x\n1,2,3\n", numeric); }, StatusCode::kInvalidArgument,
              "column 'b', line 2");
  ExpectError([] { Parse("a,b\n1,2,3\nK\xF6ln,2\n"); }, StatusCode::kInvalidArgument,
              "line 2: expected 2 fields, found 3");
  ExpectError([] { Parse("a,b\n\"x\ny\"z,2\nK\xF6ln,2\n"); }, StatusCode::kInvalidArgument,
              "line 3: unexpected character 'z'");
  // The character after a closing quote is quoted whole, and only when it is UTF-8.
  ExpectError([] { Parse("a,b\n\"x\"\xC3\xA9,2\n"); }, StatusCode::kInvalidArgument,
              "unexpected character '\xC3\xA9' after a closing quote");
  ExpectError([] { Parse("a,b\n\"x\"\xE9,2\n"); }, StatusCode::kInvalidArgument,
              "line 2, byte 4: 0xE9 is not UTF-8");
}

}  // namespace
}  // namespace kolosal::data
