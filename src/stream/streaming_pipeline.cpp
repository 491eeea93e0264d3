#include "kolosal/stream/streaming_pipeline.hpp"

#include <tbb/parallel_pipeline.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <limits>
#include <system_error>
#include <utility>
#include <vector>

#include "kolosal/core/config.hpp"
#include "kolosal/core/error.hpp"
#include "kolosal/data/csv_chunk_reader.hpp"
#include "kolosal/stream/memory_budget.hpp"

namespace kolosal::stream {
namespace {

using Clock = std::chrono::steady_clock;

enum class RunState { kIdle, kRunning, kDone, kCancelled, kFailed };

const char* StateName(RunState state) {
  switch (state) {
    case RunState::kIdle:
      return "idle";
    case RunState::kRunning:
      return "running";
    case RunState::kDone:
      return "done";
    case RunState::kCancelled:
      return "cancelled";
    case RunState::kFailed:
      return "failed";
  }
  return "idle";
}

data::CsvOptions ReadCsvOptions(const nlohmann::json& value) {
  data::CsvOptions csv = data::ParseCsvOptions(value.dump());
  if (!csv.target.empty() || !csv.weight_column.empty() || csv.task.has_value()) {
    ThrowInvalidArgument(
        "stream config: csv options name no target, weight column or task "
        "(a stream predicts)");
  }
  if (!csv.column_types.empty() || !csv.drop_columns.empty()) {
    ThrowInvalidArgument(
        "stream config: csv options name no column_types or drop_columns (the "
        "model's input columns decide which columns are read, and as what)");
  }
  if (!csv.has_header || csv.max_rows != 0) {
    ThrowInvalidArgument(
        "stream config: a stream reads a CSV with a header row, and all of it "
        "(has_header true, max_rows 0)");
  }
  return csv;
}

// One piece of the input on its way through the pipeline.
struct Chunk {
  data::CsvChunk records;
  std::string output;
  int64_t rows = 0;
};

void AppendNumber(std::string& out, float value) {
  char buffer[32];
  const auto result = std::to_chars(buffer, buffer + sizeof(buffer), value);
  out.append(buffer, result.ptr);
}

// Writes the model's CSV output for a chunk: predictions, class probabilities, or SHAP
// contributions.
class OutputFormat {
 public:
  OutputFormat(const models::TrainedPipeline& model, const StreamOptions& options)
      : model_(model),
        probabilities_(options.probabilities),
        contributions_(options.contributions),
        classification_(model.task() == Task::kClassification) {
    for (const std::string& name : model.classes()) {
      quoted_classes_.push_back(data::QuoteCsvField(name));
    }
  }

  std::string Header() const {
    if (contributions_) return ContributionsHeader();
    if (!probabilities_) return "prediction\n";
    std::string header;
    for (size_t idx = 0; idx < quoted_classes_.size(); ++idx) {
      header += (idx ? "," : "") + quoted_classes_[idx];
    }
    return header + "\n";
  }

  void Append(const data::Dataset& rows, std::string& out) const {
    if (contributions_) {
      AppendRows(model_.Contributions(rows), ContributionsWidth(), out);
    } else if (probabilities_) {
      AppendRows(model_.PredictRaw(rows), quoted_classes_.size(), out);
    } else {
      AppendPredictions(model_.PredictRaw(rows), out);
    }
  }

 private:
  // One column per input column and the bias, for each output ("class:column" for classes).
  std::string ContributionsHeader() const {
    const auto& columns = model_.pipeline().input_schema().columns;
    std::string header;
    for (int64_t output = 0; output < model_.n_outputs(); ++output) {
      const std::string prefix =
          classification_ ? model_.classes()[static_cast<size_t>(output)] + ":" : "";
      for (size_t col = 0; col <= columns.size(); ++col) {
        if (!header.empty()) header += ',';
        header += data::QuoteCsvField(prefix + (col < columns.size() ? columns[col].name : "bias"));
      }
    }
    return header + "\n";
  }
  size_t ContributionsWidth() const {
    return static_cast<size_t>(model_.n_outputs() * (model_.n_input_features() + 1));
  }

  static void AppendRows(const std::vector<float>& values, size_t width, std::string& out) {
    for (size_t offset = 0; offset < values.size(); offset += width) {
      for (size_t idx = 0; idx < width; ++idx) {
        if (idx) out += ',';
        AppendNumber(out, values[offset + idx]);
      }
      out += '\n';
    }
  }

