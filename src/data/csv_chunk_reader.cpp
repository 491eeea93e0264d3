#include "kolosal/data/csv_chunk_reader.hpp"

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <system_error>

#include "kolosal/core/error.hpp"

namespace kolosal::data {
namespace {

constexpr size_t kBlockBytes = size_t{1} << 20;

// Where the reader is inside a record, as far as finding record ends needs.
enum class ScanState { kFieldStart, kUnquoted, kQuoted, kQuoteInQuoted };

// Advances the state by one character; true when the character ends a record.
bool EndsRecord(ScanState& state, char c, char delimiter, char quote) {
  switch (state) {
    case ScanState::kQuoted:
      if (c == quote) state = ScanState::kQuoteInQuoted;
      return false;
    case ScanState::kQuoteInQuoted:
      if (c == quote) {  // a doubled quote inside the field
        state = ScanState::kQuoted;
        return false;
      }
      break;
    case ScanState::kFieldStart:
      if (c == quote) {
        state = ScanState::kQuoted;
        return false;
      }
      if (c == ' ' || (c == '\t' && delimiter != '\t')) return false;
      break;
    case ScanState::kUnquoted:
      break;
  }
  if (c == '\n') {
    state = ScanState::kFieldStart;
    return true;
  }
  state = c == delimiter ? ScanState::kFieldStart : ScanState::kUnquoted;
  return false;
}

}  // namespace

CsvChunkReader::CsvChunkReader(const std::string& path, const CsvOptions& options)
    : path_(path),
      file_(nullptr, &std::fclose),
      delimiter_(options.delimiter),
      quote_(options.quote) {
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
  CsvChunk first = Next(1, 1);
  while (!first.text.empty() && first.text.find_first_not_of("\r\n") == std::string::npos) {
    first = Next(1, 1);  // blank lines before the header
  }
  if (first.text.empty()) {
    ThrowInvalidArgument("'" + path + "' is empty (no header row)");
  }
  header_ = std::move(first.text);
  while (!header_.empty() && (header_.back() == '\n' || header_.back() == '\r')) {
    header_.pop_back();
  }
}

bool CsvChunkReader::Refill() {
  if (at_end_) return false;
  const size_t used = buffer_.size();
  buffer_.resize(used + kBlockBytes);
  const size_t n_read = std::fread(buffer_.data() + used, 1, kBlockBytes, file_.get());
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

CsvChunk CsvChunkReader::Next(int64_t max_bytes, int64_t max_rows) {
  if (start_ >= kBlockBytes) {  // drop what was handed out, a block or more at a time
    buffer_.erase(0, start_);
    for (size_t* found : {&next_quote_, &next_line_end_}) {
      if (*found != std::string::npos) *found -= start_;
    }
    start_ = 0;
  }
  CsvChunk chunk;
  chunk.first_line = next_line_;
  ScanState state = ScanState::kFieldStart;
  const size_t begin = start_;
  size_t pos = begin;
  size_t cut = begin;
  size_t& next_quote = next_quote_;
  size_t& next_line_end = next_line_end_;
  while (true) {
    if (pos == buffer_.size()) {
      if (!Refill()) break;
      if (next_quote == std::string::npos) next_quote = buffer_.find(quote_, pos);
      if (next_line_end == std::string::npos) next_line_end = buffer_.find('\n', pos);
    }
    if (next_quote < pos) next_quote = buffer_.find(quote_, pos);
    if (next_line_end < pos) next_line_end = buffer_.find('\n', pos);
    // At a field start, a line that ends before the next quote is one record: jump over it.
    const bool whole_line = state == ScanState::kFieldStart && next_line_end != std::string::npos &&
                            next_line_end < next_quote;
    if (whole_line) pos = next_line_end + 1;
    if (state == ScanState::kQuoted) {  // up to the next quote everything is the field's
      pos = std::min(next_quote, buffer_.size());
      if (pos == buffer_.size()) continue;
    }
    if (whole_line || EndsRecord(state, buffer_[pos++], delimiter_, quote_)) {
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
  next_line_ += std::count(chunk.text.begin(), chunk.text.end(), '\n');
  return chunk;
}

}  // namespace kolosal::data
