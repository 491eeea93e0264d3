// Streaming prediction of a CSV much larger than the shared datasets (diamonds.csv repeated):
// Kolosal's StreamingPipeline against pandas.read_csv(chunksize) feeding XGBoost, with the
// same model settings. Each side runs in its own process; the parent reports each one's wall
// time and peak resident set (wait4), and both sides' whole-file variants for reference. Last,
// reading the whole file into memory: data::ReadCsv (as `kolosal train` reads) against
// pandas.read_csv.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "kolosal/data/csv_reader.hpp"
#include "kolosal/stream/streaming_pipeline.hpp"
#include "kolosal/train/trainer.hpp"

namespace {

using namespace kolosal;

struct Options {
  std::string data_dir = KOLOSAL_BENCH_DATA_DIR;
  std::string work_dir = "/tmp/kolosal_bench_stream";
  std::string python = "/usr/bin/python3";
  int copies = 100;
  int64_t memory_budget_mb = 64;
  int threads = 2;
  bool read_only = false;  // only the whole-file read
};

struct Measured {
  int64_t rows = 0;
  double seconds = 0;
  double peak_rss_mb = 0;
  double rss_before_mb = 0;  // the peak before the measured work (read mode)
};

std::string Path(const Options& options, const std::string& name) {
  return (std::filesystem::path(options.work_dir) / name).string();
}

// diamonds.csv's header and then its rows `copies` times over.
void WriteBigCsv(const Options& options, const std::string& path) {
  std::ifstream in(options.data_dir + "/diamonds.csv", std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + options.data_dir + "/diamonds.csv");
  std::stringstream text;
  text << in.rdbuf();
  const std::string whole = text.str();
  const size_t body = whole.find('\n') + 1;
  std::ofstream out(path, std::ios::binary);
  out << whole.substr(0, body);
  for (int copy = 0; copy < options.copies; ++copy) out << whole.substr(body);
  if (!out) throw std::runtime_error("cannot write " + path);
}

void TrainModel(const Options& options, const std::string& path) {
  data::CsvOptions csv;
  csv.target = "price";
  const data::Dataset dataset = data::ReadCsv(options.data_dir + "/diamonds.csv", csv);
  train::TrainSpec spec;
  spec.model = "gradient_boosting";
  spec.params = {{"n_estimators", 200}, {"learning_rate", 0.1},  {"growth", "depth_wise"},
                 {"max_depth", 6},      {"min_samples_leaf", 1}, {"min_child_weight", 1.0},
                 {"reg_lambda", 1.0},   {"max_bins", 255}};
  FitControl control;
  control.n_jobs = options.threads;
  train::FitPipeline(dataset, spec, control).SaveToFile(path);
}

// Runs `argv` to completion; its last stdout line is JSON with "rows" and "seconds".
Measured RunChild(const std::vector<std::string>& argv) {
  int pipe_ends[2];
  if (pipe(pipe_ends) != 0) throw std::runtime_error("pipe failed");
  const pid_t child = fork();
  if (child == 0) {
    dup2(pipe_ends[1], STDOUT_FILENO);
    close(pipe_ends[0]);
    close(pipe_ends[1]);
    std::vector<char*> args;
    for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  close(pipe_ends[1]);
  std::string output;
  char buffer[4096];
  for (ssize_t n; (n = read(pipe_ends[0], buffer, sizeof(buffer))) > 0;) {
    output.append(buffer, static_cast<size_t>(n));
  }
  close(pipe_ends[0]);
  int status = 0;
  rusage usage{};
  wait4(child, &status, 0, &usage);
  std::string command;
  for (const std::string& arg : argv) command += arg + " ";
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    throw std::runtime_error("failed: " + command);
  }
  const size_t last_line = output.find_last_of('\n', output.size() - 2);
  const nlohmann::json result =
      nlohmann::json::parse(output.substr(last_line == std::string::npos ? 0 : last_line + 1));
  return {result.at("rows").get<int64_t>(), result.at("seconds").get<double>(),
          static_cast<double>(usage.ru_maxrss) / 1024.0, result.value("rss_before_mb", 0.0)};
}

double PeakRssMb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;
}

// The child side of Kolosal's read run: the whole file into a Dataset.
int ReadWhole(const std::string& data) {
  const double rss_before_mb = PeakRssMb();
  data::CsvOptions csv;
  csv.target = "price";
  const auto start = std::chrono::steady_clock::now();
  const data::Dataset dataset = data::ReadCsv(data, csv);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("%s\n", nlohmann::json{{"rows", dataset.n_rows()},
                                     {"seconds", seconds},
                                     {"rss_before_mb", rss_before_mb}}
                          .dump()
                          .c_str());
  return 0;
}

