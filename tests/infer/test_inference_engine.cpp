// The inference engine: hot models compile after jit_min_calls and then give the interpreter's
// outputs bit for bit; the compile cache keeps at most jit_cache_size models; large batches,
// disabled JIT and non-tree models stay interpreted; concurrent callers, loads and unloads;
// bad names, configs and files get their codes.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstring>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "common/expect_error.hpp"
#include "common/fit_pipeline.hpp"
#include "kolosal/core/fit_control.hpp"
#include "kolosal/data/synthetic.hpp"
#include "kolosal/infer/inference_engine.hpp"
#include "kolosal/models/registry.hpp"

namespace kolosal::infer {
namespace {

using kolosal::testing::ExpectError;
using kolosal::testing::FitPipeline;

data::Dataset Classification(int n_classes, uint64_t seed = 3) {
  return data::MakeClassification(300, 5, 2, n_classes, 2.0, seed);
}

models::TrainedPipeline Boosting(int n_classes, uint64_t seed = 3) {
  const data::Dataset dataset =
      n_classes == 0 ? data::MakeRegression(300, 6, 0.3, seed) : Classification(n_classes, seed);
  return FitPipeline(dataset, "gradient_boosting", {{"n_estimators", 20}, {"num_leaves", 8}});
}

/// Rows [begin, begin + count) of `dataset`'s features, without labels.
data::Dataset Rows(const data::Dataset& dataset, int64_t begin, int64_t count) {
  std::vector<int64_t> rows(static_cast<size_t>(count));
  for (int64_t idx = 0; idx < count; ++idx) rows[static_cast<size_t>(idx)] = begin + idx;
  data::Dataset taken = dataset.Take(rows);
  taken.clear_labels();
  return taken;
}

bool SameBits(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

const nlohmann::json& ModelStats(const nlohmann::json& stats, const std::string& name) {
  for (const nlohmann::json& model : stats.at("models")) {
    if (model.at("name") == name) return model;
  }
  throw std::runtime_error("no stats for " + name);
}

std::string JitState(const InferenceEngine& engine, const std::string& name) {
  return ModelStats(engine.Stats(), name).at("jit").at("state");
}

TEST(InferenceEngine, CompilesAfterMinCallsAndMatchesTheInterpreterBitForBit) {
  for (const int n_classes : {0, 2, 3}) {
    SCOPED_TRACE("classes " + std::to_string(n_classes));
    EngineOptions options;
    options.jit_min_calls = 5;
    InferenceEngine engine(options);
    engine.Load("m", Boosting(n_classes));
    const data::Dataset data =
        n_classes == 0 ? data::MakeRegression(300, 6, 0.3, 3) : Classification(n_classes);
    const std::shared_ptr<const models::TrainedPipeline> model = engine.Model("m");

    for (int call = 0; call < 4; ++call) engine.PredictRaw("m", Rows(data, call, 3));
    engine.WaitForCompilations();
    EXPECT_EQ(JitState(engine, "m"), "interpreted");  // four calls: not hot yet
    engine.PredictRaw("m", Rows(data, 4, 3));         // the fifth asks for compilation
    engine.WaitForCompilations();
    EXPECT_EQ(JitState(engine, "m"), "compiled");

    for (int64_t begin = 0; begin + 3 <= data.n_rows(); begin += 3) {
      const data::Dataset rows = Rows(data, begin, 3);
      ASSERT_TRUE(SameBits(engine.PredictRaw("m", rows), model->PredictRaw(rows))) << begin;
    }
    const nlohmann::json stats = ModelStats(engine.Stats(), "m");
    EXPECT_EQ(stats.at("calls"), 5 + data.n_rows() / 3);
    EXPECT_EQ(stats.at("compiled_calls"), data.n_rows() / 3);
    EXPECT_EQ(stats.at("jit").at("compilations"), 1);
    EXPECT_GT(stats.at("jit").at("code_bytes").get<int64_t>(), 0);
    EXPECT_EQ(stats.at("latency_us").at("count"), stats.at("calls"));
  }
}

TEST(InferenceEngine, ForestsCompileToo) {
  const data::Dataset data = Classification(3);
  const std::pair<std::string, nlohmann::json> forests[] = {
      {"random_forest", {{"n_estimators", 10}}},
      {"extra_trees", {{"n_estimators", 10}}},
      {"decision_tree", {{"max_depth", 6}}}};
  for (const auto& [type, params] : forests) {
    SCOPED_TRACE(type);
    InferenceEngine engine;
    engine.Load("forest", FitPipeline(data, type, params));
    ASSERT_TRUE(engine.Warmup("forest"));
    const data::Dataset rows = Rows(data, 10, 4);
    EXPECT_TRUE(
        SameBits(engine.PredictRaw("forest", rows), engine.Model("forest")->PredictRaw(rows)));
    EXPECT_EQ(ModelStats(engine.Stats(), "forest").at("compiled_calls"), 1);
  }
}

// A log-link objective's outputs are exp(margin), applied after the compiled tree sums too.
TEST(InferenceEngine, LogLinkBoostingCompilesToo) {
  data::Dataset data = data::MakeRegression(300, 6, 0.3, 5);
  data::Labels counts = data.labels();
  for (float& value : counts.values) value = std::round(std::abs(value));
  data.set_labels(counts);
  for (const char* objective : {"poisson", "tweedie"}) {
    SCOPED_TRACE(objective);
    InferenceEngine engine;
    engine.Load("counts", FitPipeline(data, "gradient_boosting",
                                      {{"objective", objective}, {"n_estimators", 20}}));
    ASSERT_TRUE(engine.Warmup("counts"));
    const data::Dataset rows = Rows(data, 10, 4);
    const std::vector<float> compiled = engine.PredictRaw("counts", rows);
    EXPECT_TRUE(SameBits(compiled, engine.Model("counts")->PredictRaw(rows)));
    for (const float value : compiled) EXPECT_GT(value, 0.0f);
    EXPECT_EQ(ModelStats(engine.Stats(), "counts").at("compiled_calls"), 1);
  }
}

TEST(InferenceEngine, LargeBatchesRunTheInterpreterAndDoNotCount) {
  EngineOptions options;
  options.jit_min_calls = 2;
  options.jit_max_batch_rows = 16;
  InferenceEngine engine(options);
  engine.Load("m", Boosting(2));
  const data::Dataset data = Classification(2);
  for (int call = 0; call < 10; ++call) engine.PredictRaw("m", Rows(data, 0, 17));
  engine.WaitForCompilations();
  EXPECT_EQ(JitState(engine, "m"), "interpreted");
  ASSERT_TRUE(engine.Warmup("m"));
  const data::Dataset big = Rows(data, 0, 200);
  EXPECT_TRUE(SameBits(engine.PredictRaw("m", big), engine.Model("m")->PredictRaw(big)));
  const nlohmann::json stats = ModelStats(engine.Stats(), "m");
  EXPECT_EQ(stats.at("compiled_calls"), 0);  // compiled, but 200 rows take the batch walk
  EXPECT_EQ(stats.at("rows"), 10 * 17 + 200);
}

TEST(InferenceEngine, CacheEvictsTheLeastRecentlyUsedModelAndRecompilesItWhenHotAgain) {
  EngineOptions options;
  options.jit_min_calls = 3;
  options.jit_cache_size = 2;
  InferenceEngine engine(options);
  const data::Dataset data = Classification(2);
  for (const std::string name : {"a", "b", "c"}) {
    engine.Load(name, Boosting(2, name == "a" ? 3 : name == "b" ? 4 : 5));
  }
  ASSERT_TRUE(engine.Warmup("a"));
  ASSERT_TRUE(engine.Warmup("b"));
  engine.PredictRaw("a", Rows(data, 0, 1));  // a is now more recent than b
  ASSERT_TRUE(engine.Warmup("c"));           // evicts b
  nlohmann::json stats = engine.Stats();
  EXPECT_EQ(stats.at("jit_cache").at("size"), 2);
  EXPECT_EQ(stats.at("jit_cache").at("evictions"), 1);
  EXPECT_EQ(ModelStats(stats, "a").at("jit").at("state"), "compiled");
  EXPECT_EQ(ModelStats(stats, "b").at("jit").at("state"), "evicted");
  EXPECT_EQ(ModelStats(stats, "c").at("jit").at("state"), "compiled");

  // b runs interpreted (same outputs) until it is hot again, then compiles back in.
  const data::Dataset rows = Rows(data, 5, 2);
  for (int call = 0; call < 3; ++call) {
    EXPECT_TRUE(SameBits(engine.PredictRaw("b", rows), engine.Model("b")->PredictRaw(rows)));
  }
  engine.WaitForCompilations();
  stats = engine.Stats();
  EXPECT_EQ(ModelStats(stats, "b").at("jit").at("state"), "compiled");
  EXPECT_EQ(ModelStats(stats, "b").at("jit").at("compilations"), 2);
  EXPECT_EQ(ModelStats(stats, "b").at("compiled_calls"), 0);
  EXPECT_EQ(stats.at("jit_cache").at("size"), 2);
}

TEST(InferenceEngine, DisabledJitAndLinearModelsStayInterpreted) {
  EngineOptions options;
  options.enable_jit_compilation = false;
  options.jit_min_calls = 0;
  InferenceEngine off(options);
  off.Load("m", Boosting(2));
  const data::Dataset data = Classification(2);
  for (int call = 0; call < 5; ++call) off.PredictRaw("m", Rows(data, call, 1));
  EXPECT_FALSE(off.Warmup("m"));
  EXPECT_EQ(JitState(off, "m"), "disabled");
  EXPECT_EQ(off.Stats().at("jit_cache").at("size"), 0);

  InferenceEngine engine;
  engine.Load("linear", FitPipeline(data, "logistic_regression", nlohmann::json::object()));
  EXPECT_FALSE(engine.Warmup("linear"));
  EXPECT_EQ(JitState(engine, "linear"), "unsupported");
  const data::Dataset rows = Rows(data, 0, 3);
  EXPECT_TRUE(
      SameBits(engine.PredictRaw("linear", rows), engine.Model("linear")->PredictRaw(rows)));
}

TEST(InferenceEngine, ConcurrentCallersLoadsAndUnloads) {
  EngineOptions options;
  options.jit_min_calls = 20;
  options.jit_cache_size = 1;  // the two hot models keep evicting each other
  InferenceEngine engine(options);
  const data::Dataset data = Classification(3);
  engine.Load("x", Boosting(3, 3));
  engine.Load("y", Boosting(3, 4));
  std::vector<std::vector<float>> expected_x, expected_y;
  for (int64_t begin = 0; begin < 40; ++begin) {
    expected_x.push_back(engine.Model("x")->PredictRaw(Rows(data, begin, 2)));
    expected_y.push_back(engine.Model("y")->PredictRaw(Rows(data, begin, 2)));
  }
  auto compiled_calls = [&engine] {
    const nlohmann::json stats = engine.Stats();
    return ModelStats(stats, "x").at("compiled_calls").get<int64_t>() +
           ModelStats(stats, "y").at("compiled_calls").get<int64_t>();
  };
  // Callers go on past 300 calls until some ran compiled code: compilation is in the background,
  // so a loaded machine may not finish it within 300 calls. The deadline only stops a hang.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  std::atomic<bool> saw_compiled{false};
  std::atomic<int64_t> mismatches{0}, calls_made{0};
  std::vector<std::thread> callers;
  for (int thread = 0; thread < 4; ++thread) {
    callers.emplace_back([&, thread] {
      for (int call = 0;
           call < 300 || (!saw_compiled && std::chrono::steady_clock::now() < deadline); ++call) {
        if (thread == 0 && call % 50 == 49 && compiled_calls() > 0) saw_compiled = true;
        calls_made.fetch_add(1);
        const int64_t begin = (call * 7 + thread) % 40;
        const bool use_x = (call + thread) % 2 == 0;
        const std::vector<float> out = engine.PredictRaw(use_x ? "x" : "y", Rows(data, begin, 2));
        const auto& expected = use_x ? expected_x : expected_y;
        if (!SameBits(out, expected[static_cast<size_t>(begin)])) ++mismatches;
      }
    });
  }
  std::thread loader([&] {
    for (int round = 0; round < 20; ++round) {
      engine.Load("z", Boosting(2, 9));
      engine.PredictRaw("z", Rows(data, 0, 1));
      EXPECT_TRUE(engine.Unload("z"));
    }
  });
  for (std::thread& caller : callers) caller.join();
  loader.join();
  engine.WaitForCompilations();
  EXPECT_EQ(mismatches, 0);
  const nlohmann::json stats = engine.Stats();
  EXPECT_EQ(ModelStats(stats, "x").at("calls").get<int64_t>() +
                ModelStats(stats, "y").at("calls").get<int64_t>(),
            calls_made.load());
  EXPECT_GE(calls_made.load(), 4 * 300);
  EXPECT_GT(compiled_calls(), 0);
  EXPECT_LE(stats.at("jit_cache").at("size").get<int64_t>(), 1);
  EXPECT_EQ(engine.ModelNames(), (std::vector<std::string>{"x", "y"}));
}

TEST(InferenceEngine, DenseRowsMatchTheDatasetPathCompiledOrNot) {
  const data::Dataset data = Classification(3);
  std::vector<float> rows;
  for (int64_t row = 0; row < 12; ++row) {
    for (int64_t col = 0; col < data.n_features(); ++col) {
      rows.push_back(data.column(col).values[static_cast<size_t>(row)]);
    }
  }
  rows[1] = std::numeric_limits<float>::quiet_NaN();
  const int64_t cols = data.n_features();
  InferenceEngine engine;
  engine.Load("m", Boosting(3));
  const std::shared_ptr<const models::TrainedPipeline> model = engine.Model("m");
  ASSERT_TRUE(model->pipeline().PassesNumbersThrough());
  auto expected = [&](int64_t row, int64_t count) {
    return model->PredictRawByPosition(data::Dataset::FromDense(
        rows.data() + row * cols, data::DType::kFloat32, count, cols, data::Layout::kRowMajor));
  };
  for (const bool compiled : {false, true}) {
    if (compiled) {
      ASSERT_TRUE(engine.Warmup("m"));
    }
    for (int64_t row = 0; row < 12; ++row) {
      const InferenceEngine::Prediction got =
          engine.PredictDense("m", rows.data() + row * cols, 1, cols);
      EXPECT_EQ(got.model, model);
      ASSERT_TRUE(SameBits(got.raw, expected(row, 1))) << row;
    }
    EXPECT_TRUE(SameBits(engine.PredictDense("m", rows.data(), 12, cols).raw, expected(0, 12)));
  }
  EXPECT_EQ(ModelStats(engine.Stats(), "m").at("compiled_calls"), 12);
  ExpectError([&] { engine.PredictDense("m", rows.data(), 2, cols - 1); },
              StatusCode::kInvalidArgument, "columns");
  ExpectError([&] { engine.PredictDense("absent", rows.data(), 1, cols); }, StatusCode::kNotFound,
              "absent");
  // A model whose preprocessing scales takes the dataset path, with the same answers.
  engine.Load("linear", FitPipeline(data, "logistic_regression", nlohmann::json::object()));
  EXPECT_TRUE(
      SameBits(engine.PredictDense("linear", rows.data(), 12, cols).raw,
               engine.Model("linear")->PredictRawByPosition(data::Dataset::FromDense(
                   rows.data(), data::DType::kFloat32, 12, cols, data::Layout::kRowMajor))));
}

TEST(InferenceEngine, BadNamesInputsAndFiles) {
  InferenceEngine engine;
  ExpectError([&] { engine.PredictRaw("absent", Classification(2)); }, StatusCode::kNotFound,
              "no model named 'absent'");
  ExpectError([&] { engine.Warmup("absent"); }, StatusCode::kNotFound, "absent");
  EXPECT_FALSE(engine.Unload("absent"));
  ExpectError([&] { engine.Load("", Boosting(2)); }, StatusCode::kInvalidArgument,
              "non-empty name");
  engine.Load("m", Boosting(2));
  ExpectError([&] { engine.Load("m", Boosting(2)); }, StatusCode::kInvalidArgument,
              "'m' is already loaded");
  // Five of the seven columns, by position.
  const data::Dataset data = Classification(2);
  std::vector<float> narrow(5 * 2, 0.5f);
  ExpectError(
      [&] {
        engine.PredictRawByPosition(
            "m", data::Dataset::FromDense(narrow.data(), data::DType::kFloat32, 2, 5,
                                          data::Layout::kRowMajor));
      },
      StatusCode::kInvalidArgument);
  const std::vector<uint8_t> garbage = {'n', 'o', 't', ' ', 'a', ' ', 'm', 'o', 'd', 'e', 'l'};
  ExpectError([&] { engine.LoadBuffer("g", garbage); }, StatusCode::kCorruptModel);
  ExpectError([&] { engine.LoadFile("g", "/nonexistent/model.kolosal"); }, StatusCode::kIo);
  EXPECT_EQ(engine.ModelNames(), std::vector<std::string>{"m"});

  // A saved model loads into the engine and predicts as the original.
  const std::vector<uint8_t> bytes = engine.Model("m")->SaveToBuffer();
  engine.LoadBuffer("copy", bytes);
  const data::Dataset rows = Rows(data, 0, 4);
  EXPECT_TRUE(SameBits(engine.PredictRaw("copy", rows), engine.PredictRaw("m", rows)));
}

TEST(EngineOptions, ReadsJsonAndRejectsUnknownKeysAndBadValues) {
  const EngineOptions options = EngineOptions::FromJson(
      {{"enable_jit_compilation", false}, {"jit_min_calls", 7}, {"jit_cache_size", 3}});
  EXPECT_FALSE(options.enable_jit_compilation);
  EXPECT_EQ(options.jit_min_calls, 7);
  EXPECT_EQ(options.jit_cache_size, 3);
  EXPECT_EQ(options.jit_max_batch_rows, 4);
  EXPECT_EQ(EngineOptions::FromJson(options.ToJson()).ToJson(), options.ToJson());
  ExpectError(
      [] {
        EngineOptions::FromJson({{"jit_min_call", 7}});
      },
      StatusCode::kInvalidArgument, "jit_min_call", "jit_min_calls");
  ExpectError(
      [] {
        EngineOptions::FromJson({{"jit_cache_size", 0}});
      },
      StatusCode::kInvalidArgument, "jit_cache_size");
  ExpectError(
      [] {
        EngineOptions::FromJson({{"jit_min_calls", -1}});
      },
      StatusCode::kInvalidArgument, "jit_min_calls");
  ExpectError(
      [] {
        EngineOptions::FromJson({{"enable_jit_compilation", "yes"}});
      },
      StatusCode::kInvalidArgument, "enable_jit_compilation");
  EngineOptions zero_cache;
  zero_cache.jit_cache_size = 0;
  ExpectError([&] { InferenceEngine engine(zero_cache); }, StatusCode::kInvalidArgument,
              "jit_cache_size");
}

}  // namespace
}  // namespace kolosal::infer
