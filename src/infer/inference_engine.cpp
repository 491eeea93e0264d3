#include "kolosal/infer/inference_engine.hpp"

#include <atomic>
#include <chrono>
#include <utility>

#include "kolosal/core/config.hpp"
#include "kolosal/core/error.hpp"
#include "kolosal/infer/latency_histogram.hpp"
#include "kolosal/models/tree/tree_ensemble_model.hpp"

namespace kolosal::infer {
namespace {

using Clock = std::chrono::steady_clock;

int64_t NanosecondsSince(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - start).count();
}

enum class JitState { kDisabled, kUnsupported, kInterpreted, kCompiling, kCompiled, kFailed };

}  // namespace

EngineOptions EngineOptions::FromJson(const nlohmann::json& config) {
  ConfigReader reader(config, "inference engine config");
  EngineOptions options;
  options.enable_jit_compilation = reader.GetBool("enable_jit_compilation", true);
  options.jit_min_calls =
      reader.GetInt("jit_min_calls", options.jit_min_calls, 0, int64_t{1} << 40);
  options.jit_cache_size = reader.GetInt("jit_cache_size", options.jit_cache_size, 1, 1 << 20);
  options.jit_max_batch_rows =
      reader.GetInt("jit_max_batch_rows", options.jit_max_batch_rows, 1, int64_t{1} << 40);
  reader.Finish();
  return options;
}

nlohmann::json EngineOptions::ToJson() const {
  return {{"enable_jit_compilation", enable_jit_compilation},
          {"jit_min_calls", jit_min_calls},
          {"jit_cache_size", jit_cache_size},
          {"jit_max_batch_rows", jit_max_batch_rows}};
}

struct InferenceEngine::Entry {
  Entry(std::string model_name, std::shared_ptr<const models::TrainedPipeline> model,
        uint64_t cache_key)
      : name(std::move(model_name)),
        pipeline(std::move(model)),
        trees(dynamic_cast<const models::tree::TreeEnsembleModel*>(&pipeline->model())),
        passes_numbers_through(pipeline->pipeline().PassesNumbersThrough()),
        key(cache_key) {}

  const std::string name;
  const std::shared_ptr<const models::TrainedPipeline> pipeline;
  const models::tree::TreeEnsembleModel* const trees;  // nullptr: not a tree model
  const bool passes_numbers_through;                   // dense rows need no transform
  const uint64_t key;                                  // unique per Load, names the cache slot

  std::atomic<int64_t> calls{0};
  std::atomic<int64_t> rows{0};
  std::atomic<int64_t> compiled_calls{0};
  /// Calls that could have used compiled code since the last compilation was requested.
  std::atomic<int64_t> hot_calls{0};
  std::atomic<JitState> state{JitState::kInterpreted};
  std::atomic<bool> unloaded{false};
  std::atomic<int64_t> compilations{0};
  std::atomic<int64_t> compile_ns{0};
  std::atomic<int64_t> code_bytes{0};
  mutable std::mutex error_mutex;
  std::string error;  // guarded by error_mutex
  LatencyHistogram latency;
};

InferenceEngine::InferenceEngine(EngineOptions options)
    : options_(options), cache_(options.jit_cache_size) {
  if (options_.jit_min_calls < 0 || options_.jit_max_batch_rows < 1) {
    ThrowInvalidArgument(
        "inference engine: jit_min_calls must be >= 0 and jit_max_batch_rows >= 1");
  }
}

InferenceEngine::~InferenceEngine() { WaitForCompilations(); }

void InferenceEngine::Load(const std::string& name, models::TrainedPipeline pipeline) {
  Load(name, std::make_shared<const models::TrainedPipeline>(std::move(pipeline)));
}

void InferenceEngine::Load(const std::string& name,
                           std::shared_ptr<const models::TrainedPipeline> shared) {
  if (name.empty()) ThrowInvalidArgument("inference engine: a model needs a non-empty name");
  if (!shared) ThrowInvalidArgument("inference engine: no model to load");
  const std::unique_lock lock(models_mutex_);
  if (models_.contains(name)) {
    ThrowInvalidArgument("inference engine: a model named '" + name +
                         "' is already loaded; unload it first");
  }
  auto entry = std::make_shared<Entry>(name, std::move(shared), next_key_++);
  if (!options_.enable_jit_compilation) {
    entry->state = JitState::kDisabled;
  } else if (entry->trees == nullptr) {
    entry->state = JitState::kUnsupported;
  }
  models_.emplace(name, std::move(entry));
}

void InferenceEngine::LoadFile(const std::string& name, const std::string& path) {
  Load(name, models::TrainedPipeline::LoadFromFile(path));
}

void InferenceEngine::LoadBuffer(const std::string& name, std::span<const uint8_t> bytes) {
  Load(name, models::TrainedPipeline::LoadFromBuffer(bytes));
}

