// CsvChunkReader cuts a CSV file into parts of whole records; CsvRecordParser parses them.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/expect_error.hpp"
#include "common/temp_dir.hpp"
#include "kolosal/data/csv_chunk_reader.hpp"
#include "kolosal/data/csv_reader.hpp"

namespace kolosal::data {
namespace {

using kolosal::testing::ExpectError;
using kolosal::testing::TempDir;
using kolosal::testing::WriteFile;

TEST(CsvChunkReader, CutsOnlyAtRecordEndsAndCountsLines) {
  TempDir dir;
  const std::string path = dir.File("tricky.csv");
  // A quoted line end, a doubled quote, a quote inside an unquoted field, CRLF, a blank line and
  // no line end at the end.
  WriteFile(path,
            "\xEF\xBB\xBFname,\"note\"\r\n"
            "a,\"two\nlines\"\r\n"
            "b,\"say \"\"hi\"\"\"\r\n"
            "c,5'10\" tall\r\n"
            "\r\n"
            "d,\"x,y\"");
  CsvOptions options;
  CsvChunkReader reader(path, options);
  EXPECT_EQ(reader.header(), "name,\"note\"");  // without the BOM
  std::vector<CsvChunk> chunks;
  for (CsvChunk chunk = reader.Next(1, 0); !chunk.text.empty(); chunk = reader.Next(1, 0)) {
    chunks.push_back(chunk);
  }
  ASSERT_EQ(chunks.size(), 5u);
  EXPECT_EQ(chunks[0].text, "a,\"two\nlines\"\r\n");
  EXPECT_EQ(chunks[0].first_line, 2);
  EXPECT_EQ(chunks[1].first_line, 4);
  EXPECT_EQ(chunks[2].text, "c,5'10\" tall\r\n");
  EXPECT_EQ(chunks[3].text, "\r\n");
  EXPECT_EQ(chunks[4].text, "d,\"x,y\"");
  EXPECT_EQ(chunks[4].first_line, 7);
  EXPECT_EQ(reader.bytes_read(), reader.file_bytes());

  // Parsed chunk by chunk under the header, the records are the whole file's.
  const Dataset whole = ReadCsv(path, options);
  ASSERT_EQ(whole.n_rows(), 4);
  std::vector<std::string> notes;
  for (const CsvChunk& chunk : chunks) {
    const Dataset part =
        CsvRecordParser(reader.header(), options).Parse(chunk.text, chunk.first_line);
    for (int64_t row = 0; row < part.n_rows(); ++row) {
      const Column& note = part.column(1);
      notes.push_back(note.categories[static_cast<size_t>(note.codes[static_cast<size_t>(row)])]);
    }
  }
  EXPECT_EQ(notes, (std::vector<std::string>{"two\nlines", "say \"hi\"", "5'10\" tall", "x,y"}));
}

TEST(CsvChunkReader, ChunksHoldTheRowsOrBytesAskedFor) {
  TempDir dir;
  const std::string path = dir.File("rows.csv");
  std::string text = "x\n";
  for (int row = 0; row < 1000; ++row) text += std::to_string(row) + "\n";
  WriteFile(path, text);
  CsvChunkReader by_rows(path, {});
  int64_t rows = 0;
  for (CsvChunk chunk = by_rows.Next(1 << 30, 64); !chunk.text.empty();
       chunk = by_rows.Next(1 << 30, 64)) {
    EXPECT_EQ(chunk.first_line, rows + 2);
    rows += chunk.records;
    EXPECT_TRUE(chunk.records == 64 || rows == 1000) << chunk.records;
  }
  EXPECT_EQ(rows, 1000);
  CsvChunkReader by_bytes(path, {});
  const CsvChunk chunk = by_bytes.Next(100, 0);
  EXPECT_GE(chunk.text.size(), 100u);
  EXPECT_LT(chunk.text.size(), 105u);
  EXPECT_EQ(chunk.text.back(), '\n');
}

// Over more than one 1 MiB read of the file, one-record parts still cut at every record end and
// nowhere else, and are handed out without copying the rest of the buffer each time.
TEST(CsvChunkReader, OneRecordPartsAcrossReadsOfTheFile) {
  TempDir dir;
  const std::string path = dir.File("long.csv");
  constexpr int kRecords = 150000;  // about 2.6 MB
  std::string text = "id,note\n";
  int64_t lines = 1;
  std::vector<int64_t> first_lines;
  for (int record = 0; record < kRecords; ++record) {
    first_lines.push_back(++lines);
    const bool multi_line = record % 7 == 0;
    text += std::to_string(record) + (multi_line ? ",\"a \"\"b\"\"\nc, d\"\n" : ",plain text\n");
    lines += multi_line;
  }
  WriteFile(path, text);
  CsvChunkReader reader(path, {});
  const CsvRecordParser parser(reader.header(), {});
  int record = 0;
  for (CsvChunk chunk = reader.Next(1, 0); !chunk.text.empty(); chunk = reader.Next(1, 0)) {
    ASSERT_LT(record, kRecords);
    EXPECT_EQ(chunk.records, 1);
    ASSERT_EQ(chunk.first_line, first_lines[static_cast<size_t>(record)]) << "record " << record;
    const Dataset part = parser.Parse(chunk.text, chunk.first_line);
    ASSERT_EQ(part.n_rows(), 1);
    EXPECT_EQ(part.column(0).values[0], static_cast<float>(record));
    EXPECT_EQ(part.column(1).categories[0], record % 7 == 0 ? "a \"b\"\nc, d" : "plain text");
    ++record;
  }
  EXPECT_EQ(record, kRecords);
  EXPECT_EQ(reader.bytes_read(), reader.file_bytes());
}

// A CR alone ends a record, as the parser reads it, also before a quote; inside quotes it is the
// field's, and CRLF is one line end however the reads fall.
TEST(CsvChunkReader, ACrAloneEndsARecord) {
  TempDir dir;
  WriteFile(dir.File("cr.csv"), "a,b\r1,x\"\r\"2\n\",3\r\"c\rd\",4\r\n5,6\r");
  for (const size_t read_bytes : {size_t{1}, size_t{2}, size_t{1} << 20}) {
    CsvChunkReader reader(dir.File("cr.csv"), {}, read_bytes);
    EXPECT_EQ(reader.header(), "a,b");
    std::vector<std::string> texts;
    std::vector<int64_t> lines;
    for (CsvChunk chunk = reader.Next(1, 0); !chunk.text.empty(); chunk = reader.Next(1, 0)) {
      texts.push_back(chunk.text);
      lines.push_back(chunk.first_line);
    }
    EXPECT_EQ(texts,
              (std::vector<std::string>{"1,x\"\r", "\"2\n\",3\r", "\"c\rd\",4\r\n", "5,6\r"}));
    EXPECT_EQ(lines, (std::vector<int64_t>{2, 3, 5, 6}));
  }
}

TEST(CsvChunkReader, SkipsABomAndBlankLinesBeforeTheHeader) {
  TempDir dir;
  WriteFile(dir.File("bom.csv"), "\xEF\xBB\xBF\r\n\na,b\n1,2\n");
  CsvChunkReader reader(dir.File("bom.csv"), {});
  EXPECT_EQ(reader.header(), "a,b");
  EXPECT_EQ(reader.header_line(), 3);
  const CsvChunk chunk = reader.Next(100, 0);
  EXPECT_EQ(chunk.text, "1,2\n");
  EXPECT_EQ(chunk.first_line, 4);
  EXPECT_EQ(ReadCsv(dir.File("bom.csv"), {}).feature_names(), (std::vector<std::string>{"a", "b"}));
  // Errors in the header name its line.
  WriteFile(dir.File("latin1.csv"), "\n\nK\xF6ln,b\n1,2\n");
  ExpectError([&] { ReadCsv(dir.File("latin1.csv"), {}); }, StatusCode::kInvalidArgument,
              "line 3, byte 2: 0xF6 is not UTF-8");
}

TEST(CsvChunkReader, RejectsMissingAndEmptyFiles) {
  TempDir dir;
  ExpectError([&] { CsvChunkReader(dir.File("absent.csv"), {}); }, StatusCode::kIo, "absent.csv");
  WriteFile(dir.File("empty.csv"), "\n\n");
  ExpectError([&] { CsvChunkReader(dir.File("empty.csv"), {}); }, StatusCode::kInvalidArgument,
              "no header row");
}

TEST(CsvRecordParser, CountsLinesFromWhereTheRecordsStart) {
  ExpectError([] { CsvRecordParser("x,x", {}); }, StatusCode::kInvalidArgument,
              "names column 'x' twice");
  CsvOptions options;
  options.column_types["x"] = ColumnType::kNumeric;
  ExpectError([&] { CsvRecordParser("x,y", options).Parse("1,2\n3,4\nfive,6\n", 41); },
              StatusCode::kInvalidArgument, "line 43", "'five' is not a number");
  ExpectError([&] { CsvRecordParser("x,y", options).Parse("1,2\n3\n", 10); },
              StatusCode::kInvalidArgument, "line 11", "expected 2 fields, found 1");
}

}  // namespace
}  // namespace kolosal::data
