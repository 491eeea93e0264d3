// Runs Kolosal's samplers on the standard test functions and writes one JSON line per run
// (final best value, regret) and per timing run (sampler time per trial). See docs/hpo.md.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "kolosal/hpo/detail/sampling.hpp"
#include "kolosal/hpo/in_memory_storage.hpp"
#include "kolosal/hpo/study.hpp"
#include "kolosal/hpo/test_functions.hpp"

namespace {

using kolosal::hpo::FrozenTrial;
using kolosal::hpo::Study;
using kolosal::hpo::TestFunction;

struct Args {
  std::vector<std::string> samplers = {"tpe", "gp", "adaptive", "adaptive_gp"};
  std::vector<std::string> functions;
  int seeds = 20;
  int seed_offset = 0;
  nlohmann::json extra_config = nlohmann::json::object();
  int trials = 100;
  int timing_trials = 1000;
  std::vector<std::string> timing_samplers = {"tpe", "adaptive", "gp", "adaptive_gp"};
};

std::vector<std::string> SplitList(const std::string& text) {
  std::vector<std::string> items;
  std::stringstream stream(text);
  for (std::string item; std::getline(stream, item, ',');) {
    if (!item.empty()) items.push_back(item);
  }
  return items;
}

Args ParseArgs(int argc, char** argv) {
  Args args;
  for (int idx = 1; idx + 1 < argc; idx += 2) {
    const std::string key = argv[idx];
    const std::string value = argv[idx + 1];
    if (key == "--samplers") args.samplers = SplitList(value);
    if (key == "--functions") args.functions = SplitList(value);
    if (key == "--seeds") args.seeds = std::atoi(value.c_str());
    if (key == "--seed-offset") args.seed_offset = std::atoi(value.c_str());
    if (key == "--config") args.extra_config = nlohmann::json::parse(value);
    if (key == "--trials") args.trials = std::atoi(value.c_str());
    if (key == "--timing-trials") args.timing_trials = std::atoi(value.c_str());
    if (key == "--timing-samplers") args.timing_samplers = SplitList(value);
  }
  return args;
}

// The study config of a sampler name as the benchmark reports it, with `extra` (--config)
// merged over it.
nlohmann::json ConfigFor(const std::string& sampler, int trials, int seed,
                         const nlohmann::json& extra) {
  nlohmann::json config = {{"max_trials", trials}, {"random_state", seed}};
  if (sampler == "adaptive_gp") {  // ADAPTIVE around the GP (hyperopt_backend skopt)
    config["optimization_strategy"] = "ADAPTIVE";
    config["hyperopt_backend"] = "skopt";
  } else if (sampler == "adaptive") {
    config["optimization_strategy"] = "ADAPTIVE";
  } else {
    config["sampler"] = sampler;
  }
  config.merge_patch(extra);
  return config;
}

// Runs one study; returns the best value and fills the per-trial ask+tell times (seconds).
double RunStudy(const TestFunction& function, const std::string& sampler, int trials, int seed,
                const nlohmann::json& extra, std::vector<double>* overheads) {
  Study study(function.space,
              kolosal::hpo::ParseStudyOptions(ConfigFor(sampler, trials, seed, extra)),
              std::make_unique<kolosal::hpo::InMemoryStorage>());
  double best = std::numeric_limits<double>::infinity();
  for (int trial_idx = 0; trial_idx < trials; ++trial_idx) {
    const auto start = std::chrono::steady_clock::now();
    const kolosal::hpo::Trial trial = study.Ask();
    const auto asked = std::chrono::steady_clock::now();
    const double value = function.evaluate(trial.values());
    const auto tell_start = std::chrono::steady_clock::now();
    study.Tell(trial.number(), value);
    const auto told = std::chrono::steady_clock::now();
    best = std::min(best, value);
    if (overheads != nullptr) {
      overheads->push_back(std::chrono::duration<double>(asked - start).count() +
                           std::chrono::duration<double>(told - tell_start).count());
    }
  }
  return best;
}

// This thread's CPU time in seconds: unlike the wall clock, it does not grow when other
// processes share the cores.
double ThreadSeconds() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + 1e-9 * static_cast<double>(now.tv_nsec);
}

struct TrialTime {
  double wall = 0.0;
  double cpu = 0.0;
};

