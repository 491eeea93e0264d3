// The inference engine on gradient boosting with bench/trees' settings (200 rounds, depth 6,
// learning rate 0.1) on the shared datasets' fixed 75/25 split:
//  - single-row calls (one labelled-free Dataset per test row, preprocessing included) through
//    TrainedPipeline directly, the engine with the JIT off, and the engine once the model is
//    compiled, against XGBoost's C API predicting the same rows' features one per call (a model
//    trained here through its C API with the same settings), and, for all-numeric datasets,
//    the compiled engine on row-major float32 rows (`dense`: what C and the bindings send; the
//    model reads them in place);
//  - the model alone on batches of 1 to 256 rows, interpreted and compiled, which is where
//    jit_max_batch_rows comes from.
// Compiled and interpreted outputs are checked to be the same bits before anything is printed.
//
//   kolosal_bench_infer [--datasets spam,credit_data,...] [--rounds 200] [--repeats 5]
//                       [--rows 1000]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <functional>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "../trees/bench_data.hpp"
#include "../trees/xgboost_predictor.hpp"
#include "kolosal/data/csv_reader.hpp"
#include "kolosal/data/split.hpp"
#include "kolosal/infer/inference_engine.hpp"
#include "kolosal/jit/compiled_trees.hpp"
#include "kolosal/models/registry.hpp"
#include "kolosal/models/tree/tree_ensemble_model.hpp"
#include "kolosal/train/trainer.hpp"

