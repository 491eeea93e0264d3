#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "kolosal/core/task.hpp"
#include "kolosal/data/feature_matrix.hpp"

namespace kolosal::bench {

struct DatasetSpec {
  std::string name;
  std::string target;
};

/// One dataset after the native tree preprocessing (fitted on the training part), split 75/25
/// (stratified for classification) with a fixed seed.
struct BenchSplit {
  std::string name;
  Task task = Task::kRegression;
  int n_classes = 0;
  data::FeatureMatrix train;
  data::FeatureMatrix test;
  std::vector<float> y_train;
  std::vector<float> y_test;
};

/// The target column of a shared dataset by its name; throws std::runtime_error for others.
DatasetSpec FindSpec(const std::string& name);

/// "a,b,c" -> {"a", "b", "c"}, for --datasets style options.
std::vector<std::string> SplitList(const std::string& text);

BenchSplit LoadSplit(const std::string& data_dir, const DatasetSpec& spec, uint64_t seed);

/// Writes x/y as raw little-endian float32 files plus meta.json into `dir`, for peers.py.
void WriteSplit(const BenchSplit& split, const std::string& dir);

/// Flags that take a value, by name, and what each does with it.
using FlagHandlers = std::map<std::string, std::function<void(const std::string&)>>;

/// What the benchmarks that train against Python peers (bench/trees) share.
struct PeerBenchOptions {
  std::string data_dir;
  std::string work_dir;
  std::string python = "/usr/bin/python3";
  std::vector<std::string> datasets;
  int threads = 2;
  int rounds = 200;
  int max_depth = 6;
  double learning_rate = 0.1;
  int max_bins = 255;
};

/// Handlers for --data-dir, --work-dir, --python, --datasets, --threads, --rounds, --max-depth,
/// --learning-rate and --max-bins, writing into `options`.
FlagHandlers PeerBenchFlags(PeerBenchOptions& options);

/// Runs the handler of every "--flag value" pair and of every switch in argv; throws
/// std::runtime_error for an unknown flag or a missing value.
void ParseFlags(int argc, char** argv, const FlagHandlers& with_value,
                const std::map<std::string, std::function<void()>>& switches = {});

/// Options of the benchmarks that time single rows (bench/jit, bench/infer): --datasets a,b,
/// --rounds, --repeats, --rows.
struct RowBenchOptions {
  std::vector<std::string> datasets = {"spam", "credit_data", "letterrecognition", "diamonds"};
  int rounds = 200;
  int repeats = 5;
  int64_t rows = 0;
};

/// Reads the flags into `options`; false (after a message on stderr) for an unknown flag.
bool ParseRowBenchOptions(int argc, char** argv, RowBenchOptions& options);

/// The fastest of `repeats` runs of `body`, in seconds.
double BestSeconds(int repeats, const std::function<void()>& body);

/// Throws std::runtime_error naming `what` unless the two outputs are the same bits.
void RequireSameBits(const std::vector<float>& lhs, const std::vector<float>& rhs,
                     const char* what);

/// The shortest text that reads back as `value` (Python's float() included), for the peers'
/// command lines.
std::string ExactText(double value);

/// Accuracy (argmax of `outputs`, n_outputs per row; one column means P(class 1)) or R^2.
double Score(const BenchSplit& split, std::span<const float> outputs);

}  // namespace kolosal::bench
