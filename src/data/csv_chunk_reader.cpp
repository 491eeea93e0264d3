#include "kolosal/data/csv_chunk_reader.hpp"

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <system_error>

#include "kolosal/core/error.hpp"

namespace kolosal::data {
namespace {

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

// Where the reader is inside a record, as far as finding record ends needs.
enum class ScanState { kFieldStart, kUnquoted, kQuoted, kQuoteInQuoted };

// Advances the state by one character; line ends are the caller's.
void Advance(ScanState& state, char c, char delimiter, char quote) {
  switch (state) {
    case ScanState::kQuoted:
      if (c == quote) state = ScanState::kQuoteInQuoted;
      return;
    case ScanState::kQuoteInQuoted:
      if (c == quote) {  // a doubled quote inside the field
        state = ScanState::kQuoted;
        return;
      }
      break;
    case ScanState::kFieldStart:
      if (c == quote) {
        state = ScanState::kQuoted;
        return;
      }
      if (c == ' ' || (c == '\t' && delimiter != '\t')) return;
      break;
    case ScanState::kUnquoted:
      break;
  }
  state = c == delimiter ? ScanState::kFieldStart : ScanState::kUnquoted;
}

}  // namespace

CsvChunkReader::CsvChunkReader(const std::string& path, const CsvOptions& options,
                               size_t read_bytes)
    : path_(path),
      read_bytes_(std::max<size_t>(read_bytes, 1)),
      file_(nullptr, &std::fclose),
      delimiter_(options.delimiter),
      quote_(options.quote),
      sought_{options.quote, '\n', '\r'} {
  std::error_code error;
  if (std::filesystem::is_directory(path, error)) {
    throw Error(StatusCode::kIo, "cannot read '" + path + "': it is a directory");
  }
  file_.reset(std::fopen(path.c_str(), "rb"));
  if (!file_) {
    throw Error(StatusCode::kIo,
                "cannot open '" + path + "': " + std::generic_category().message(errno));
  }
  const uintmax_t size = std::filesystem::file_size(path, error);
  file_bytes_ = error ? 0 : static_cast<int64_t>(size);
  while (buffer_.size() < kUtf8Bom.size() && Refill()) {
    // a BOM may take more than one read
  }
  if (std::string_view(buffer_).starts_with(kUtf8Bom)) {  // not part of the first field
    start_ = kUtf8Bom.size();
    bytes_read_ = static_cast<int64_t>(start_);
  }
  FindMissing(start_);
  CsvChunk first = Next(1, 1);
  while (!first.text.empty() && first.text.find_first_not_of("\r\n") == std::string::npos) {
    first = Next(1, 1);  // blank lines before the header
  }
  if (first.text.empty()) {
    ThrowInvalidArgument(path + ": the CSV text is empty (no header row)");
  }
  header_ = std::move(first.text);
  header_line_ = first.first_line;
  while (!header_.empty() && (header_.back() == '\n' || header_.back() == '\r')) {
    header_.pop_back();
  }
}

bool CsvChunkReader::Refill() {
  if (at_end_) return false;
  const size_t used = buffer_.size();
  buffer_.resize(used + read_bytes_);
  const size_t n_read = std::fread(buffer_.data() + used, 1, read_bytes_, file_.get());
  buffer_.resize(used + n_read);
  if (n_read == 0) {
    if (std::ferror(file_.get())) {
      throw Error(StatusCode::kIo, "error while reading '" + path_ + "'");
    }
    at_end_ = true;
    return false;
  }
  return true;
}

void CsvChunkReader::FindMissing(size_t pos) {
  for (size_t idx = 0; idx < next_.size(); ++idx) {
    if (next_[idx] == std::string::npos) next_[idx] = buffer_.find(sought_[idx], pos);
  }
}

void CsvChunkReader::RefillAndFind(size_t pos) {
  if (Refill()) FindMissing(pos);
}

CsvChunk CsvChunkReader::Next(int64_t max_bytes, int64_t max_rows) {
  if (start_ >= read_bytes_) {  // drop what was handed out, a read or more at a time
    buffer_.erase(0, start_);
    for (size_t& found : next_) {  // those behind the scan are looked for again
      found = found != std::string::npos && found >= start_ ? found - start_ : std::string::npos;
    }
    start_ = 0;
    FindMissing(0);
  }
  CsvChunk chunk;
  chunk.first_line = next_line_;
  ScanState state = ScanState::kFieldStart;
  const size_t begin = start_;
  size_t pos = begin;
  size_t cut = begin;
  int64_t lone_crs = 0;  // records ended by a CR alone: a line each, as the parser counts them
  while (true) {
    if (pos == buffer_.size()) {
      RefillAndFind(pos);
      if (pos == buffer_.size()) break;
    }
    for (size_t idx = 0; idx < next_.size(); ++idx) {
      if (next_[idx] < pos) next_[idx] = buffer_.find(sought_[idx], pos);
    }
    const size_t next_quote = next_[kQuote];
    const size_t next_lf = next_[kLf];
    const size_t next_cr = next_[kCr];
    bool ends_record = false;
    if (state == ScanState::kQuoted) {  // up to the next quote everything is the field's
      pos = std::min(next_quote, buffer_.size());
      if (pos == buffer_.size()) continue;
      Advance(state, buffer_[pos++], delimiter_, quote_);
    } else if (state == ScanState::kFieldStart && next_lf != std::string::npos &&
               next_lf < next_quote && (next_cr == std::string::npos || next_cr + 1 >= next_lf)) {
      pos = next_lf + 1;  // a line without quotes or a CR before its end: one record
      ends_record = true;
    } else {
      const char c = buffer_[pos++];
      if (c == '\r') {  // a line end, unless a LF follows (CRLF ends at the LF)
        if (pos == buffer_.size()) RefillAndFind(pos);
        ends_record = pos == buffer_.size() || buffer_[pos] != '\n';
        lone_crs += ends_record ? 1 : 0;
      } else if (c == '\n') {
        ends_record = true;
      } else {
        Advance(state, c, delimiter_, quote_);
      }
    }
    if (ends_record) {
      state = ScanState::kFieldStart;
      ++chunk.records;
      cut = pos;
      const bool enough_rows = max_rows > 0 && chunk.records >= max_rows;
      if (enough_rows || static_cast<int64_t>(cut - begin) >= max_bytes) break;
    }
  }
  if (pos == buffer_.size() && at_end_ && cut < pos) {
    ++chunk.records;  // the last record has no line end
    cut = pos;
  }
  chunk.text.assign(buffer_, begin, cut - begin);
  start_ = cut;
  bytes_read_ += static_cast<int64_t>(cut - begin);
  next_line_ += std::count(chunk.text.begin(), chunk.text.end(), '\n') + lone_crs;
  return chunk;
}

}  // namespace kolosal::data