// The child side of Kolosal's runs: the stream, or the whole file as one chunk.
int RunOurs(const std::string& mode, const std::string& model_path, const std::string& data,
            const std::string& out, const Options& options) {
  if (mode == "read") return ReadWhole(data);
  const models::TrainedPipeline model = models::TrainedPipeline::LoadFromFile(model_path);
  stream::StreamOptions stream_options;
  stream_options.memory_budget_mb = options.memory_budget_mb;
  stream_options.n_jobs = options.threads;
  if (mode == "memory") stream_options.chunk_rows = int64_t{1} << 40;
  stream::StreamingPipeline pipeline(stream_options);
  const auto start = std::chrono::steady_clock::now();
  pipeline.PredictCsv(model, data, out);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const nlohmann::json stats = pipeline.Stats();
  std::printf("%s\n",
              nlohmann::json{
                  {"rows", stats.at("rows")}, {"seconds", seconds}, {"chunks", stats.at("chunks")}}
                  .dump()
                  .c_str());
  return 0;
}

int64_t CountLines(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  int64_t lines = 0;
  for (std::string line; std::getline(in, line);) ++lines;
  return lines;
}

bool SameBytes(const std::string& lhs, const std::string& rhs) {
  std::ifstream left(lhs, std::ios::binary), right(rhs, std::ios::binary);
  return std::equal(std::istreambuf_iterator<char>(left), std::istreambuf_iterator<char>(),
                    std::istreambuf_iterator<char>(right), std::istreambuf_iterator<char>());
}

void PrintRow(const char* side, const Measured& measured) {
  std::printf("%-34s %10lld %9.2f %12.0f %10.0f\n", side, static_cast<long long>(measured.rows),
              measured.seconds, static_cast<double>(measured.rows) / measured.seconds / 1e3,
              measured.peak_rss_mb);
}

// Runs the children of one comparison: Kolosal's side (this program) and the peer's (peers.py).
struct Sides {
  const Options& options;
  std::string big, ours_model, peer_model, peers, threads, self;

  Measured Ours(const std::string& mode) const {
    return RunChild({self, "--child", mode, "--model", ours_model, "--data", big, "--out",
                     Path(options, "ours-" + mode + ".csv"), "--memory-budget-mb",
                     std::to_string(options.memory_budget_mb), "--threads", threads});
  }
  Measured Peer(const std::string& mode) const {
    return RunChild({options.python, peers, "--mode", mode, "--data", big, "--model", peer_model,
                     "--out", Path(options, "peer-" + mode + ".csv"), "--threads", threads});
  }
};

void ComparePrediction(const Sides& sides, int64_t rows) {
  const Options& options = sides.options;
  TrainModel(options, sides.ours_model);
  if (std::system((options.python + " " + sides.peers + " --mode train --data " + options.data_dir +
                   "/diamonds.csv --model " + sides.peer_model + " --threads " + sides.threads)
                      .c_str()) != 0) {
    throw std::runtime_error("peers.py --mode train failed");
  }
  const Measured ours_stream = sides.Ours("stream");
  const Measured peer_stream = sides.Peer("stream");
  const Measured ours_memory = sides.Ours("memory");
  const Measured peer_memory = sides.Peer("memory");
  for (const char* name :
       {"ours-stream.csv", "peer-stream.csv", "ours-memory.csv", "peer-memory.csv"}) {
    if (CountLines(Path(options, name)) != rows + 1) {
      throw std::runtime_error(std::string(name) + " does not hold one line per row");
    }
  }

  if (!SameBytes(Path(options, "ours-stream.csv"), Path(options, "ours-memory.csv"))) {
    throw std::runtime_error("the stream's predictions differ from the whole file's");
  }
  std::printf(
      "diamonds.csv x %d: %lld rows, %.0f MB of CSV; gradient boosting, 200 trees of "
      "depth 6; threads=%d, Kolosal memory budget %lld MB\n",
      options.copies, static_cast<long long>(rows),
      static_cast<double>(std::filesystem::file_size(sides.big)) / (1 << 20), options.threads,
      static_cast<long long>(options.memory_budget_mb));
  std::printf("%-34s %10s %9s %12s %10s\n", "side", "rows", "seconds", "krows/s", "peak RSS MB");
  PrintRow("kolosal stream", ours_stream);
  PrintRow("pandas chunks + xgboost", peer_stream);
  PrintRow("kolosal whole file (one chunk)", ours_memory);
  PrintRow("pandas whole file + xgboost", peer_memory);
  std::printf("\nkolosal stream / pandas chunks + xgboost: time %.3f, peak RSS %.3f\n",
              ours_stream.seconds / peer_stream.seconds,
              ours_stream.peak_rss_mb / peer_stream.peak_rss_mb);
  std::printf(
      "kolosal stream / kolosal whole file: time %.3f, peak RSS %.3f (the same "
      "predictions, byte for byte)\n",
      ours_stream.seconds / ours_memory.seconds, ours_stream.peak_rss_mb / ours_memory.peak_rss_mb);
}

