#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "kolosal/core/fit_control.hpp"
#include "kolosal/data/csv_reader.hpp"
#include "kolosal/models/trained_pipeline.hpp"

namespace kolosal::stream {

struct StreamOptions {
  /// Rows per chunk; 0 sizes chunks to the memory budget instead.
  int64_t chunk_rows = 0;
  /// Memory the stream may add to the process's resident set.
  int64_t memory_budget_mb = 256;
  /// Chunks read but not yet written; when that many are in flight, reading waits.
  int64_t max_chunks_in_flight = 4;
  /// Threads; 0 means all cores.
  int64_t n_jobs = 0;
  /// Write class probabilities (one column per class) instead of one prediction per row.
  bool probabilities = false;
  /// Write SHAP contributions instead: for each output (each class of a multi-class model), one
  /// column per input column and the bias, as TrainedPipeline::Contributions gives them.
  bool contributions = false;
  /// How the input is read: delimiter, quote, missing values (a target or weights are refused).
  data::CsvOptions csv;

  /// {"chunk_rows", "memory_budget_mb", "max_chunks_in_flight", "n_jobs", "probabilities",
  ///  "contributions", "csv": {CSV options}}; unknown keys, bad values and both outputs at once
  /// throw Error(kInvalidArgument).
  static StreamOptions FromJson(const nlohmann::json& config);
  nlohmann::json ToJson() const;
};

/// Runs batch prediction over a CSV file of any size: records are read in chunks, predicted in
/// parallel (a oneTBB parallel_pipeline) and written in input order. At most
/// `max_chunks_in_flight` chunks exist at once, which is the backpressure; the chunk size adapts
/// to the memory budget. Peak memory depends on the chunk size, not on the file size.
///
/// One run at a time; Cancel and Stats are safe from other threads meanwhile.
class StreamingPipeline {
 public:
  using Writer = std::function<void(std::string_view text)>;

  explicit StreamingPipeline(StreamOptions options = {});
  ~StreamingPipeline();
  StreamingPipeline(const StreamingPipeline&) = delete;
  StreamingPipeline& operator=(const StreamingPipeline&) = delete;

  /// Predicts every row of `input_path` (columns matched by name, as in
  /// TrainedPipeline::PredictRaw) and writes a CSV to `output_path`: a "prediction" column (class
  /// names, or values), one probability column per class, or the contributions (see
  /// StreamOptions; "class:column" and "bias" columns). The file appears only when the run
  /// succeeds; it is written next to its final name first.
  /// Throws Error(kIo) for files, Error(kInvalidArgument) with the file's line for bad records
  /// or a column the model needs and the file lacks, Error(kUnsupported) for contributions of a
  /// model file saved before contributions existed, Error(kCancelled) after Cancel, and
  /// Error(kFailedPrecondition) while another run is going on.
  void PredictCsv(const models::TrainedPipeline& model, const std::string& input_path,
                  const std::string& output_path);
  /// The same, handing the output text to `write` in order (from the pipeline's threads, one
  /// call at a time).
  void PredictCsv(const models::TrainedPipeline& model, const std::string& input_path,
                  const Writer& write);

  /// Stops the run in progress (it throws Error(kCancelled)); a no-op when idle.
  void Cancel();

  /// {"state": "idle" | "running" | "done" | "cancelled" | "failed", "rows", "chunks",
  ///  "bytes_read", "input_bytes", "chunk_bytes", "peak_chunks_in_flight", "peak_memory_mb",
  ///  "seconds", "rows_per_second", "error", "options": {...}} of the current or last run.
  nlohmann::json Stats() const;

  const StreamOptions& options() const { return options_; }

 private:
  struct Progress;

  StreamOptions options_;
  std::shared_ptr<CancellationToken> cancellation_;
  std::unique_ptr<Progress> progress_;
  std::mutex run_mutex_;
};

}  // namespace kolosal::stream
