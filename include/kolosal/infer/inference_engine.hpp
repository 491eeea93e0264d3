#pragma once

#include <tbb/task_arena.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <shared_mutex>
#include <span>
#include <string>
#include <vector>

#include "kolosal/data/dataset.hpp"
#include "kolosal/jit/compile_cache.hpp"
#include "kolosal/models/trained_pipeline.hpp"

namespace kolosal::infer {

/// How an InferenceEngine serves its models (JSON keys as the field names).
struct EngineOptions {
  /// Compile hot tree models to machine code (jit::CompiledTrees).
  bool enable_jit_compilation = true;
  /// Calls of a model (with at most jit_max_batch_rows rows each) before it is compiled.
  int64_t jit_min_calls = 100;
  /// Compiled models kept at once; the least recently used is evicted beyond it.
  int64_t jit_cache_size = 32;
  /// Calls with more rows than this run the interpreter's blocked batch walk, which beats one
  /// compiled call per row from about 5 to 8 rows on (bench/infer, docs/inference.md).
  int64_t jit_max_batch_rows = 4;

  /// Reads a JSON config object; unknown keys and out-of-range values throw
  /// Error(kInvalidArgument).
  static EngineOptions FromJson(const nlohmann::json& config);
  nlohmann::json ToJson() const;
};

/// Serves named models to concurrent callers. It counts each model's calls, and once a tree
/// model has had jit_min_calls of them it compiles the model in the background (a oneTBB
/// enqueued task); calls keep running in the interpreter until the code is in the cache, and
/// compiled calls give the interpreter's outputs bit for bit. Every method is thread-safe.
class InferenceEngine {
 public:
  explicit InferenceEngine(EngineOptions options = {});
  /// Waits for compilations in flight.
  ~InferenceEngine();
  InferenceEngine(const InferenceEngine&) = delete;
  InferenceEngine& operator=(const InferenceEngine&) = delete;

  /// Adds a model under `name`. Throws Error(kInvalidArgument) for an empty name or one that is
  /// taken (Unload it first).
  void Load(const std::string& name, models::TrainedPipeline pipeline);
  /// The same for a model shared with the caller (no copy).
  void Load(const std::string& name, std::shared_ptr<const models::TrainedPipeline> pipeline);
  /// Load() from a model file or buffer; Error(kIo) / Error(kCorruptModel) as the loaders.
  void LoadFile(const std::string& name, const std::string& path);
  void LoadBuffer(const std::string& name, std::span<const uint8_t> bytes);
  /// Removes the model and its compiled code; calls already running finish. False when absent.
  bool Unload(const std::string& name);
  /// Loaded names, sorted.
  std::vector<std::string> ModelNames() const;
  /// The model; Error(kNotFound) when no model has this name.
  std::shared_ptr<const models::TrainedPipeline> Model(const std::string& name) const;

  /// TrainedPipeline::PredictRaw / PredictRawByPosition through the engine: probabilities
  /// (rows x classes) or values. Error(kNotFound) for an unknown name, Error(kInvalidArgument)
  /// for data that does not fit the model.
  std::vector<float> PredictRaw(const std::string& name, const data::Dataset& dataset);
  std::vector<float> PredictRawByPosition(const std::string& name, const data::Dataset& dataset);

  /// Raw outputs together with the model that made them (another model may be loaded under
  /// the same name by the time the caller reads them).
  struct Prediction {
    std::shared_ptr<const models::TrainedPipeline> model;
    std::vector<float> raw;
  };
  /// PredictRaw (columns by name) or PredictRawByPosition, with the model used.
  Prediction Predict(const std::string& name, const data::Dataset& dataset, bool by_position);
  /// PredictRawByPosition for dense float32 rows (row-major, columns in training order). When
  /// the model's preprocessing passes numbers through, the model reads the rows in place
  /// (TrainedPipeline::PredictRawDense); the outputs are the same bits either way.
  Prediction PredictDense(const std::string& name, const float* rows, int64_t n_rows,
                          int64_t n_cols);

  /// Compiles the model now (if it is a tree model and the JIT is on) and waits for it, so
  /// that the first calls do not pay for the interpreter. False when the model stays
  /// interpreted.
  bool Warmup(const std::string& name);
  /// Blocks until no compilation is in flight.
  void WaitForCompilations();

  /// {"options", "jit_cache": {capacity, size, hits, misses, insertions, evictions,
  /// code_bytes}, "models": [per model: name, model_type, calls, rows, compiled_calls,
  /// interpreted_calls, jit: {state, compilations, compile_ms, code_bytes, error},
  /// latency_us: {count, mean, p50, p90, p99, max}]}.
  nlohmann::json Stats() const;

  const EngineOptions& options() const { return options_; }

 private:
  struct Entry;

  std::shared_ptr<Entry> Find(const std::string& name) const;
  std::vector<float> Run(const std::shared_ptr<Entry>& entry, const data::Dataset& dataset,
                         bool by_position);
  /// The model on its feature matrix: compiled or interpreted, counted and timed from `start`.
  std::vector<float> Run(const std::shared_ptr<Entry>& entry, data::MatrixView features,
                         std::chrono::steady_clock::time_point start);
  /// Starts a background compilation unless one is running or the model cannot be compiled.
  void RequestCompilation(const std::shared_ptr<Entry>& entry);
  void Compile(Entry& entry);
  nlohmann::json EntryStats(const Entry& entry) const;

  const EngineOptions options_;
  jit::CompileCache cache_;
  mutable std::shared_mutex models_mutex_;
  std::map<std::string, std::shared_ptr<Entry>> models_;
  uint64_t next_key_ = 1;  // guarded by models_mutex_

  tbb::task_arena compile_arena_{1, 0};  // one compilation at a time, on a oneTBB worker
  std::mutex compilations_mutex_;
  std::condition_variable compilations_done_;
  int64_t compilations_in_flight_ = 0;  // guarded by compilations_mutex_
};

}  // namespace kolosal::infer
