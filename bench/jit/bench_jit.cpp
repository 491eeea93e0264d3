// Compiled tree ensembles (jit::CompiledTrees) against Kolosal's interpreter and XGBoost's C API
// predictor, on gradient boosting with the settings of bench/trees (200 rounds, depth 6,
// learning rate 0.1), on the shared datasets' fixed 75/25 split. XGBoost is trained here through
// its C API with the same settings. Reported: single-row latency (one call per test row) and
// batch time over the test rows (2 threads), best of --repeats, with the ratios.
//
//   kolosal_bench_jit [--datasets spam,credit_data,...] [--rounds 200] [--repeats 5]
//                     [--rows 2000]
#include <xgboost/c_api.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <functional>
#include <limits>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "../trees/bench_data.hpp"
#include "../trees/xgboost_predictor.hpp"
#include "kolosal/core/fit_control.hpp"
#include "kolosal/jit/compiled_trees.hpp"
#include "kolosal/models/tree/gradient_boosting.hpp"
#include "kolosal/models/tree/gradient_boosting_model.hpp"

namespace kolosal::bench {
namespace {

void BenchDataset(const std::string& data_dir, const DatasetSpec& spec,
                  const RowBenchOptions& options) {
  const BenchSplit split = LoadSplit(data_dir, spec, 42);
  FitControl control;
  control.n_jobs = 2;
  control.random_state = 42;
  const nlohmann::json params = {{"n_estimators", options.rounds},
                                 {"learning_rate", 0.1},
                                 {"growth", "depth_wise"},
                                 {"max_depth", 6},
                                 {"min_samples_leaf", 1},
                                 {"min_child_weight", 1.0},
                                 {"reg_lambda", 1.0}};
  const models::TrainData train{split.train.view(),   split.y_train, {},
                                split.train.features, split.task,    split.n_classes};
  const std::unique_ptr<models::Model> model =
      models::tree::MakeGradientBoosting(params, split.task)->Fit(train, control);
  const auto& ensemble =
      dynamic_cast<const models::tree::GradientBoostingModel&>(*model).ensemble();

  std::unique_ptr<jit::CompiledTrees> compiled;
  const double compile_s =
      BestSeconds(1, [&] { compiled = jit::CompiledTrees::Compile(ensemble); });
  if (!compiled) throw std::runtime_error("the ensemble could not be compiled");

  const data::MatrixView test = split.test.view();
  const int64_t rows = std::min(options.rows, test.rows);
  const int64_t width = ensemble.output_width();
  const auto n_outputs = static_cast<size_t>(rows * width);

  // Single rows: the interpreter's row walk, its batch path on one row, and the compiled code.
  std::vector<float> walked(n_outputs, 0.0f);
  std::vector<float> blocked(n_outputs, 0.0f);
  std::vector<float> jitted(n_outputs, 0.0f);
  const double walk_s = BestSeconds(options.repeats, [&] {
    std::fill(walked.begin(), walked.end(), 0.0f);
    for (int64_t row = 0; row < rows; ++row) {
      ensemble.AccumulateRow(test.row(row), walked.data() + row * width, 0, ensemble.n_trees());
    }
  });
  const double block_s = BestSeconds(options.repeats, [&] {
    std::fill(blocked.begin(), blocked.end(), 0.0f);
    for (int64_t row = 0; row < rows; ++row) {
      ensemble.Accumulate({test.row(row), 1, test.cols}, blocked.data() + row * width, width, 0);
    }
  });
  const double jit_row_s = BestSeconds(options.repeats, [&] {
    std::fill(jitted.begin(), jitted.end(), 0.0f);
    for (int64_t row = 0; row < rows; ++row) {
      compiled->AccumulateRow(test.row(row), jitted.data() + row * width);
    }
  });
  RequireSameBits(jitted, walked, "single rows");
  RequireSameBits(jitted, blocked, "single rows");
  const double interp_row_s = std::min(walk_s, block_s);

  // XGBoost trained here with the same settings, its C API predicting one row per call.
  const std::string xgb_path =
      (std::filesystem::temp_directory_path() / ("kolosal_bench_jit_" + spec.name + ".json"))
          .string();
  TrainXgboostHist(split, options.rounds, xgb_path);
  const XgboostPredictor xgb_single(xgb_path, 1);
  const double xgb_row_s = BestSeconds(options.repeats, [&] {
    for (int64_t row = 0; row < rows; ++row) xgb_single.Predict(test.row(row), 1, test.cols);
  });

  // Batches: every test row at once, 2 threads.
  const auto all_outputs = static_cast<size_t>(test.rows * width);
  std::vector<float> batch_interp(all_outputs, 0.0f);
  std::vector<float> batch_jit(all_outputs, 0.0f);
  const double interp_batch_s = BestSeconds(options.repeats, [&] {
    std::fill(batch_interp.begin(), batch_interp.end(), 0.0f);
    ensemble.Accumulate(test, batch_interp.data(), width, 0);
  });
  const double jit_batch_s = BestSeconds(options.repeats, [&] {
    std::fill(batch_jit.begin(), batch_jit.end(), 0.0f);
    compiled->Accumulate(test, batch_jit.data(), width, 0);
  });
  RequireSameBits(batch_jit, batch_interp, "batch");
  const XgboostPredictor xgb_batch(xgb_path, 2);
  const double xgb_batch_s =
      BestSeconds(options.repeats, [&] { xgb_batch.Predict(test.row(0), test.rows, test.cols); });
  std::filesystem::remove(xgb_path);

  const double per_row = 1e9 / static_cast<double>(rows);
  std::printf(
      "%-18s %5lld %7.1f %7.0f | %8.0f %8.0f %8.0f %8.0f | %6.3f %6.3f | %8.2f %8.2f %8.2f | "
      "%6.3f %6.3f\n",
      spec.name.c_str(), static_cast<long long>(ensemble.n_trees()), compile_s * 1e3,
      static_cast<double>(compiled->code_size()) / 1024.0, walk_s * per_row, block_s * per_row,
      jit_row_s * per_row, xgb_row_s * per_row, jit_row_s / interp_row_s, jit_row_s / xgb_row_s,
      interp_batch_s * 1e3, jit_batch_s * 1e3, xgb_batch_s * 1e3, jit_batch_s / interp_batch_s,
      jit_batch_s / xgb_batch_s);
  std::fflush(stdout);
}

int Run(int argc, char** argv) {
  RowBenchOptions options;
  options.rows = 2000;
  if (!ParseRowBenchOptions(argc, argv, options)) return 2;
  const std::string data_dir = KOLOSAL_BENCH_DATA_DIR;
  if (!std::filesystem::exists(data_dir)) {
    std::fprintf(stderr, "the shared datasets folder %s is absent\n", data_dir.c_str());
    return 1;
  }
  std::printf(
      "gradient boosting, %d rounds, depth 6; single rows: ns per row over %lld test rows "
      "(best of %d); batch: every test row, 2 threads, ms\n",
      options.rounds, static_cast<long long>(options.rows), options.repeats);
  std::printf("%-18s %5s %7s %7s | %8s %8s %8s %8s | %6s %6s | %8s %8s %8s | %6s %6s\n", "dataset",
              "trees", "comp_ms", "code_kb", "walk_ns", "block_ns", "jit_ns", "xgb_ns", "j/int",
              "j/xgb", "int_ms", "jit_ms", "xgb_ms", "j/int", "j/xgb");
  for (const std::string& name : options.datasets) BenchDataset(data_dir, FindSpec(name), options);
  return 0;
}

}  // namespace
}  // namespace kolosal::bench

int main(int argc, char** argv) {
  try {
    return kolosal::bench::Run(argc, argv);
  } catch (const std::exception& error) {
    std::fprintf(stderr, "kolosal_bench_jit: %s\n", error.what());
    return 1;
  }
}
