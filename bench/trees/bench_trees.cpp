// bench/trees: Kolosal's gradient boosting and random forest against XGBoost hist, scikit-learn
// (run by peers.py on the very same splits) and XGBoost's C API predictor, on the shared
// datasets. Prints, per pair, the train-time ratio, the batch-predict-time ratio (Kolosal / peer;
// below 1 means Kolosal is faster) and both test scores (accuracy or R^2).
#include <tbb/task_arena.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "bench_data.hpp"
#include "kolosal/models/tree/gradient_boosting.hpp"
#include "kolosal/models/tree/random_forest.hpp"
#include "xgboost_predictor.hpp"

namespace kolosal::bench {
namespace {

struct Options : PeerBenchOptions {
  Options() {
    data_dir = KOLOSAL_BENCH_DATA_DIR;
    work_dir = "/tmp/kolosal_bench_trees";
    datasets = {"letterrecognition", "shuttle", "diamonds", "spam", "credit_data", "ames"};
  }
  int forest_trees = 100;
  int repeats = 3;
  bool run_peers = true;
  bool ordinal = false;  // treat category codes as numbers in Kolosal too (as XGBoost gets them)
  int score_splits = 1;  // > 1: also average the test scores over this many splits
  // Extra gradient_boosting params (a JSON object) on top of the matched ones, for experiments.
  nlohmann::json gbdt_params = nlohmann::json::object();
};

// The split every timing uses; --score-splits adds the seeds after it.
constexpr uint64_t kSplitSeed = 42;

struct Measured {
  double fit_s = 0.0;
  double fit_cpu_s = 0.0;  // CPU time of all threads: robust when other work shares the machine
  double predict_s = 0.0;
  double score = 0.0;
};

double Seconds(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

Options ParseOptions(int argc, char** argv) {
  Options options;
  FlagHandlers with_value = PeerBenchFlags(options);
  with_value["--forest-trees"] = [&](const std::string& v) { options.forest_trees = std::stoi(v); };
  with_value["--repeats"] = [&](const std::string& v) { options.repeats = std::stoi(v); };
  with_value["--score-splits"] = [&](const std::string& v) { options.score_splits = std::stoi(v); };
  with_value["--gbdt-params"] = [&](const std::string& v) {
    options.gbdt_params = nlohmann::json::parse(v);
  };
  ParseFlags(argc, argv, with_value,
             {{"--skip-peers", [&] { options.run_peers = false; }},
              {"--ordinal", [&] { options.ordinal = true; }}});
  // The peers get the learning rate Kolosal uses, also when --gbdt-params sets it.
  if (options.gbdt_params.contains("learning_rate")) {
    options.learning_rate = options.gbdt_params.at("learning_rate").get<double>();
  }
  return options;
}

// The work folder of a dataset's split: the dataset's name for the timed split, else with the
// seed appended.
std::string SplitName(const std::string& dataset, uint64_t seed) {
  return seed == kSplitSeed ? dataset : dataset + ".s" + std::to_string(seed);
}

std::vector<uint64_t> SplitSeeds(const Options& options) {
  std::vector<uint64_t> seeds;
  for (int idx = 0; idx < std::max(1, options.score_splits); ++idx)
    seeds.push_back(kSplitSeed + idx);
  return seeds;
}

void RunPeers(const Options& options) {
  std::string names;
  for (const std::string& dataset : options.datasets) {
    for (const uint64_t seed : SplitSeeds(options)) {
      names += (names.empty() ? "" : ",") + SplitName(dataset, seed);
    }
  }
  const std::string command =
      options.python + " " + KOLOSAL_BENCH_PEERS_SCRIPT + " --work-dir " + options.work_dir +
      " --datasets " + names + " --threads " + std::to_string(options.threads) + " --rounds " +
      std::to_string(options.rounds) + " --forest-trees " + std::to_string(options.forest_trees) +
      " --max-depth " + std::to_string(options.max_depth) + " --learning-rate " +
      ExactText(options.learning_rate) + " --max-bins " + std::to_string(options.max_bins) +
      " --repeats " + std::to_string(options.repeats);
  if (std::system(command.c_str()) != 0) throw std::runtime_error("peers failed: " + command);
}

std::unique_ptr<models::Estimator> Create(const std::string& model_name,
                                          const nlohmann::json& params, Task task) {
  if (model_name == "gradient_boosting") return models::tree::MakeGradientBoosting(params, task);
  return models::tree::MakeRandomForest(params, task);
}

template <typename Predict>
double BestOf(int repeats, const Predict& predict) {
  double best = 1e300;
  for (int run = 0; run < repeats; ++run) {
    const auto start = std::chrono::steady_clock::now();
    predict();
    best = std::min(best, Seconds(start));
  }
  return best;
}

Measured BenchKolosal(const BenchSplit& split, const std::string& model_name,
                      const nlohmann::json& params, const Options& options, int repeats) {
  std::vector<data::FeatureInfo> features = split.train.features;
  for (data::FeatureInfo& feature : features) feature.categorical &= !options.ordinal;
  models::TrainData train;
  train.x = split.train.view();
  train.y = split.y_train;
  train.features = features;
  train.task = split.task;
  train.n_classes = split.n_classes;
  FitControl control;
  control.n_jobs = options.threads;
  control.random_state = 0;
  Measured measured;
  const auto start = std::chrono::steady_clock::now();
  const std::clock_t cpu_start = std::clock();
  const std::unique_ptr<models::Model> model =
      Create(model_name, params, split.task)->Fit(train, control);
  measured.fit_s = Seconds(start);
  measured.fit_cpu_s = static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC;
  std::vector<float> out(static_cast<size_t>(split.test.rows * model->n_outputs()));
  tbb::task_arena arena(options.threads);
  measured.predict_s =
      BestOf(repeats, [&] { arena.execute([&] { model->Predict(split.test.view(), out); }); });
  measured.score = Score(split, out);
  return measured;
}

Measured BenchXgboostPredictor(const BenchSplit& split, const std::string& model_path,
                               const Options& options) {
  const XgboostPredictor predictor(model_path, options.threads);
  std::vector<float> out;
  Measured measured;
  measured.predict_s = BestOf(options.repeats, [&] {
    out = predictor.Predict(split.test.values.data(), split.test.rows, split.test.cols);
  });
  measured.score = Score(split, out);
  return measured;
}

struct PeerResult {
  double fit_s = 0.0;
  double fit_cpu_s = 0.0;
  double predict_s = 0.0;
  double score = 0.0;
};

PeerResult ReadPeer(const nlohmann::json& peer) {
  return {peer.at("fit_s"), peer.value("fit_cpu_s", 0.0), peer.at("predict_s"), peer.at("score")};
}

struct PairResult {
  std::string pair;
  Measured ours;
  PeerResult peer;
  // Binary tasks, the XGBoost pair only: XGBoost started at the class prior, as Kolosal starts by
  // default, and Kolosal started at 0.5 (base_score), as XGBoost 1.7 starts by default.
  std::optional<double> peer_prior_start_score;
  std::optional<double> ours_half_start_score;
};

void PrintRow(const std::string& dataset, const PairResult& row) {
  const Measured& ours = row.ours;
  const PeerResult& peer = row.peer;
  std::printf(
      "%-18s %-38s %6.3f (%6.2fs/%6.2fs) %6.3f (%6.2fs/%6.2fs) %6.3f (%7.4fs/%7.4fs)  %.4f  "
      "%.4f\n",
      dataset.c_str(), row.pair.c_str(), ours.fit_s / peer.fit_s, ours.fit_s, peer.fit_s,
      ours.fit_cpu_s / peer.fit_cpu_s, ours.fit_cpu_s, peer.fit_cpu_s,
      ours.predict_s / peer.predict_s, ours.predict_s, peer.predict_s, ours.score, peer.score);
  std::fflush(stdout);
}

// Throws unless the peers in `peers` (peers.json) were trained with `options`' settings, e.g. when
// --skip-peers reuses results of another run.
void CheckPeerSettings(const nlohmann::json& peers, const Options& options,
                       const std::string& folder) {
  const nlohmann::json expected = {{"learning_rate", options.learning_rate},
                                   {"rounds", options.rounds},
                                   {"max_depth", options.max_depth},
                                   {"forest_trees", options.forest_trees},
                                   {"max_bins", options.max_bins}};
  const nlohmann::json actual = peers.value("settings", nlohmann::json::object());
  for (const auto& [key, value] : expected.items()) {
    if (actual.contains(key) && actual.at(key) == value) continue;
    throw std::runtime_error(folder + "/peers.json: the peers ran with " + key + " " +
                             (actual.contains(key) ? actual.at(key).dump() : "unknown") +
                             ", this run uses " + value.dump() + "; run without --skip-peers");
  }
}

// Kolosal's two models on one split against the peers' results for it. `timed`: predictions are
// timed (best of options.repeats), XGBoost's through its C API; else only the scores count.
std::vector<PairResult> BenchSplitPairs(const BenchSplit& split, const std::string& folder,
                                        const Options& options, bool timed) {
  std::ifstream peers_file(options.work_dir + "/" + folder + "/peers.json");
  const nlohmann::json peers = nlohmann::json::parse(peers_file);
  CheckPeerSettings(peers, options, folder);
  nlohmann::json boosting_params = {{"n_estimators", options.rounds},
                                    {"learning_rate", options.learning_rate},
                                    {"growth", "depth_wise"},
                                    {"max_depth", options.max_depth},
                                    {"min_samples_leaf", 1},
                                    {"min_child_weight", 1.0},
                                    {"reg_lambda", 1.0},
                                    {"max_bins", options.max_bins}};
  boosting_params.update(options.gbdt_params);
  const int repeats = timed ? options.repeats : 1;
  const Measured boosting =
      BenchKolosal(split, "gradient_boosting", boosting_params, options, repeats);
  const bool classification = split.task == Task::kClassification;
  const nlohmann::json forest_params = {{"n_estimators", options.forest_trees},
                                        {"max_features", classification ? "sqrt" : "all"}};
  const Measured forest = BenchKolosal(split, "random_forest", forest_params, options, repeats);
  PeerResult xgb = ReadPeer(peers.at("xgboost_hist"));
  // The XGBoost pair's prediction time is XGBoost's C API predictor, called from here.
  if (timed) {
    xgb.predict_s =
        BenchXgboostPredictor(split, peers.at("xgboost_hist").at("model"), options).predict_s;
  }
  std::optional<double> prior_start;
  std::optional<double> ours_half_start;
  if (peers.contains("xgboost_hist_prior_start")) {
    prior_start = peers.at("xgboost_hist_prior_start").at("score").get<double>();
    nlohmann::json half_start_params = boosting_params;
    half_start_params["base_score"] = 0.5;
    ours_half_start = BenchKolosal(split, "gradient_boosting", half_start_params, options, 1).score;
  }
  return {{"gradient_boosting vs xgboost hist", boosting, xgb, prior_start, ours_half_start},
          {"gradient_boosting vs sklearn HistGB", boosting,
           ReadPeer(peers.at("sklearn_hist_gradient_boosting")), std::nullopt, std::nullopt},
          {"random_forest vs sklearn RandomForest", forest,
           ReadPeer(peers.at("sklearn_random_forest")), std::nullopt, std::nullopt}};
}

void PrintHeader(const Options& options) {
  std::printf("threads=%d rounds=%d max_depth=%d learning_rate=%.2f forest_trees=%d\n",
              options.threads, options.rounds, options.max_depth, options.learning_rate,
              options.forest_trees);
  std::printf("%-18s %-38s %-28s %-28s %-28s %-7s %-7s\n", "dataset", "pair",
              "train wall (ours/peer)", "train cpu (ours/peer)", "predict wall (ours/peer)", "ours",
              "peer");
}

// Mean scores over the splits, and the mean difference with its standard error.
void PrintScoreMeans(const std::string& dataset, const std::vector<std::vector<PairResult>>& runs) {
  for (size_t pair = 0; pair < runs.front().size(); ++pair) {
    const auto n = static_cast<double>(runs.size());
    double ours = 0.0;
    double peer = 0.0;
    for (const std::vector<PairResult>& run : runs) {
      ours += run[pair].ours.score / n;
      peer += run[pair].peer.score / n;
    }
    double squares = 0.0;
    for (const std::vector<PairResult>& run : runs) {
      const double diff = run[pair].ours.score - run[pair].peer.score - (ours - peer);
      squares += diff * diff;
    }
    const double std_error = runs.size() > 1 ? std::sqrt(squares / (n - 1.0) / n) : 0.0;
    std::printf("%-18s %-38s %.4f  %.4f  %+.4f +- %.4f\n", dataset.c_str(),
                runs.front()[pair].pair.c_str(), ours, peer, ours - peer, std_error);
  }
  std::fflush(stdout);
}

// Binary tasks, on the timed split: both libraries started at the same point, once at the class
// prior (Kolosal's default, XGBoost's base_score set to it) and once at 0.5 (XGBoost 1.7's
// default, Kolosal's base_score set to it).
void PrintMatchedStartScores(
    const Options& options,
    const std::map<std::string, std::vector<std::vector<PairResult>>>& runs) {
  bool header = false;
  for (const std::string& dataset : options.datasets) {
    const PairResult& xgboost = runs.at(dataset).front().front();
    if (!xgboost.peer_prior_start_score || !xgboost.ours_half_start_score) continue;
    if (!header) {
      std::printf("\nbinary tasks, both started at the same point (base_score):\n");
      header = true;
    }
    std::printf(
        "%-18s %-38s at the class prior: ours %.4f  xgboost %.4f   at 0.5: ours %.4f  "
        "xgboost %.4f\n",
        dataset.c_str(), xgboost.pair.c_str(), xgboost.ours.score, *xgboost.peer_prior_start_score,
        *xgboost.ours_half_start_score, xgboost.peer.score);
  }
}

int Main(int argc, char** argv) {
  const Options options = ParseOptions(argc, argv);
  const std::vector<uint64_t> seeds = SplitSeeds(options);
  std::map<std::string, std::vector<BenchSplit>> splits;
  for (const std::string& dataset : options.datasets) {
    for (const uint64_t seed : seeds) {
      splits[dataset].push_back(LoadSplit(options.data_dir, FindSpec(dataset), seed));
      WriteSplit(splits[dataset].back(), options.work_dir + "/" + SplitName(dataset, seed));
    }
  }
  if (options.run_peers) RunPeers(options);
  PrintHeader(options);
  std::map<std::string, std::vector<std::vector<PairResult>>> runs;
  for (const std::string& dataset : options.datasets) {
    runs[dataset].push_back(BenchSplitPairs(splits[dataset].front(), dataset, options, true));
    for (const PairResult& row : runs[dataset].back()) PrintRow(dataset, row);
  }
  PrintMatchedStartScores(options, runs);
  if (seeds.size() < 2) return 0;
  std::printf(
      "\ntest scores averaged over %zu splits (seeds %llu..%llu): ours, peer, ours - peer "
      "+- its standard error\n",
      seeds.size(), static_cast<unsigned long long>(seeds.front()),
      static_cast<unsigned long long>(seeds.back()));
  for (const std::string& dataset : options.datasets) {
    for (size_t idx = 1; idx < seeds.size(); ++idx) {
      runs[dataset].push_back(
          BenchSplitPairs(splits[dataset][idx], SplitName(dataset, seeds[idx]), options, false));
    }
    PrintScoreMeans(dataset, runs[dataset]);
  }
  return 0;
}

}  // namespace
}  // namespace kolosal::bench

int main(int argc, char** argv) {
  try {
    return kolosal::bench::Main(argc, argv);
  } catch (const std::exception& error) {
    std::fprintf(stderr, "kolosal_bench_trees: %s\n", error.what());
    return 1;
  }
}
