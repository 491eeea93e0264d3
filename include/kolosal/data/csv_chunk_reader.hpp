#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>

#include "kolosal/data/csv_reader.hpp"

namespace kolosal::data {

/// Whole CSV records cut from a file, with the line of the file they start on.
struct CsvChunk {
  std::string text;
  int64_t first_line = 0;
  int64_t records = 0;  // record ends seen (blank lines count; the parser skips them)
};

/// Reads a CSV file a chunk at a time. A chunk always ends at the end of a record, following the
/// reader's quoting rules (a quote opens a field only at its start, and a line end inside a
/// quoted field is part of the field), so every chunk parses on its own under the header.
/// Records end at LF, CRLF or a CR alone, as the CSV parser reads them.
class CsvChunkReader {
 public:
  static constexpr size_t kDefaultReadBytes = size_t{1} << 20;

  /// Opens `path` and reads its header row, `read_bytes` at a time. Throws Error(kIo) when the
  /// file cannot be read and Error(kInvalidArgument) when it has no header row.
  CsvChunkReader(const std::string& path, const CsvOptions& options,
                 size_t read_bytes = kDefaultReadBytes);

  /// The header row, without a UTF-8 BOM and its line end.
  const std::string& header() const { return header_; }
  /// The line the header row is on (after blank lines, if any).
  int64_t header_line() const { return header_line_; }

  /// The next records: at least one, then more until the chunk holds `max_bytes` of text or
  /// `max_rows` records (0 = no row limit). Empty text at the end of the file.
  CsvChunk Next(int64_t max_bytes, int64_t max_rows);

  int64_t bytes_read() const { return bytes_read_; }
  /// The file's size when it was opened (0 for a pipe).
  int64_t file_bytes() const { return file_bytes_; }

 private:
  /// Appends the next block of the file to the buffer; false at the end of the file.
  bool Refill();
  /// Looks from `pos` for the characters not found in the buffer.
  void FindMissing(size_t pos);
  /// Refills, and looks for the characters not found yet in what was added.
  void RefillAndFind(size_t pos);

  std::string path_;
  size_t read_bytes_;
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file_;
  char delimiter_;
  char quote_;
  std::string header_;
  int64_t header_line_ = 1;
  std::string buffer_;
  size_t start_ = 0;  // the buffer's bytes before this were handed out
  // The first quote, LF and CR in the buffer at or after the scan (npos: none in the buffer).
  enum Sought { kQuote, kLf, kCr };
  std::array<char, 3> sought_;
  std::array<size_t, 3> next_{std::string::npos, std::string::npos, std::string::npos};
  bool at_end_ = false;
  int64_t next_line_ = 1;
  int64_t bytes_read_ = 0;
  int64_t file_bytes_ = 0;
};

}  // namespace kolosal::data
