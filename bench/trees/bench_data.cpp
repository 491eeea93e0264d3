#include "bench_data.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

#include "kolosal/data/csv_reader.hpp"
#include "kolosal/data/split.hpp"
#include "kolosal/models/registry.hpp"
#include "kolosal/prep/pipeline.hpp"

namespace kolosal::bench {
namespace {

void WriteFloats(const std::string& path, std::span<const float> values) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(values.data()),
            static_cast<std::streamsize>(values.size_bytes()));
  if (!out) throw std::runtime_error("cannot write " + path);
}

double Accuracy(const BenchSplit& split, std::span<const float> outputs) {
  const auto rows = static_cast<int64_t>(split.y_test.size());
  const int64_t width = static_cast<int64_t>(outputs.size()) / rows;
  double hits = 0.0;
  for (int64_t row = 0; row < rows; ++row) {
    const float* values = outputs.data() + row * width;
    const int64_t predicted =
        width == 1 ? (values[0] > 0.5f ? 1 : 0) : std::max_element(values, values + width) - values;
    hits += predicted == static_cast<int64_t>(split.y_test[row]) ? 1.0 : 0.0;
  }
  return hits / static_cast<double>(rows);
}

double RSquared(const BenchSplit& split, std::span<const float> outputs) {
  double mean = 0.0;
  for (float value : split.y_test) mean += value;
  mean /= static_cast<double>(split.y_test.size());
  double residual = 0.0;
  double total = 0.0;
  for (size_t row = 0; row < split.y_test.size(); ++row) {
    residual += (split.y_test[row] - outputs[row]) * (split.y_test[row] - outputs[row]);
    total += (split.y_test[row] - mean) * (split.y_test[row] - mean);
  }
  return 1.0 - residual / total;
}

std::vector<float> Gather(const std::vector<float>& values, const std::vector<int64_t>& rows) {
  std::vector<float> out;
  out.reserve(rows.size());
  for (int64_t row : rows) out.push_back(values[row]);
  return out;
}

}  // namespace

DatasetSpec FindSpec(const std::string& name) {
  static const std::vector<DatasetSpec> targets = {
      {"letterrecognition", "lettr"}, {"shuttle", "Class"},
      {"diamonds", "price"},          {"spam", "type"},
      {"credit_data", "Status"},      {"ames", "Sale_Price"},
      {"satellite", "classes"},       {"concrete", "compressive_strength"},
  };
  for (const DatasetSpec& spec : targets) {
    if (spec.name == name) return spec;
  }
  throw std::runtime_error("no target known for dataset " + name);
}

std::vector<std::string> SplitList(const std::string& text) {
  std::vector<std::string> items;
  std::stringstream stream(text);
  for (std::string item; std::getline(stream, item, ',');) items.push_back(item);
  return items;
}

BenchSplit LoadSplit(const std::string& data_dir, const DatasetSpec& spec, uint64_t seed) {
  data::CsvOptions options;
  options.target = spec.target;
  const data::Dataset dataset = data::ReadCsv(data_dir + "/" + spec.name + ".csv", options);
  const data::Labels& labels = dataset.labels();
  const data::TrainTestIndices indices =
      data::TrainTestSplit(dataset.n_rows(), 0.25, seed, &labels);
  // The native preprocessing of tree models: missing values and categories left to the model.
  prep::Pipeline pipeline(
      models::DefaultPreprocessing({.handles_missing = true, .handles_categorical = true}));
  BenchSplit split;
  split.name = spec.name;
  split.task = labels.task;
  split.n_classes = labels.task == Task::kClassification ? labels.n_classes() : 0;
  split.train = pipeline.FitTransform(dataset.Take(indices.train));
  split.test = pipeline.Transform(dataset.Take(indices.test));
  split.y_train = Gather(labels.values, indices.train);
  split.y_test = Gather(labels.values, indices.test);
  return split;
}