namespace kolosal::bench {
namespace {

using Clock = std::chrono::steady_clock;

/// bench/trees' matched gradient boosting settings.
nlohmann::json GbdtParams(int rounds) {
  return {{"n_estimators", rounds}, {"learning_rate", 0.1},  {"growth", "depth_wise"},
          {"max_depth", 6},         {"min_samples_leaf", 1}, {"min_child_weight", 1.0},
          {"reg_lambda", 1.0}};
}

/// The test rows of the fixed split (the rows LoadSplit puts in split.test), one Dataset each.
std::vector<data::Dataset> SingleTestRows(const data::Dataset& test, int64_t n_rows) {
  std::vector<data::Dataset> singles;
  for (int64_t row = 0; row < n_rows; ++row) {
    singles.push_back(test.Take({row}));
    singles.back().clear_labels();
  }
  return singles;
}

void BenchSingleRows(const std::string& data_dir, const DatasetSpec& spec,
                     const RowBenchOptions& options) {
  data::CsvOptions csv;
  csv.target = spec.target;
  const data::Dataset dataset = data::ReadCsv(data_dir + "/" + spec.name + ".csv", csv);
  const data::TrainTestIndices indices =
      data::TrainTestSplit(dataset.n_rows(), 0.25, 42, &dataset.labels());
  train::TrainSpec train_spec;
  train_spec.model = "gradient_boosting";
  train_spec.params = GbdtParams(options.rounds);
  FitControl control;
  control.n_jobs = 2;
  control.random_state = 42;
  models::TrainedPipeline trained =
      train::FitPipeline(dataset.Take(indices.train), train_spec, control);
  const data::Dataset test = dataset.Take(indices.test);
  const int64_t n_rows = std::min(options.rows, test.n_rows());
  const std::vector<data::Dataset> singles = SingleTestRows(test, n_rows);
  // The same rows as one row-major float32 buffer, as C and the bindings send them; only
  // meaningful when every column is numeric (the model then reads them in place).
  const bool all_numeric = trained.pipeline().PassesNumbersThrough();
  std::vector<float> dense;
  for (int64_t row = 0; all_numeric && row < n_rows; ++row) {
    for (int64_t col = 0; col < test.n_features(); ++col) {
      dense.push_back(test.column(col).values[static_cast<size_t>(row)]);
    }
  }
  const int64_t n_cols = test.n_features();

  const std::vector<uint8_t> model_bytes = trained.SaveToBuffer();
  infer::EngineOptions jit_off;
  jit_off.enable_jit_compilation = false;
  infer::InferenceEngine interpreted(jit_off);
  interpreted.LoadBuffer("m", model_bytes);
  infer::InferenceEngine compiled;  // default options
  compiled.LoadBuffer("m", model_bytes);
  const auto compile_start = Clock::now();
  if (!compiled.Warmup("m")) throw std::runtime_error("the model could not be compiled");
  const double compile_s = std::chrono::duration<double>(Clock::now() - compile_start).count();
  infer::InferenceEngine dense_engine;  // dense rows, timed on their own
  dense_engine.LoadBuffer("m", model_bytes);
  dense_engine.Warmup("m");

  // XGBoost: the same rows' features (the pipeline's matrix, categories as codes).
  const BenchSplit split = LoadSplit(data_dir, spec, 42);
  const std::string xgb_path =
      (std::filesystem::temp_directory_path() / ("kolosal_bench_infer_" + spec.name + ".json"))
          .string();
  TrainXgboostHist(split, options.rounds, xgb_path);
  const XgboostPredictor xgb(xgb_path, 1);
  std::filesystem::remove(xgb_path);
  const data::MatrixView x = split.test.view();

  // The four take turns within each repeat, so that a slow spell of the machine hits them all.
  std::vector<std::vector<float>> direct_out(singles.size()), off_out(singles.size()),
      jit_out(singles.size()), dense_out(singles.size());
  double direct_s = std::numeric_limits<double>::infinity(), off_s = direct_s, jit_s = direct_s,
         dense_s = direct_s, xgb_s = direct_s;
  for (int repeat = 0; repeat < options.repeats; ++repeat) {
    direct_s = std::min(direct_s, BestSeconds(1, [&] {
                          for (size_t row = 0; row < singles.size(); ++row) {
                            direct_out[row] = trained.PredictRaw(singles[row]);
                          }
                        }));
    off_s = std::min(off_s, BestSeconds(1, [&] {
                       for (size_t row = 0; row < singles.size(); ++row) {
                         off_out[row] = interpreted.PredictRaw("m", singles[row]);
                       }
                     }));
    jit_s = std::min(jit_s, BestSeconds(1, [&] {
                       for (size_t row = 0; row < singles.size(); ++row) {
                         jit_out[row] = compiled.PredictRaw("m", singles[row]);
                       }
                     }));
    if (all_numeric) {
      dense_s =
          std::min(dense_s, BestSeconds(1, [&] {
                     for (size_t row = 0; row < singles.size(); ++row) {
                       dense_out[row] =
                           compiled.PredictDense("m", dense.data() + row * n_cols, 1, n_cols).raw;
                     }
                   }));
    }
    xgb_s = std::min(xgb_s, BestSeconds(1, [&] {
                       for (int64_t row = 0; row < n_rows; ++row)
                         xgb.Predict(x.row(row), 1, x.cols);
                     }));
  }
  for (size_t row = 0; row < singles.size(); ++row) {
    RequireSameBits(jit_out[row], off_out[row], "engine");
    RequireSameBits(jit_out[row], direct_out[row], "engine");
    if (all_numeric) RequireSameBits(jit_out[row], dense_out[row], "engine, dense rows");
  }
  const nlohmann::json stats = compiled.Stats().at("models").at(0);
  if (stats.at("compiled_calls").get<int64_t>() !=
      (all_numeric ? 2 : 1) * options.repeats * n_rows) {
    throw std::runtime_error("the compiled engine did not use its code on every call");
  }

  const double per_row_us = 1e6 / static_cast<double>(n_rows);
  const nlohmann::json& latency = stats.at("latency_us");
  char dense_cells[64] = "       -      -";
  if (all_numeric) {
    std::snprintf(dense_cells, sizeof dense_cells, "%8.2f %6.3f", dense_s * per_row_us,
                  dense_s / xgb_s);
  }
  std::printf("%-18s %7.1f | %8.2f %8.2f %8.2f %8.2f | %6.3f %6.3f | %s | %7.2f %7.2f\n",
              spec.name.c_str(), compile_s * 1e3, direct_s * per_row_us, off_s * per_row_us,
              jit_s * per_row_us, xgb_s * per_row_us, jit_s / off_s, jit_s / xgb_s, dense_cells,
              latency.at("p50").get<double>(), latency.at("p99").get<double>());
  std::fflush(stdout);
}

/// ns per row of the model alone on batches of `batch` rows, interpreted and compiled.
void BenchBatchSizes(const std::string& data_dir, const DatasetSpec& spec,
                     const RowBenchOptions& options) {
  const BenchSplit split = LoadSplit(data_dir, spec, 42);
  FitControl control;
  control.n_jobs = 2;
  control.random_state = 42;
  const models::TrainData train{split.train.view(),   split.y_train, {},
                                split.train.features, split.task,    split.n_classes};
  const std::unique_ptr<models::Model> model = models::ModelRegistry::Builtin()
                                                   .Find("gradient_boosting")
                                                   .create(GbdtParams(options.rounds), split.task)
                                                   ->Fit(train, control);
  const auto& trees = dynamic_cast<const models::tree::TreeEnsembleModel&>(*model);
  const std::unique_ptr<jit::CompiledTrees> code = jit::CompiledTrees::Compile(trees.ensemble());
  if (!code) throw std::runtime_error("the model could not be compiled");
  const auto compiled_sum = [&](data::MatrixView rows, float* sums, int64_t stride,
                                int64_t offset) { code->Accumulate(rows, sums, stride, offset); };

  const data::MatrixView test = split.test.view();
  const int64_t n_rows = std::min<int64_t>(test.rows, 1024);
  const int64_t width = model->n_outputs();
  std::printf("%-18s", spec.name.c_str());
  for (const int64_t batch : {1, 2, 3, 4, 5, 6, 8, 16, 64, 256}) {
    const int64_t n_batches = n_rows / batch;
    std::vector<float> interpreted(static_cast<size_t>(n_batches * batch * width));
    std::vector<float> compiled(interpreted.size());
    auto run = [&](std::vector<float>& out, bool jit) {
      for (int64_t idx = 0; idx < n_batches; ++idx) {
        const data::MatrixView rows{test.row(idx * batch), batch, test.cols};
        const std::span<float> slice(out.data() + idx * batch * width,
                                     static_cast<size_t>(batch * width));
        if (jit) {
          trees.PredictWith(rows, slice, compiled_sum);
        } else {
          model->Predict(rows, slice);
        }
      }
    };
    double interpreted_s = std::numeric_limits<double>::infinity(), compiled_s = interpreted_s;
    for (int repeat = 0; repeat < options.repeats; ++repeat) {
      interpreted_s = std::min(interpreted_s, BestSeconds(1, [&] { run(interpreted, false); }));
      compiled_s = std::min(compiled_s, BestSeconds(1, [&] { run(compiled, true); }));
    }
    RequireSameBits(compiled, interpreted, "batches");
    std::printf(" %5.2f", compiled_s / interpreted_s);
  }
  std::printf("\n");
  std::fflush(stdout);
}

int Run(int argc, char** argv) {
  RowBenchOptions options;
  options.rows = 1000;
  if (!ParseRowBenchOptions(argc, argv, options)) return 2;
  const std::string data_dir = KOLOSAL_BENCH_DATA_DIR;
  if (!std::filesystem::exists(data_dir)) {
    std::fprintf(stderr, "the shared datasets folder %s is absent\n", data_dir.c_str());
    return 1;
  }
  std::printf(
      "gradient boosting, %d rounds, depth 6. Single-row calls over %lld test rows, best of %d, "
      "us per call\n",
      options.rounds, static_cast<long long>(options.rows), options.repeats);
  std::printf("%-18s %7s | %8s %8s %8s %8s | %6s %6s | %8s %6s | %7s %7s\n", "dataset", "comp_ms",
              "direct", "eng_off", "eng_jit", "xgb_c", "j/off", "j/xgb", "dense", "d/xgb", "p50",
              "p99");
  for (const std::string& name : options.datasets) {
    BenchSingleRows(data_dir, FindSpec(name), options);
  }
  std::printf("\nthe model alone, compiled / interpreted time per row, by rows per call\n");
  std::printf("%-18s %5s %5s %5s %5s %5s %5s %5s %5s %5s %5s\n", "dataset", "1", "2", "3", "4", "5",
              "6", "8", "16", "64", "256");
  for (const std::string& name : options.datasets) {
    BenchBatchSizes(data_dir, FindSpec(name), options);
  }
  return 0;
}

}  // namespace
}  // namespace kolosal::bench

int main(int argc, char** argv) {
  try {
    return kolosal::bench::Run(argc, argv);
  } catch (const std::exception& error) {
    std::fprintf(stderr, "kolosal_bench_infer: %s\n", error.what());
    return 1;
  }
}