// Mean ask + tell time (wall clock and thread CPU) over `measured` trials asked after `history`
// random finished trials (the sampler's cost depends on how many trials it sees, not on where
// they lie).
TrialTime TimeAt(const TestFunction& function, const std::string& sampler, int history,
                 const nlohmann::json& extra) {
  constexpr int kMeasured = 10;
  nlohmann::json trials = nlohmann::json::array();
  kolosal::Rng rng(12345);
  for (int idx = 0; idx < history; ++idx) {
    const kolosal::hpo::ParamVector params =
        kolosal::hpo::detail::SampleUniformVector(function.space, rng);
    trials.push_back(
        {{"params", function.space.ToExternal(params)}, {"value", function.evaluate(params)}});
  }
  nlohmann::json config = ConfigFor(sampler, history + kMeasured, 0, extra);
  config["warm_start"] = trials;
  Study study(function.space, kolosal::hpo::ParseStudyOptions(config),
              std::make_unique<kolosal::hpo::InMemoryStorage>());
  TrialTime total;
  for (int idx = 0; idx < kMeasured; ++idx) {
    const auto start = std::chrono::steady_clock::now();
    const double cpu_start = ThreadSeconds();
    const kolosal::hpo::Trial trial = study.Ask();
    const auto asked = std::chrono::steady_clock::now();
    const double cpu_asked = ThreadSeconds();
    const double value = function.evaluate(trial.values());
    const auto tell_start = std::chrono::steady_clock::now();
    const double cpu_tell_start = ThreadSeconds();
    study.Tell(trial.number(), value);
    total.cpu += (cpu_asked - cpu_start) + (ThreadSeconds() - cpu_tell_start);
    total.wall +=
        std::chrono::duration<double>(asked - start).count() +
        std::chrono::duration<double>(std::chrono::steady_clock::now() - tell_start).count();
  }
  return {total.wall / kMeasured, total.cpu / kMeasured};
}

double MeanOver(const std::vector<double>& values, size_t begin, size_t end) {
  double total = 0.0;
  for (size_t idx = begin; idx < end && idx < values.size(); ++idx) total += values[idx];
  return total / static_cast<double>(end - begin);
}

}  // namespace

int main(int argc, char** argv) {
  const Args args = ParseArgs(argc, argv);
  std::vector<TestFunction> functions = kolosal::hpo::StandardTestFunctions();
  for (const TestFunction& function : functions) {
    if (!args.functions.empty() && std::find(args.functions.begin(), args.functions.end(),
                                             function.name) == args.functions.end()) {
      continue;
    }
    for (const std::string& sampler : args.samplers) {
      for (int seed = args.seed_offset; seed < args.seed_offset + args.seeds; ++seed) {
        std::vector<double> overheads;
        const double best =
            RunStudy(function, sampler, args.trials, seed, args.extra_config, &overheads);
        const nlohmann::json line = {
            {"kind", "run"},
            {"library", "kolosal"},
            {"sampler", sampler},
            {"function", function.name},
            {"seed", seed},
            {"best", best},
            {"regret", best - function.optimum},
            {"seconds_per_trial", MeanOver(overheads, 0, overheads.size())},
            {"last10_seconds_per_trial",
             MeanOver(overheads, overheads.size() - std::min<size_t>(10, overheads.size()),
                      overheads.size())}};
        std::cout << line.dump() << std::endl;
      }
      std::fprintf(stderr, "[kolosal] %s %s: %d seeds done\n", function.name.c_str(),
                   sampler.c_str(), args.seeds);
    }
  }
  if (args.timing_trials <= 0) return 0;
  const TestFunction timing_function = kolosal::hpo::FindTestFunction("hartmann6");
  for (const std::string& sampler : args.timing_samplers) {
    const TrialTime at_100 = TimeAt(timing_function, sampler, 90, args.extra_config);
    const TrialTime at_1000 =
        TimeAt(timing_function, sampler, args.timing_trials - 10, args.extra_config);
    const nlohmann::json line = {{"kind", "timing"},         {"library", "kolosal"},
                                 {"sampler", sampler},       {"function", timing_function.name},
                                 {"at_100", at_100.wall},    {"at_1000", at_1000.wall},
                                 {"at_100_cpu", at_100.cpu}, {"at_1000_cpu", at_1000.cpu}};
    std::cout << line.dump() << std::endl;
    std::fprintf(stderr, "[kolosal] timing %s done\n", sampler.c_str());
  }
  return 0;
}