void CompareRead(const Sides& sides, int64_t rows) {
  const Measured ours_read = sides.Ours("read");
  const Measured peer_read = sides.Peer("read");
  for (const Measured* read : {&ours_read, &peer_read}) {
    if (read->rows != rows) throw std::runtime_error("a whole-file read missed rows");
  }
  std::printf("\nreading diamonds.csv x %d (%lld rows, %.0f MB) whole into memory\n",
              sides.options.copies, static_cast<long long>(rows),
              static_cast<double>(std::filesystem::file_size(sides.big)) / (1 << 20));
  std::printf("%-34s %10s %9s %12s %10s %10s\n", "side", "rows", "seconds", "krows/s",
              "peak RSS MB", "growth MB");
  for (const auto& [side, read] : {std::pair{"kolosal data::ReadCsv", &ours_read},
                                   std::pair{"pandas.read_csv (category dtypes)", &peer_read}}) {
    std::printf("%-34s %10lld %9.2f %12.0f %10.0f %10.0f\n", side,
                static_cast<long long>(read->rows), read->seconds,
                static_cast<double>(read->rows) / read->seconds / 1e3, read->peak_rss_mb,
                read->peak_rss_mb - read->rss_before_mb);
  }
  std::printf("kolosal / pandas: time %.3f, resident growth %.3f\n",
              ours_read.seconds / peer_read.seconds,
              (ours_read.peak_rss_mb - ours_read.rss_before_mb) /
                  (peer_read.peak_rss_mb - peer_read.rss_before_mb));
}

}  // namespace

int main(int argc, char** argv) {
  try {
    Options options;
    std::string child_mode, model, data, out;
    for (int idx = 1; idx + 1 < argc; idx += 2) {
      const std::string flag = argv[idx], value = argv[idx + 1];
      if (flag == "--data-dir") {
        options.data_dir = value;
      } else if (flag == "--work-dir") {
        options.work_dir = value;
      } else if (flag == "--python") {
        options.python = value;
      } else if (flag == "--copies") {
        options.copies = std::stoi(value);
      } else if (flag == "--memory-budget-mb") {
        options.memory_budget_mb = std::stoll(value);
      } else if (flag == "--threads") {
        options.threads = std::stoi(value);
      } else if (flag == "--read-only") {
        options.read_only = value == "1";
      } else if (flag == "--child") {
        child_mode = value;
      } else if (flag == "--model") {
        model = value;
      } else if (flag == "--data") {
        data = value;
      } else if (flag == "--out") {
        out = value;
      } else {
        std::fprintf(stderr, "kolosal_bench_stream: unknown option %s\n", flag.c_str());
        return 2;
      }
    }
    if (!child_mode.empty()) return RunOurs(child_mode, model, data, out, options);

    if (!std::filesystem::exists(options.data_dir + "/diamonds.csv")) {
      std::fprintf(stderr, "kolosal_bench_stream: %s/diamonds.csv not found\n",
                   options.data_dir.c_str());
      return 77;
    }
    std::filesystem::create_directories(options.work_dir);
    const std::string big = Path(options, "big.csv");
    WriteBigCsv(options, big);
    const Sides sides{options,
                      big,
                      Path(options, "diamonds.kolosal"),
                      Path(options, "diamonds.xgboost.json"),
                      KOLOSAL_BENCH_PEERS_SCRIPT,
                      std::to_string(options.threads),
                      std::filesystem::canonical("/proc/self/exe").string()};
    const int64_t rows = int64_t{53940} * options.copies;
    if (!options.read_only) ComparePrediction(sides, rows);
    CompareRead(sides, rows);
    std::filesystem::remove(big);
    return 0;
  } catch (const std::exception& error) {
    std::fprintf(stderr, "kolosal_bench_stream: %s\n", error.what());
    return 1;
  }
}
