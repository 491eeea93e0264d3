// C++ quick start: read a CSV, train, cross-validate, save, load and predict.
// Usage: quickstart_cpp <data-dir>   (uses <data-dir>/spam.csv)
#include <cstdio>
#include <filesystem>

#include "kolosal/data/csv_reader.hpp"
#include "kolosal/data/split.hpp"
#include "kolosal/infer/inference_engine.hpp"
#include "kolosal/stream/streaming_pipeline.hpp"
#include "kolosal/train/trainer.hpp"

int main(int argc, char** argv) {
  const std::filesystem::path csv_path =
      std::filesystem::path(argc > 1 ? argv[1] : "../shared/data") / "spam.csv";
  if (!std::filesystem::exists(csv_path)) {
    std::printf("skipped: %s not found\n", csv_path.c_str());
    return 0;
  }
  try {
    kolosal::data::CsvOptions csv;
    csv.target = "type";
    const kolosal::data::Dataset dataset = kolosal::data::ReadCsv(csv_path, csv);
    const auto split = kolosal::data::TrainTestSplit(dataset.n_rows(), 0.25, 42, &dataset.labels());

    kolosal::train::TrainSpec spec;
    spec.model = "logistic_regression";
    spec.params = {{"C", 1.0}};
    kolosal::FitControl control;
    control.n_jobs = 2;

    const auto cv = kolosal::train::CrossValidate(dataset.Take(split.train), spec, 5, "", control);
    std::printf("5-fold %s: %.4f +/- %.4f\n", cv.metric.c_str(), cv.mean, cv.std_dev);

    const auto pipeline = kolosal::train::FitPipeline(dataset.Take(split.train), spec, control);
    pipeline.SaveToFile("/tmp/spam.kolosal");
    const auto loaded = kolosal::models::TrainedPipeline::LoadFromFile("/tmp/spam.kolosal");
    for (const auto& [metric, value] : loaded.Evaluate(dataset.Take(split.test))) {
      std::printf("holdout %s: %.4f\n", metric.c_str(), value);
    }

    // Serve gradient boosting: the engine compiles the trees once the model is hot.
    spec.model = "gradient_boosting";
    spec.params = nlohmann::json::object();
    kolosal::infer::EngineOptions options;
    options.jit_min_calls = 10;
    kolosal::infer::InferenceEngine engine(options);
    engine.Load("spam", kolosal::train::FitPipeline(dataset.Take(split.train), spec, control));
    const kolosal::data::Dataset test = dataset.Take(split.test);
    for (int64_t row = 0; row < 20; ++row) engine.PredictRaw("spam", test.Take({row}));
    engine.WaitForCompilations();
    const std::vector<float> proba = engine.PredictRaw("spam", test.Take({0}));
    const auto stats = engine.Stats().at("models").at(0);
    std::printf("served: P(spam) = %.4f, JIT %s, %lld compiled calls\n", proba[1],
                stats.at("jit").at("state").get<std::string>().c_str(),
                static_cast<long long>(stats.at("compiled_calls").get<int64_t>()));

    // Stream the whole CSV through the model in chunks of 500 rows: memory stays bounded
    // whatever the file's size, and the predictions come out in input order.
    kolosal::stream::StreamOptions stream_options;
    stream_options.chunk_rows = 500;
    kolosal::stream::StreamingPipeline stream(stream_options);
    const auto out_path = std::filesystem::temp_directory_path() / "kolosal-quickstart-cpp.csv";
    stream.PredictCsv(*engine.Model("spam"), csv_path, out_path);
    const nlohmann::json streamed = stream.Stats();
    std::filesystem::remove(out_path);
    if (streamed.at("rows") != dataset.n_rows()) {
      std::fprintf(stderr, "the stream did not predict every row: %s\n", streamed.dump().c_str());
      return 1;
    }
    std::printf("streamed: %lld rows in %lld chunks\n",
                static_cast<long long>(streamed.at("rows").get<int64_t>()),
                static_cast<long long>(streamed.at("chunks").get<int64_t>()));
  } catch (const kolosal::Error& error) {
    std::fprintf(stderr, "error: %s\n", error.what());
    return 1;
  }
  return 0;
}
