#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "kolosal/data/csv_chunk_reader.hpp"
#include "kolosal/data/csv_reader.hpp"

// Internal to the data area: the sizes ReadCsv cuts its work by. Tests and the fuzzer shrink them
// so that a file of a few lines crosses every boundary a large file does.
namespace kolosal::data::detail {

struct CsvReadSizes {
  /// Bytes read from the file at a time.
  size_t read_bytes = CsvChunkReader::kDefaultReadBytes;
  /// Text per part (cut at a record end): the reader holds about one part of the file at a time.
  int64_t part_bytes = int64_t{8} << 20;
  /// Field views held at once: rows go into the columns in blocks of this many fields.
  size_t block_fields = size_t{1} << 18;
  /// Files larger than this, read without max_rows, are parsed a part per task in parallel.
  int64_t parallel_above_bytes = int64_t{16} << 20;
};

/// ReadCsv with the work cut by `sizes`; ReadCsv(path, options) uses CsvReadSizes{}. The result
/// does not depend on `sizes`.
Dataset ReadCsv(const std::string& path, const CsvOptions& options, const CsvReadSizes& sizes);

}  // namespace kolosal::data::detail
