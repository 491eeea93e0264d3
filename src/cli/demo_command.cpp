#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "commands.hpp"
#include "kolosal/data/csv_reader.hpp"
#include "kolosal/data/split.hpp"
#include "kolosal/data/synthetic.hpp"
#include "kolosal/infer/inference_engine.hpp"
#include "kolosal/models/registry.hpp"
#include "kolosal/stream/streaming_pipeline.hpp"
#include "kolosal/train/trainer.hpp"
#include "kolosal/train/tuner.hpp"

namespace kolosal::cli {
namespace {

struct DemoCase {
  std::string file;
  std::string target;
  std::string model;
};

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// The demo's stratified 75/25 split (seed 42) and the control its fits run with.
struct DemoSplit {
  data::Dataset train;
  data::Dataset test;
  FitControl control;
};

DemoSplit SplitForDemo(const data::Dataset& dataset, int n_jobs) {
  const auto rows = data::TrainTestSplit(dataset.n_rows(), 0.25, 42, &dataset.labels());
  DemoSplit split{dataset.Take(rows.train), dataset.Take(rows.test), FitControl{}};
  split.control.n_jobs = n_jobs;
  split.control.random_state = 42;
  return split;
}

void RunCase(const std::string& name, const data::Dataset& dataset, const std::string& model,
             int n_jobs) {
  if (models::ModelRegistry::Builtin().TryFind(model) == nullptr) return;
  const DemoSplit split = SplitForDemo(dataset, n_jobs);
  const data::Dataset& train_part = split.train;
  const data::Dataset& test_part = split.test;
  const FitControl& control = split.control;
  const auto start = std::chrono::steady_clock::now();
  const auto pipeline = train::FitPipeline(train_part, train::TrainSpec{model, {}, {}}, control);
  const double fit_seconds = SecondsSince(start);
  const auto path = std::filesystem::temp_directory_path() / "kolosal-demo.kolosal";
  pipeline.SaveToFile(path.string());
  const auto loaded = models::TrainedPipeline::LoadFromFile(path.string());
  std::filesystem::remove(path);
  std::printf("%-22s %-20s %6lld rows  fit %6.2fs ", name.c_str(), model.c_str(),
              static_cast<long long>(dataset.n_rows()), fit_seconds);
  for (const auto& [metric, value] : loaded.Evaluate(test_part)) {
    if (metric == "accuracy" || metric == "roc_auc" || metric == "r2" || metric == "rmse") {
      std::printf(" %s %.4f", metric.c_str(), value);
    }
  }
  std::printf("\n");
}

data::Dataset ReadCase(const std::string& data_dir, const DemoCase& demo_case) {
  data::CsvOptions csv;
  csv.target = demo_case.target;
  return data::ReadCsv((std::filesystem::path(data_dir) / demo_case.file), csv);
}

double Score(const models::TrainedPipeline& pipeline, const data::Dataset& dataset,
             const std::string& metric) {
  for (const auto& [name, value] : pipeline.Evaluate(dataset)) {
    if (name == metric) return value;
  }
  return std::nan("");
}

// Tunes `model` by 3-fold CV on the training 75% (adaptive TPE), refits the best and scores it
// on the other 25%, next to the model with its default params.
void RunTuneCase(const std::string& name, const data::Dataset& dataset, const std::string& model,
                 int64_t n_trials, int n_jobs) {
  const DemoSplit split = SplitForDemo(dataset, n_jobs);
  const data::Dataset& train_part = split.train;
  const data::Dataset& test_part = split.test;
  const FitControl& control = split.control;
  const auto defaults = train::FitPipeline(train_part, train::TrainSpec{model, {}, {}}, control);
  train::TuneOptions options = train::ParseTuneConfig(
      {{"n_trials", n_trials}, {"optimization_strategy", "ADAPTIVE"}, {"random_state", 42}});
  options.cv_folds = 3;
  const auto start = std::chrono::steady_clock::now();
  const train::TuneResult tuned =
      train::TuneModel(train_part, train::TrainSpec{model, {}, {}}, options, control);
  const double seconds = SecondsSince(start);
  const std::string metric = tuned.summary.at("metric").get<std::string>();
  std::printf("%-22s %-20s %lld trials of 3-fold CV in %.1fs, best CV %s %.4f (trial #%lld)\n",
              name.c_str(), model.c_str(), static_cast<long long>(n_trials), seconds,
              metric.c_str(), tuned.summary.at("best_score").get<double>(),
              static_cast<long long>(tuned.summary.at("best_trial").get<int64_t>()));
  std::printf("%-22s %-20s held-out %s: default params %.4f, tuned %.4f\n", "", "", metric.c_str(),
              Score(defaults, test_part, metric), Score(tuned.pipeline, test_part, metric));
  std::printf("%-22s %-20s best params %s\n", "", "",
              tuned.summary.at("best_params").dump().c_str());
}

// Serves `model` through the inference engine one test row at a time, as an application would:
// the first jit_min_calls (100) calls run interpreted, the engine compiles the model in the
// background, and the calls after that run the compiled code, with the same outputs.
void RunServeCase(const std::string& name, const data::Dataset& dataset, const std::string& model,
                  int n_jobs) {
  constexpr int64_t kMinCalls = 100;
  constexpr int64_t kCompiledCalls = 2000;
  const DemoSplit split = SplitForDemo(dataset, n_jobs);
  auto pipeline = std::make_shared<const models::TrainedPipeline>(
      train::FitPipeline(split.train, train::TrainSpec{model, {}, {}}, split.control));
  if (!pipeline->pipeline().PassesNumbersThrough()) return;  // rows need their categories
  const data::Dataset& test = split.test;
  const int64_t cols = test.n_features();
  std::vector<float> rows;
  for (int64_t row = 0; row < test.n_rows(); ++row) {
    for (int64_t col = 0; col < cols; ++col) {
      rows.push_back(test.column(col).values[static_cast<size_t>(row)]);
    }
  }
  const std::vector<float> expected = pipeline->PredictRawDense(rows.data(), test.n_rows(), cols);
  const auto width = static_cast<size_t>(pipeline->n_outputs());

  infer::EngineOptions options;
  options.jit_min_calls = kMinCalls;
  infer::InferenceEngine engine(options);
  engine.Load(model, pipeline);
  bool same = true;
  auto serve = [&](int64_t first_call, int64_t n_calls) {
    const auto start = std::chrono::steady_clock::now();
    for (int64_t call = first_call; call < first_call + n_calls; ++call) {
      const int64_t row = call % test.n_rows();
      const std::vector<float> out =
          engine.PredictDense(model, rows.data() + row * cols, 1, cols).raw;
      same &= std::memcmp(out.data(), expected.data() + static_cast<size_t>(row) * width,
                          width * sizeof(float)) == 0;
    }
    return SecondsSince(start) * 1e6 / static_cast<double>(n_calls);
  };
  const double interpreted_us = serve(0, kMinCalls);
  engine.WaitForCompilations();
  const double compiled_us = serve(kMinCalls, kCompiledCalls);
  const nlohmann::json stats = engine.Stats().at("models").at(0);
  const nlohmann::json& jit = stats.at("jit");
  std::printf(
      "%-22s %-20s %lld single-row calls: %.1f us each interpreted (first %lld), then "
      "compiled in %.1f ms (%lld KB of x86-64), %.1f us each\n",
      name.c_str(), model.c_str(), static_cast<long long>(stats.at("calls").get<int64_t>()),
      interpreted_us, static_cast<long long>(kMinCalls), jit.at("compile_ms").get<double>(),
      static_cast<long long>(jit.at("code_bytes").get<int64_t>() / 1024), compiled_us);
  std::printf("%-22s %-20s JIT %s, %lld compiled calls, p50 %.1f us, p99 %.1f us, outputs %s\n", "",
              "", jit.at("state").get<std::string>().c_str(),
              static_cast<long long>(stats.at("compiled_calls").get<int64_t>()),
              stats.at("latency_us").at("p50").get<double>(),
              stats.at("latency_us").at("p99").get<double>(),
              same ? "identical to the interpreter's" : "DIFFERENT from the interpreter's");
}

// Streams a file ten times the size of diamonds.csv through a model with a 16 MB budget, and
// checks the first copy's predictions against in-memory prediction of diamonds.csv.
void RunStreamCase(const std::string& data_dir, int n_jobs) {
  constexpr int kCopies = 10;
  const DemoCase streamed{"diamonds.csv", "price", "gradient_boosting"};
  const data::Dataset dataset = ReadCase(data_dir, streamed);
  const DemoSplit split = SplitForDemo(dataset, n_jobs);
  const auto pipeline = train::FitPipeline(split.train, {streamed.model, {}, {}}, split.control);
  const auto folder = std::filesystem::temp_directory_path();
  const std::string big = (folder / "kolosal-demo-stream.csv").string();
  const std::string out = (folder / "kolosal-demo-stream-predictions.csv").string();
  {
    std::ifstream in(std::filesystem::path(data_dir) / streamed.file, std::ios::binary);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const size_t body = text.find('\n') + 1;
    std::ofstream copies(big, std::ios::binary);
    copies << text;
    for (int copy = 1; copy < kCopies; ++copy) copies.write(text.data() + body, text.size() - body);
  }
  stream::StreamOptions options;
  options.memory_budget_mb = 16;
  options.n_jobs = n_jobs;
  stream::StreamingPipeline stream(options);
  stream.PredictCsv(pipeline, big, out);
  const nlohmann::json stats = stream.Stats();
  // The first copy's lines against in-memory prediction of the original file.
  const std::vector<float> expected = pipeline.PredictRaw(dataset);
  std::ifstream predictions(out);
  std::string line;
  std::getline(predictions, line);  // the header
  bool same = true;
  for (const float value : expected) {
    std::getline(predictions, line);
    float streamed_value = 0;
    std::from_chars(line.data(), line.data() + line.size(), streamed_value);
    same &= streamed_value == value;
  }
  std::printf(
      "%-22s %-20s x%d = %lld rows, %.0f MB streamed with a 16 MB budget: %lld chunks, "
      "%.0fk rows/s, peak memory +%.1f MB; predictions %s\n",
      streamed.file.c_str(), streamed.model.c_str(), kCopies,
      static_cast<long long>(stats.at("rows").get<int64_t>()),
      static_cast<double>(stats.at("input_bytes").get<int64_t>()) / (1 << 20),
      static_cast<long long>(stats.at("chunks").get<int64_t>()),
      stats.at("rows_per_second").get<double>() / 1e3, stats.at("peak_memory_mb").get<double>(),
      same ? "identical to in-memory prediction" : "DIFFERENT from in-memory prediction");
  std::filesystem::remove(big);
  std::filesystem::remove(out);
}

void RunDemo(const std::string& data_dir, int n_jobs) {
  std::printf("Kolosal demo: train on 75%%, save, load the file back, score the other 25%%.\n");
  const bool synthetic = !std::filesystem::exists(data_dir);
  if (synthetic) {
    std::printf("(no datasets in %s: using synthetic data)\n", data_dir.c_str());
    RunCase("synthetic blobs", data::MakeClassification(5000, 8, 4, 3, 1.5, 7),
            "logistic_regression", n_jobs);
    RunCase("synthetic linear", data::MakeRegression(5000, 10, 1.0, 7), "ridge", n_jobs);
  } else {
    const std::vector<DemoCase> cases = {{"spam.csv", "type", "logistic_regression"},
                                         {"spam.csv", "type", "gradient_boosting"},
                                         {"credit_data.csv", "Status", "logistic_regression"},
                                         {"credit_data.csv", "Status", "random_forest"},
                                         {"letterrecognition.csv", "lettr", "gradient_boosting"},
                                         {"ames.csv", "Sale_Price", "ridge"},
                                         {"ames.csv", "Sale_Price", "gradient_boosting"},
                                         {"diamonds.csv", "price", "gradient_boosting"}};
    for (const DemoCase& demo_case : cases) {
      RunCase(demo_case.file, ReadCase(data_dir, demo_case), demo_case.model, n_jobs);
    }
  }
  std::printf("\nServe: the inference engine compiles a model once it is hot (jit_min_calls).\n");
  if (synthetic) {
    RunServeCase("synthetic blobs", data::MakeClassification(5000, 8, 4, 3, 1.5, 7),
                 "gradient_boosting", n_jobs);
  } else {
    const DemoCase served{"spam.csv", "type", "gradient_boosting"};
    RunServeCase(served.file, ReadCase(data_dir, served), served.model, n_jobs);
  }
  if (!synthetic) {
    std::printf(
        "\nStream: predict a CSV in chunks; memory stays within the budget whatever the file "
        "size.\n");
    RunStreamCase(data_dir, n_jobs);
  }
  std::printf("\nTune (ADAPTIVE around TPE), refit the best params, score the other 25%%.\n");
  if (synthetic) {
    RunTuneCase("synthetic blobs", data::MakeClassification(5000, 8, 4, 3, 1.5, 7),
                "gradient_boosting", 10, n_jobs);
  } else {
    const DemoCase tuned{"credit_data.csv", "Status", "gradient_boosting"};
    RunTuneCase(tuned.file, ReadCase(data_dir, tuned), tuned.model, 20, n_jobs);
  }
}

}  // namespace

void AddDemoCommand(CLI::App& app) {
  auto data_dir = std::make_shared<std::string>(KOLOSAL_DEFAULT_DATA_DIR);
  auto n_jobs = std::make_shared<int>(2);
  CLI::App* command =
      app.add_subcommand("demo", "Train, save, load, score, serve and tune on real datasets");
  command->add_option("--data-dir", *data_dir, "Folder with the shared datasets");
  command->add_option("--n-jobs", *n_jobs, "Threads")->check(CLI::Range(1, 1024));
  command->callback([data_dir, n_jobs] { RunDemo(*data_dir, *n_jobs); });
}

}  // namespace kolosal::cli