bool InferenceEngine::Unload(const std::string& name) {
  std::shared_ptr<Entry> entry;
  {
    const std::unique_lock lock(models_mutex_);
    const auto found = models_.find(name);
    if (found == models_.end()) return false;
    entry = std::move(found->second);
    models_.erase(found);
  }
  // A compilation still in flight sees the flag and drops its code (Compile).
  entry->unloaded = true;
  cache_.Erase(entry->key);
  return true;
}

std::vector<std::string> InferenceEngine::ModelNames() const {
  const std::shared_lock lock(models_mutex_);
  std::vector<std::string> names;
  names.reserve(models_.size());
  for (const auto& [name, entry] : models_) names.push_back(name);
  return names;
}

std::shared_ptr<InferenceEngine::Entry> InferenceEngine::Find(const std::string& name) const {
  const std::shared_lock lock(models_mutex_);
  const auto found = models_.find(name);
  if (found == models_.end()) {
    throw Error(StatusCode::kNotFound, "inference engine: no model named '" + name + "'");
  }
  return found->second;
}

std::shared_ptr<const models::TrainedPipeline> InferenceEngine::Model(
    const std::string& name) const {
  return Find(name)->pipeline;
}

std::vector<float> InferenceEngine::PredictRaw(const std::string& name,
                                               const data::Dataset& dataset) {
  return Run(Find(name), dataset, false);
}

std::vector<float> InferenceEngine::PredictRawByPosition(const std::string& name,
                                                         const data::Dataset& dataset) {
  return Run(Find(name), dataset, true);
}

InferenceEngine::Prediction InferenceEngine::Predict(const std::string& name,
                                                     const data::Dataset& dataset,
                                                     bool by_position) {
  const std::shared_ptr<Entry> entry = Find(name);
  return {entry->pipeline, Run(entry, dataset, by_position)};
}

InferenceEngine::Prediction InferenceEngine::PredictDense(const std::string& name,
                                                          const float* rows, int64_t n_rows,
                                                          int64_t n_cols) {
  const Clock::time_point start = Clock::now();
  const std::shared_ptr<Entry> entry = Find(name);
  if (entry->passes_numbers_through && n_cols == entry->pipeline->n_input_features()) {
    return {entry->pipeline, Run(entry, data::MatrixView{rows, n_rows, n_cols}, start)};
  }
  const data::FeatureMatrix matrix =
      entry->pipeline->pipeline().TransformByPosition(data::Dataset::FromDense(
          rows, data::DType::kFloat32, n_rows, n_cols, data::Layout::kRowMajor));
  return {entry->pipeline, Run(entry, matrix.view(), start)};
}

std::vector<float> InferenceEngine::Run(const std::shared_ptr<Entry>& entry,
                                        const data::Dataset& dataset, bool by_position) {
  const Clock::time_point start = Clock::now();
  const prep::Pipeline& pipeline = entry->pipeline->pipeline();
  const data::FeatureMatrix matrix =
      by_position ? pipeline.TransformByPosition(dataset) : pipeline.Transform(dataset);
  return Run(entry, matrix.view(), start);
}

std::vector<float> InferenceEngine::Run(const std::shared_ptr<Entry>& entry,
                                        data::MatrixView matrix, Clock::time_point start) {
  const models::Model& model = entry->pipeline->model();
  if (matrix.cols != model.n_features()) {
    throw Error(StatusCode::kInternal, "preprocessing produced " + std::to_string(matrix.cols) +
                                           " features, the model expects " +
                                           std::to_string(model.n_features()));
  }
  std::vector<float> out(static_cast<size_t>(matrix.rows * model.n_outputs()));

  const bool jit_candidate = entry->trees != nullptr && options_.enable_jit_compilation &&
                             matrix.rows > 0 && matrix.rows <= options_.jit_max_batch_rows;
  std::shared_ptr<const jit::CompiledTrees> compiled;
  if (jit_candidate) {
    compiled = cache_.Find(entry->key);
    if (compiled == nullptr &&
        entry->hot_calls.fetch_add(1, std::memory_order_relaxed) + 1 >= options_.jit_min_calls) {
      RequestCompilation(entry);
    }
  }
  if (compiled != nullptr) {
    entry->trees->PredictWith(
        matrix, out, [&compiled](data::MatrixView x, float* sums, int64_t stride, int64_t offset) {
          compiled->Accumulate(x, sums, stride, offset);
        });
    entry->compiled_calls.fetch_add(1, std::memory_order_relaxed);
  } else {
    model.Predict(matrix, out);
  }
  entry->calls.fetch_add(1, std::memory_order_relaxed);
  entry->rows.fetch_add(matrix.rows, std::memory_order_relaxed);
  entry->latency.Record(NanosecondsSince(start));
  return out;
}

