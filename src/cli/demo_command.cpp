#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>

#include "commands.hpp"
#include "kolosal/data/csv_reader.hpp"
#include "kolosal/data/split.hpp"
#include "kolosal/data/synthetic.hpp"
#include "kolosal/models/registry.hpp"
#include "kolosal/train/trainer.hpp"

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

void RunCase(const std::string& name, const data::Dataset& dataset, const std::string& model,
             int n_jobs) {
  if (models::ModelRegistry::Builtin().TryFind(model) == nullptr) return;
  const auto split = data::TrainTestSplit(dataset.n_rows(), 0.25, 42, &dataset.labels());
  const data::Dataset train_part = dataset.Take(split.train);
  const data::Dataset test_part = dataset.Take(split.test);
  FitControl control;
  control.n_jobs = n_jobs;
  control.random_state = 42;
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

void RunDemo(const std::string& data_dir, int n_jobs) {
  std::printf("Kolosal demo: train on 75%%, save, load the file back, score the other 25%%.\n");
  const std::vector<DemoCase> cases = {{"spam.csv", "type", "logistic_regression"},
                                       {"spam.csv", "type", "gradient_boosting"},
                                       {"credit_data.csv", "Status", "logistic_regression"},
                                       {"credit_data.csv", "Status", "random_forest"},
                                       {"letterrecognition.csv", "lettr", "gradient_boosting"},
                                       {"ames.csv", "Sale_Price", "ridge"},
                                       {"ames.csv", "Sale_Price", "gradient_boosting"},
                                       {"diamonds.csv", "price", "gradient_boosting"}};
  if (!std::filesystem::exists(data_dir)) {
    std::printf("(no datasets in %s: using synthetic data)\n", data_dir.c_str());
    RunCase("synthetic blobs", data::MakeClassification(5000, 8, 4, 3, 1.5, 7),
            "logistic_regression", n_jobs);
    RunCase("synthetic linear", data::MakeRegression(5000, 10, 1.0, 7), "ridge", n_jobs);
    return;
  }
  for (const DemoCase& demo_case : cases) {
    data::CsvOptions csv;
    csv.target = demo_case.target;
    const auto dataset = data::ReadCsv((std::filesystem::path(data_dir) / demo_case.file), csv);
    RunCase(demo_case.file, dataset, demo_case.model, n_jobs);
  }
}

}  // namespace

void AddDemoCommand(CLI::App& app) {
  auto data_dir = std::make_shared<std::string>(KOLOSAL_DEFAULT_DATA_DIR);
  auto n_jobs = std::make_shared<int>(2);
  CLI::App* command = app.add_subcommand("demo", "Train, save, load and score on real datasets");
  command->add_option("--data-dir", *data_dir, "Folder with the shared datasets");
  command->add_option("--n-jobs", *n_jobs, "Threads")->check(CLI::Range(1, 1024));
  command->callback([data_dir, n_jobs] { RunDemo(*data_dir, *n_jobs); });
}

}  // namespace kolosal::cli