void WriteSplit(const BenchSplit& split, const std::string& dir) {
  std::filesystem::create_directories(dir);
  WriteFloats(dir + "/x_train.f32", split.train.values);
  WriteFloats(dir + "/x_test.f32", split.test.values);
  WriteFloats(dir + "/y_train.f32", split.y_train);
  WriteFloats(dir + "/y_test.f32", split.y_test);
  nlohmann::json meta = {{"name", split.name},
                         {"task", std::string(TaskName(split.task))},
                         {"n_classes", split.n_classes},
                         {"cols", split.train.cols},
                         {"train_rows", split.train.rows},
                         {"test_rows", split.test.rows}};
  nlohmann::json categorical = nlohmann::json::array();
  nlohmann::json names = nlohmann::json::array();
  for (const data::FeatureInfo& feature : split.train.features) {
    categorical.push_back(feature.categorical);
    names.push_back(feature.name);
  }
  meta["categorical"] = categorical;
  meta["features"] = names;
  std::ofstream(dir + "/meta.json") << meta.dump(2);
}

double Score(const BenchSplit& split, std::span<const float> outputs) {
  return split.task == Task::kClassification ? Accuracy(split, outputs) : RSquared(split, outputs);
}

FlagHandlers PeerBenchFlags(PeerBenchOptions& options) {
  PeerBenchOptions* out = &options;
  return {
      {"--data-dir", [out](const std::string& v) { out->data_dir = v; }},
      {"--work-dir", [out](const std::string& v) { out->work_dir = v; }},
      {"--python", [out](const std::string& v) { out->python = v; }},
      {"--datasets", [out](const std::string& v) { out->datasets = SplitList(v); }},
      {"--threads", [out](const std::string& v) { out->threads = std::stoi(v); }},
      {"--rounds", [out](const std::string& v) { out->rounds = std::stoi(v); }},
      {"--max-depth", [out](const std::string& v) { out->max_depth = std::stoi(v); }},
      {"--learning-rate", [out](const std::string& v) { out->learning_rate = std::stod(v); }},
      {"--max-bins", [out](const std::string& v) { out->max_bins = std::stoi(v); }},
  };
}

void ParseFlags(int argc, char** argv, const FlagHandlers& with_value,
                const std::map<std::string, std::function<void()>>& switches) {
  for (int idx = 1; idx < argc; ++idx) {
    const std::string arg = argv[idx];
    if (const auto flag = switches.find(arg); flag != switches.end()) {
      flag->second();
      continue;
    }
    const auto handler = with_value.find(arg);
    if (handler == with_value.end()) throw std::runtime_error("unknown option " + arg);
    if (idx + 1 >= argc) throw std::runtime_error("missing value after " + arg);
    handler->second(argv[++idx]);
  }
}

bool ParseRowBenchOptions(int argc, char** argv, RowBenchOptions& options) {
  for (int idx = 1; idx + 1 < argc; idx += 2) {
    const std::string flag = argv[idx];
    const std::string value = argv[idx + 1];
    if (flag == "--datasets") {
      options.datasets = SplitList(value);
    } else if (flag == "--rounds") {
      options.rounds = std::stoi(value);
    } else if (flag == "--repeats") {
      options.repeats = std::stoi(value);
    } else if (flag == "--rows") {
      options.rows = std::stoll(value);
    } else {
      std::fprintf(stderr, "unknown option %s\n", flag.c_str());
      return false;
    }
  }
  return true;
}

double BestSeconds(int repeats, const std::function<void()>& body) {
  double best = std::numeric_limits<double>::infinity();
  for (int repeat = 0; repeat < repeats; ++repeat) {
    const auto start = std::chrono::steady_clock::now();
    body();
    best = std::min(
        best, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  return best;
}

void RequireSameBits(const std::vector<float>& lhs, const std::vector<float>& rhs,
                     const char* what) {
  if (lhs.size() != rhs.size() ||
      std::memcmp(lhs.data(), rhs.data(), lhs.size() * sizeof(float)) != 0) {
    throw std::runtime_error(std::string(what) + ": compiled and interpreted outputs differ");
  }
}

std::string ExactText(double value) {
  char text[32];
  const auto result = std::to_chars(text, text + sizeof(text), value);
  return {text, result.ptr};
}

}  // namespace kolosal::bench