void InferenceEngine::RequestCompilation(const std::shared_ptr<Entry>& entry) {
  JitState expected = entry->state.load();
  // Interpreted models compile once hot; a compiled one whose code was evicted compiles again.
  if (expected != JitState::kInterpreted && expected != JitState::kCompiled) return;
  if (!entry->state.compare_exchange_strong(expected, JitState::kCompiling)) return;
  entry->hot_calls.store(0, std::memory_order_relaxed);
  {
    const std::lock_guard lock(compilations_mutex_);
    ++compilations_in_flight_;
  }
  compile_arena_.enqueue([this, entry] {
    Compile(*entry);
    const std::lock_guard lock(compilations_mutex_);
    if (--compilations_in_flight_ == 0) compilations_done_.notify_all();
  });
}

void InferenceEngine::Compile(Entry& entry) {
  const Clock::time_point start = Clock::now();
  try {
    std::shared_ptr<const jit::CompiledTrees> code =
        jit::CompiledTrees::Compile(entry.trees->ensemble());
    entry.compilations.fetch_add(1, std::memory_order_relaxed);
    entry.compile_ns.fetch_add(NanosecondsSince(start), std::memory_order_relaxed);
    if (code == nullptr) {
      entry.state = JitState::kUnsupported;
      return;
    }
    entry.code_bytes = static_cast<int64_t>(code->code_size());
    cache_.Insert(entry.key, std::move(code));
    entry.state = JitState::kCompiled;
    if (entry.unloaded) cache_.Erase(entry.key);
  } catch (const std::exception& error) {
    const std::lock_guard lock(entry.error_mutex);
    entry.error = error.what();
    entry.state = JitState::kFailed;
  }
}

bool InferenceEngine::Warmup(const std::string& name) {
  const std::shared_ptr<Entry> entry = Find(name);
  if (entry->trees == nullptr || !options_.enable_jit_compilation) return false;
  if (!cache_.Contains(entry->key)) RequestCompilation(entry);
  WaitForCompilations();
  return cache_.Contains(entry->key);
}

void InferenceEngine::WaitForCompilations() {
  std::unique_lock lock(compilations_mutex_);
  compilations_done_.wait(lock, [this] { return compilations_in_flight_ == 0; });
}

nlohmann::json InferenceEngine::EntryStats(const Entry& entry) const {
  std::string state;
  switch (entry.state.load()) {
    case JitState::kDisabled:
      state = "disabled";
      break;
    case JitState::kUnsupported:
      state = "unsupported";
      break;
    case JitState::kInterpreted:
      state = "interpreted";
      break;
    case JitState::kCompiling:
      state = "compiling";
      break;
    case JitState::kCompiled:
      state = cache_.Contains(entry.key) ? "compiled" : "evicted";
      break;
    case JitState::kFailed:
      state = "failed";
      break;
  }
  std::string error;
  {
    const std::lock_guard lock(entry.error_mutex);
    error = entry.error;
  }
  const LatencyHistogram::Summary latency = entry.latency.Summarize();
  const int64_t calls = entry.calls.load();
  const int64_t compiled_calls = entry.compiled_calls.load();
  return {{"name", entry.name},
          {"model_type", std::string(entry.pipeline->model().TypeName())},
          {"calls", calls},
          {"rows", entry.rows.load()},
          {"compiled_calls", compiled_calls},
          {"interpreted_calls", calls - compiled_calls},
          {"jit",
           {{"state", state},
            {"compilations", entry.compilations.load()},
            {"compile_ms", static_cast<double>(entry.compile_ns.load()) / 1e6},
            {"code_bytes", entry.code_bytes.load()},
            {"error", error}}},
          {"latency_us",
           {{"count", latency.count},
            {"mean", latency.mean_ns / 1e3},
            {"p50", latency.p50_ns / 1e3},
            {"p90", latency.p90_ns / 1e3},
            {"p99", latency.p99_ns / 1e3},
            {"max", static_cast<double>(latency.max_ns) / 1e3}}}};
}

nlohmann::json InferenceEngine::Stats() const {
  std::vector<std::shared_ptr<Entry>> entries;
  {
    const std::shared_lock lock(models_mutex_);
    for (const auto& [name, entry] : models_) entries.push_back(entry);
  }
  nlohmann::json models = nlohmann::json::array();
  for (const auto& entry : entries) models.push_back(EntryStats(*entry));
  const jit::CompileCache::Stats cache = cache_.stats();
  return {{"options", options_.ToJson()},
          {"jit_cache",
           {{"capacity", cache.capacity},
            {"size", cache.size},
            {"hits", cache.hits},
            {"misses", cache.misses},
            {"insertions", cache.insertions},
            {"evictions", cache.evictions},
            {"code_bytes", cache.code_bytes}}},
          {"models", std::move(models)}};
}

}  // namespace kolosal::infer