  void AppendPredictions(const std::vector<float>& raw, std::string& out) const {
    for (const float prediction : model_.RawToPredictions(raw)) {
      if (classification_) {
        out += quoted_classes_[static_cast<size_t>(prediction)];
      } else {
        AppendNumber(out, prediction);
      }
      out += '\n';
    }
  }

  const models::TrainedPipeline& model_;
  bool probabilities_;
  bool contributions_;
  bool classification_;
  std::vector<std::string> quoted_classes_;
};

// A parser of records that reads exactly the model's input columns with their training types.
data::CsvRecordParser ModelColumnsParser(const models::TrainedPipeline& model,
                                         const data::CsvChunkReader& reader,
                                         const data::CsvOptions& csv) {
  const std::string& header = reader.header();
  const data::CsvRecordParser as_found(header, csv, reader.header_line());
  model.pipeline().input_schema().Align(as_found.Parse("", 2));  // names the first missing column
  data::CsvOptions options = csv;
  options.column_types.clear();
  options.drop_columns.clear();
  const auto& columns = model.pipeline().input_schema().columns;
  for (const std::string& name : as_found.column_names()) {
    const auto column = std::find_if(columns.begin(), columns.end(),
                                     [&](const data::ColumnSchema& c) { return c.name == name; });
    if (column == columns.end()) {
      options.drop_columns.push_back(name);
    } else {
      options.column_types[name] = column->type;
    }
  }
  return data::CsvRecordParser(header, std::move(options), reader.header_line());
}

// Writes to `path` through a file beside it that takes the final name only on success. A path
// that exists and is not a regular file (a device, a pipe) is written directly.
class AtomicOutputFile {
 public:
  explicit AtomicOutputFile(std::string path)
      : path_(std::move(path)), partial_(WritesDirectly(path_) ? path_ : path_ + ".partial") {
    file_ = std::fopen(partial_.c_str(), "wb");
    if (file_ == nullptr) ThrowCannotWrite(errno);
  }
  ~AtomicOutputFile() {
    if (file_ != nullptr) std::fclose(file_);
    if (!committed_ && partial_ != path_) std::remove(partial_.c_str());
  }
  AtomicOutputFile(const AtomicOutputFile&) = delete;
  AtomicOutputFile& operator=(const AtomicOutputFile&) = delete;

  void Write(std::string_view text) {
    if (std::fwrite(text.data(), 1, text.size(), file_) != text.size()) ThrowCannotWrite(errno);
  }

  void Commit() {
    const bool flushed = std::fflush(file_) == 0 && !std::ferror(file_);
    const int error_number = errno;
    const bool closed = std::fclose(file_) == 0;
    file_ = nullptr;
    if (!flushed || !closed) ThrowCannotWrite(error_number);
    committed_ = partial_ == path_;
    if (committed_) return;
    std::error_code error;
    std::filesystem::rename(partial_, path_, error);
    if (error) {
      throw Error(StatusCode::kIo, "cannot write '" + path_ + "': " + error.message());
    }
    committed_ = true;
  }

 private:
  static bool WritesDirectly(const std::string& path) {
    std::error_code error;
    const auto status = std::filesystem::status(path, error);
    return !error && std::filesystem::exists(status) && !std::filesystem::is_regular_file(status);
  }

  [[noreturn]] void ThrowCannotWrite(int error_number) const {
    throw Error(StatusCode::kIo, "cannot write '" + path_ + "': " + std::strerror(error_number));
  }

