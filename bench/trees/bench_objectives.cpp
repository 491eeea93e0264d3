// bench/trees, regression objectives: Kolosal's gradient boosting with the poisson, gamma,
// tweedie, quantile and absolute_error objectives against the peers that optimise the same loss
// (XGBoost hist's count:poisson, reg:gamma, reg:tweedie and reg:absoluteerror; scikit-learn's
// HistGradientBoostingRegressor with loss poisson, quantile and absolute_error), trained by
// objective_peers.py on the very same splits; and squared error with one feature per dataset
// constrained to increase (monotone_constraints) against XGBoost's with the same constraint, and
// squared error as an additive model (interaction_constraints with every feature in a set of its
// own) against XGBoost's with the same sets, and squared error with DART boosting (rate_drop 0.1)
// against XGBoost's dart booster. Both sides' test predictions are scored here, with one
// implementation of each loss. Prints the train-time ratio (Kolosal / peer) and both losses.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "bench_data.hpp"
#include "kolosal/models/tree/gradient_boosting.hpp"

namespace kolosal::bench {
namespace {

struct Options : PeerBenchOptions {
  Options() {
    data_dir = KOLOSAL_BENCH_DATA_DIR;
    work_dir = "/tmp/kolosal_bench_objectives";
    datasets = {"diamonds", "ames", "concrete"};
  }
  double quantile = 0.9;
  double tweedie_power = 1.5;
  // The feature each dataset's monotone case constrains to increase (squared error).
  std::map<std::string, std::string> monotone = {
      {"diamonds", "carat"}, {"ames", "Gr_Liv_Area"}, {"concrete", "cement"}};
  int splits = 1;  // > 1: also compare the losses over this many splits (seeds 42, 43, ...)
};

Options ParseOptions(int argc, char** argv) {
  Options options;
  FlagHandlers with_value = PeerBenchFlags(options);
  with_value["--quantile"] = [&](const std::string& v) { options.quantile = std::stod(v); };
  with_value["--tweedie-power"] = [&](const std::string& v) {
    options.tweedie_power = std::stod(v);
  };
  with_value["--splits"] = [&](const std::string& v) { options.splits = std::stoi(v); };
  ParseFlags(argc, argv, with_value);
  return options;
}

void RunPeers(const Options& options, const std::vector<std::string>& folders) {
  const std::string command =
      options.python + " " + KOLOSAL_BENCH_OBJECTIVE_PEERS_SCRIPT + " --work-dir " +
      options.work_dir + " --datasets " +
      [&] {
        std::string names;
        for (const std::string& name : folders) names += (names.empty() ? "" : ",") + name;
        return names;
      }() +
      " --threads " + std::to_string(options.threads) + " --rounds " +
      std::to_string(options.rounds) + " --max-depth " + std::to_string(options.max_depth) +
      " --learning-rate " + ExactText(options.learning_rate) + " --max-bins " +
      std::to_string(options.max_bins) + " --quantile " + ExactText(options.quantile) +
      " --tweedie-power " + ExactText(options.tweedie_power) + " --monotone " + [&] {
        std::string pairs;
        for (const auto& [dataset, feature] : options.monotone) {
          pairs += (pairs.empty() ? "" : ",") + dataset + ":" + feature;
        }
        return pairs;
      }();
  if (std::system(command.c_str()) != 0) throw std::runtime_error("peers failed: " + command);
}

// The mean loss of `predicted` against `y` for `objective` (lower is better): Poisson, gamma and
// Tweedie deviance, pinball loss at the quantile, absolute error. NaN when a prediction lies
// outside the loss's domain.
double MeanLoss(const std::string& objective, const Options& options, const std::vector<float>& y,
                const std::vector<float>& predicted) {
  double total = 0.0;
  for (size_t row = 0; row < y.size(); ++row) {
    const double target = y[row];
    const double value = predicted[row];
    if (objective == "monotone" || objective == "additive" ||
        objective == "dart") {  // squared error
      total += (target - value) * (target - value);
    } else if (objective == "absolute_error") {
      total += std::abs(target - value);
    } else if (objective == "quantile") {
      const double alpha = options.quantile;
      total += target >= value ? alpha * (target - value) : (1.0 - alpha) * (value - target);
    } else if (!(value > 0.0)) {
      return std::nan("");
    } else if (objective == "poisson") {
      total += 2.0 * ((target > 0.0 ? target * std::log(target / value) : 0.0) - (target - value));
    } else if (objective == "gamma") {
      total += 2.0 * (std::log(value / target) + target / value - 1.0);
    } else {  // tweedie
      const double power = options.tweedie_power;
      total += 2.0 * (std::pow(target, 2.0 - power) / ((1.0 - power) * (2.0 - power)) -
                      target * std::pow(value, 1.0 - power) / (1.0 - power) +
                      std::pow(value, 2.0 - power) / (2.0 - power));
    }
  }
  return total / static_cast<double>(y.size());
}

// The share of targets at or below the prediction (what a quantile prediction should cover).
double Coverage(const std::vector<float>& y, const std::vector<float>& predicted) {
  double below = 0.0;
  for (size_t row = 0; row < y.size(); ++row) below += y[row] <= predicted[row] ? 1.0 : 0.0;
  return below / static_cast<double>(y.size());
}

struct Fitted {
  double fit_s = 0.0;
  double fit_cpu_s = 0.0;
  std::vector<float> predicted;
};

Fitted FitKolosal(const BenchSplit& split, const std::string& objective, const Options& options) {
  nlohmann::json params = {{"objective", objective},
                           {"n_estimators", options.rounds},
                           {"learning_rate", options.learning_rate},
                           {"growth", "depth_wise"},
                           {"max_depth", options.max_depth},
                           {"min_samples_leaf", 1},
                           {"min_child_weight", 1.0},
                           {"reg_lambda", 1.0},
                           {"max_bins", options.max_bins}};
  if (objective == "quantile") params["quantile_alpha"] = options.quantile;
  if (objective == "tweedie") params["tweedie_variance_power"] = options.tweedie_power;
  if (objective == "monotone") {
    params["objective"] = "squared_error";
    params["monotone_constraints"] = {{options.monotone.at(split.name), 1}};
  }
  if (objective == "dart") {
    params["objective"] = "squared_error";
    params["boosting"] = "dart";
    params["rate_drop"] = 0.1;
  }
  if (objective == "additive") {
    params["objective"] = "squared_error";
    params["interaction_constraints"] = nlohmann::json::array();
    for (int64_t feature = 0; feature < split.train.cols; ++feature) {
      params["interaction_constraints"].push_back({feature});
    }
  }
  models::TrainData train;
  train.x = split.train.view();
  train.y = split.y_train;
  train.features = split.train.features;
  train.task = Task::kRegression;
  FitControl control;
  control.n_jobs = options.threads;
  Fitted fitted;
  const auto start = std::chrono::steady_clock::now();
  const std::clock_t cpu_start = std::clock();
  const std::unique_ptr<models::Model> model =
      models::tree::MakeGradientBoosting(params, Task::kRegression)->Fit(train, control);
  fitted.fit_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  fitted.fit_cpu_s = static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC;
  fitted.predicted.resize(static_cast<size_t>(split.test.rows));
  model->Predict(split.test.view(), fitted.predicted);
  return fitted;
}

std::vector<float> ReadFloats(const std::string& path, size_t count) {
  std::vector<float> values(count);
  std::ifstream in(path, std::ios::binary);
  in.read(reinterpret_cast<char*>(values.data()), static_cast<std::streamsize>(count * 4));
  if (!in)
    throw std::runtime_error("cannot read " + std::to_string(count) + " floats from " + path);
  return values;
}

// Both sides' test losses per case ("objective.peer").
using CaseLosses = std::map<std::string, std::pair<double, double>>;

CaseLosses BenchDataset(const BenchSplit& split, const std::string& folder, const Options& options,
                        bool print) {
  std::ifstream file(options.work_dir + "/" + folder + "/objective_peers.json");
  CaseLosses losses;
  const nlohmann::json peers = nlohmann::json::parse(file);
  std::map<std::string, Fitted> ours;
  for (const auto& [case_name, peer] : peers.at("cases").items()) {
    const std::string objective = case_name.substr(0, case_name.find('.'));
    const std::string peer_name = case_name.substr(case_name.find('.') + 1);
    if (!ours.contains(objective)) ours[objective] = FitKolosal(split, objective, options);
    const Fitted& mine = ours.at(objective);
    const std::vector<float> theirs =
        ReadFloats(peer.at("predictions"), static_cast<size_t>(split.test.rows));
    const double peer_fit_s = peer.at("fit_s");
    const double peer_cpu_s = peer.at("fit_cpu_s");
    const double our_loss = MeanLoss(objective, options, split.y_test, mine.predicted);
    const double peer_loss = MeanLoss(objective, options, split.y_test, theirs);
    losses[case_name] = {our_loss, peer_loss};
    if (!print) continue;
    std::printf("%-10s %-15s %-8s %6.3f (%6.2fs/%6.2fs) %6.3f  %12.6g %12.6g %6.3f",
                split.name.c_str(), objective.c_str(), peer_name.c_str(), mine.fit_s / peer_fit_s,
                mine.fit_s, peer_fit_s, mine.fit_cpu_s / peer_cpu_s, our_loss, peer_loss,
                our_loss / peer_loss);
    if (objective == "quantile") {
      std::printf("   covered: ours %.3f, peer %.3f", Coverage(split.y_test, mine.predicted),
                  Coverage(split.y_test, theirs));
    }
    std::printf("\n");
    std::fflush(stdout);
  }
  return losses;
}

// Per dataset and case over the splits: both mean losses, their ratio, and on how many splits
// Kolosal's loss was the lower.
void PrintSplitMeans(const std::string& dataset, const std::vector<CaseLosses>& runs) {
  for (const auto& entry : runs.front()) {
    const std::string& case_name = entry.first;
    double ours = 0.0;
    double peer = 0.0;
    int lower = 0;
    for (const CaseLosses& run : runs) {
      const std::pair<double, double>& losses = run.at(case_name);
      ours += losses.first / static_cast<double>(runs.size());
      peer += losses.second / static_cast<double>(runs.size());
      lower += losses.first < losses.second ? 1 : 0;
    }
    std::printf("%-10s %-24s %12.6g %12.6g %6.3f   ours lower on %d of %zu\n", dataset.c_str(),
                case_name.c_str(), ours, peer, ours / peer, lower, runs.size());
  }
  std::fflush(stdout);
}

int Main(int argc, char** argv) {
  const Options options = ParseOptions(argc, argv);
  // Per dataset, split idx has seed 42 + idx and the folder "<dataset>" or "<dataset>.s<seed>".
  std::map<std::string, std::vector<std::pair<std::string, BenchSplit>>> splits;
  std::vector<std::string> folders;
  for (const std::string& dataset : options.datasets) {
    for (int idx = 0; idx < std::max(1, options.splits); ++idx) {
      const uint64_t seed = 42 + static_cast<uint64_t>(idx);
      const std::string folder = idx == 0 ? dataset : dataset + ".s" + std::to_string(seed);
      BenchSplit split = LoadSplit(options.data_dir, FindSpec(dataset), seed);
      if (split.task != Task::kRegression) {
        throw std::runtime_error(dataset + " is not a regression dataset");
      }
      WriteSplit(split, options.work_dir + "/" + folder);
      folders.push_back(folder);
      splits[dataset].emplace_back(folder, std::move(split));
    }
  }
  RunPeers(options, folders);
  std::printf(
      "threads=%d rounds=%d max_depth=%d learning_rate=%.2f quantile=%.2f "
      "tweedie_power=%.2f\n",
      options.threads, options.rounds, options.max_depth, options.learning_rate, options.quantile,
      options.tweedie_power);
  std::printf("%-10s %-15s %-8s %-28s %-7s %12s %12s %6s\n", "dataset", "objective", "peer",
              "train wall (ours/peer)", "cpu", "ours loss", "peer loss", "ratio");
  std::map<std::string, std::vector<CaseLosses>> runs;
  for (const std::string& dataset : options.datasets) {
    const std::pair<std::string, BenchSplit>& first = splits.at(dataset).front();
    runs[dataset].push_back(BenchDataset(first.second, first.first, options, true));
  }
  if (options.splits < 2) return 0;
  std::printf("\ntest losses averaged over %d splits (seeds 42..%d): ours, peer, ratio\n",
              options.splits, 41 + options.splits);
  for (const std::string& dataset : options.datasets) {
    for (size_t idx = 1; idx < splits.at(dataset).size(); ++idx) {
      const std::pair<std::string, BenchSplit>& other = splits.at(dataset)[idx];
      runs[dataset].push_back(BenchDataset(other.second, other.first, options, false));
    }
    PrintSplitMeans(dataset, runs[dataset]);
  }
  return 0;
}

}  // namespace
}  // namespace kolosal::bench

int main(int argc, char** argv) {
  try {
    return kolosal::bench::Main(argc, argv);
  } catch (const std::exception& error) {
    std::fprintf(stderr, "kolosal_bench_objectives: %s\n", error.what());
    return 1;
  }
}