  std::string path_;
  std::string partial_;
  std::FILE* file_ = nullptr;
  bool committed_ = false;
};

}  // namespace

StreamOptions StreamOptions::FromJson(const nlohmann::json& config) {
  ConfigReader reader(config, "stream config");
  StreamOptions options;
  options.chunk_rows = reader.GetInt("chunk_rows", 0, 0, int64_t{1} << 40);
  options.memory_budget_mb =
      reader.GetInt("memory_budget_mb", options.memory_budget_mb, 1, int64_t{1} << 30);
  options.max_chunks_in_flight =
      reader.GetInt("max_chunks_in_flight", options.max_chunks_in_flight, 1, 1024);
  options.n_jobs = reader.GetInt("n_jobs", 0, 0, 4096);
  options.probabilities = reader.GetBool("probabilities", false);
  options.contributions = reader.GetBool("contributions", false);
  if (options.probabilities && options.contributions) {
    ThrowInvalidArgument("stream config: probabilities and contributions cannot be combined");
  }
  if (const nlohmann::json* csv = reader.Find("csv")) options.csv = ReadCsvOptions(*csv);
  reader.Finish();
  return options;
}

nlohmann::json StreamOptions::ToJson() const {
  return {{"chunk_rows", chunk_rows},
          {"memory_budget_mb", memory_budget_mb},
          {"max_chunks_in_flight", max_chunks_in_flight},
          {"n_jobs", n_jobs},
          {"probabilities", probabilities},
          {"contributions", contributions},
          {"csv",
           {{"delimiter", std::string(1, csv.delimiter)},
            {"quote", std::string(1, csv.quote)},
            {"missing_values", csv.missing_values}}}};
}

// What Stats() reports; written by the run, read from any thread.
struct StreamingPipeline::Progress {
  std::atomic<RunState> state{RunState::kIdle};
  std::atomic<int64_t> rows{0};
  std::atomic<int64_t> chunks{0};
  std::atomic<int64_t> bytes_read{0};
  std::atomic<int64_t> input_bytes{0};
  std::atomic<int64_t> chunk_bytes{0};
  std::atomic<int64_t> in_flight{0};
  std::atomic<int64_t> peak_in_flight{0};
  std::atomic<int64_t> peak_growth{0};
  std::atomic<Clock::rep> started{0};
  std::atomic<Clock::rep> finished{0};
  mutable std::mutex error_mutex;
  std::string error;

  void Start() {
    for (auto* counter : {&rows, &chunks, &bytes_read, &input_bytes, &chunk_bytes, &in_flight,
                          &peak_in_flight, &peak_growth}) {
      counter->store(0);
    }
    {
      const std::lock_guard lock(error_mutex);
      error.clear();
    }
    started = Clock::now().time_since_epoch().count();
    finished = 0;
    state = RunState::kRunning;
  }

  void Finish(RunState end, const std::string& message = "") {
    {
      const std::lock_guard lock(error_mutex);
      error = message;
    }
    finished = Clock::now().time_since_epoch().count();
    state = end;
  }
};

StreamingPipeline::StreamingPipeline(StreamOptions options)
    : options_(std::move(options)),
      cancellation_(std::make_shared<CancellationToken>()),
      progress_(std::make_unique<Progress>()) {}

StreamingPipeline::~StreamingPipeline() = default;

void StreamingPipeline::Cancel() { cancellation_->Cancel(); }

void StreamingPipeline::PredictCsv(const models::TrainedPipeline& model,
                                   const std::string& input_path, const std::string& output_path) {
  std::unique_ptr<AtomicOutputFile> output;
  PredictCsv(model, input_path, [&](std::string_view text) {
    if (!output) output = std::make_unique<AtomicOutputFile>(output_path);
    output->Write(text);
  });
  try {
    if (!output) output = std::make_unique<AtomicOutputFile>(output_path);
    output->Commit();
  } catch (const std::exception& error) {
    progress_->Finish(RunState::kFailed, error.what());
    throw;
  }
}

void StreamingPipeline::PredictCsv(const models::TrainedPipeline& model,
                                   const std::string& input_path, const Writer& write) {
  const std::unique_lock run(run_mutex_, std::try_to_lock);
  if (!run.owns_lock()) {
    throw Error(StatusCode::kFailedPrecondition, "the stream is already running");
  }
  cancellation_->Reset();
  Progress& progress = *progress_;
  progress.Start();
  try {
    data::CsvChunkReader reader(input_path, options_.csv);
    progress.input_bytes = reader.file_bytes();
    const data::CsvRecordParser parser = ModelColumnsParser(model, reader, options_.csv);
    if (options_.probabilities && model.task() != Task::kClassification) {
      ThrowInvalidArgument("probabilities need a classification model");
    }
    if (options_.probabilities && options_.contributions) {
      ThrowInvalidArgument("probabilities and contributions cannot be combined");
    }
    // A model that cannot explain itself fails here, before any output.
    if (options_.contributions) model.Contributions(parser.Parse("", 2));
    const OutputFormat format(model, options_);
    write(format.Header());

    MemoryBudget budget(options_.memory_budget_mb << 20, options_.max_chunks_in_flight);
    const bool fixed_rows = options_.chunk_rows > 0;
    int64_t observed_at = -MemoryBudget::kMinChunkBytes;
    // The chunks in flight live here, not in the pipeline, which does not free the items it
    // holds when a stage throws. Chunks are written in order, so chunk i's slot is free again
    // for chunk i + max_chunks_in_flight.
    std::vector<Chunk> chunk_slots(static_cast<size_t>(options_.max_chunks_in_flight));
    size_t n_read = 0;
    const auto read = [&](tbb::flow_control& control) -> Chunk* {
      if (cancellation_->IsCancelled()) throw Error(StatusCode::kCancelled, "stream cancelled");
      // The resident set is read once per smallest chunk of text, not per chunk: small fixed
      // chunks (chunk_rows 1) would otherwise read /proc for every row.
      if (reader.bytes_read() - observed_at >= MemoryBudget::kMinChunkBytes) {
        observed_at = reader.bytes_read();
        budget.Observe(MemoryBudget::ResidentBytes());
        progress.peak_growth = budget.peak_growth();
      }
      const int64_t max_bytes =
          fixed_rows ? std::numeric_limits<int64_t>::max() : budget.chunk_bytes();
      progress.chunk_bytes = fixed_rows ? 0 : max_bytes;
      Chunk* chunk = &chunk_slots[n_read++ % chunk_slots.size()];
      chunk->records = reader.Next(max_bytes, options_.chunk_rows);
      progress.bytes_read = reader.bytes_read();
      if (chunk->records.text.empty()) {
        control.stop();
        return nullptr;
      }
      const int64_t in_flight = ++progress.in_flight;
      progress.peak_in_flight = std::max(progress.peak_in_flight.load(), in_flight);
      return chunk;
    };
    const auto predict = [&](Chunk* chunk) {
      const data::Dataset rows = parser.Parse(chunk->records.text, chunk->records.first_line);
      chunk->records.text = std::string();
      chunk->rows = rows.n_rows();
      if (chunk->rows > 0) format.Append(rows, chunk->output);
      return chunk;
    };
    const auto emit = [&](Chunk* chunk) {
      write(chunk->output);
      progress.rows += chunk->rows;
      ++progress.chunks;
      --progress.in_flight;
      *chunk = Chunk{};  // a written chunk holds no memory
    };
    tbb::task_arena arena(options_.n_jobs > 0 ? static_cast<int>(options_.n_jobs)
                                              : tbb::task_arena::automatic);
    arena.execute([&] {
      tbb::parallel_pipeline(
          static_cast<size_t>(options_.max_chunks_in_flight),
          tbb::make_filter<void, Chunk*>(tbb::filter_mode::serial_in_order, read) &
              tbb::make_filter<Chunk*, Chunk*>(tbb::filter_mode::parallel, predict) &
              tbb::make_filter<Chunk*, void>(tbb::filter_mode::serial_in_order, emit));
    });
    budget.Observe(MemoryBudget::ResidentBytes());
    progress.peak_growth = budget.peak_growth();
    progress.Finish(RunState::kDone);
  } catch (const Error& error) {
    const bool cancelled = error.code() == StatusCode::kCancelled;
    progress.Finish(cancelled ? RunState::kCancelled : RunState::kFailed, error.what());
    if (cancelled || error.code() == StatusCode::kIo) throw;
    throw Error(error.code(), input_path + ": " + error.what());
  } catch (const std::exception& error) {
    progress.Finish(RunState::kFailed, error.what());
    throw;
  }
}

nlohmann::json StreamingPipeline::Stats() const {
  const Progress& progress = *progress_;
  const RunState state = progress.state.load();
  const Clock::rep started = progress.started.load();
  const Clock::rep finished = progress.finished.load();
  const Clock::rep end = finished != 0 ? finished : Clock::now().time_since_epoch().count();
  const double seconds =
      started == 0 ? 0.0 : std::chrono::duration<double>(Clock::duration(end - started)).count();
  const int64_t rows = progress.rows.load();
  std::string error;
  {
    const std::lock_guard lock(progress.error_mutex);
    error = progress.error;
  }
  return {{"state", StateName(state)},
          {"rows", rows},
          {"chunks", progress.chunks.load()},
          {"bytes_read", progress.bytes_read.load()},
          {"input_bytes", progress.input_bytes.load()},
          {"chunk_bytes", progress.chunk_bytes.load()},
          {"peak_chunks_in_flight", progress.peak_in_flight.load()},
          {"peak_memory_mb", static_cast<double>(progress.peak_growth.load()) / (1 << 20)},
          {"seconds", seconds},
          {"rows_per_second", seconds > 0 ? static_cast<double>(rows) / seconds : 0.0},
          {"error", error},
          {"options", options_.ToJson()}};
}

}  // namespace kolosal::stream
