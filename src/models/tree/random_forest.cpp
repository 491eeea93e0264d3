#include "kolosal/models/tree/random_forest.hpp"

#include <tbb/blocked_range.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>
#include <tbb/partitioner.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>

#include "kolosal/core/config.hpp"
#include "kolosal/core/error.hpp"
#include "kolosal/models/tree/binned_matrix.hpp"
#include "kolosal/models/tree/forest_model.hpp"
#include "kolosal/models/tree/tree_ensemble.hpp"
#include "kolosal/models/tree/tree_params.hpp"

namespace kolosal::models::tree {
namespace {

struct GrownTree {
  Tree tree{1};
  std::vector<int32_t> oob_leaves;  // per row: the leaf of an out-of-bag row, else -1
};

// Everything one Fit() shares between its trees.
struct ForestContext {
  const ForestParams& params;
  const BinnedMatrix& bins;
  const SplitScorer& scorer;
  TreeGrowthParams growth;
  std::span<const RowStat> stats;
  uint64_t seed;
  int64_t n_draws;  // rows per bootstrap sample
};

Criterion ParseCriterion(ConfigReader& reader, Task task) {
  const bool classification = task == Task::kClassification;
  const std::string name = reader.GetChoice("criterion", classification ? "gini" : "squared_error",
                                            {"gini", "entropy", "squared_error", "mse"});
  const bool classification_criterion = name == "gini" || name == "entropy";
  if (classification_criterion != classification) {
    ThrowInvalidArgument(reader.context() + ": criterion '" + name + "' does not fit a " +
                         std::string(TaskName(task)) + " task");
  }
  if (name == "gini") return Criterion::kGini;
  if (name == "entropy") return Criterion::kEntropy;
  return Criterion::kSquaredError;
}

std::vector<RowStat> BaseStats(const TrainData& data, std::span<const float> weights,
                               bool classification) {
  std::vector<RowStat> stats(data.y.size());
  for (size_t row = 0; row < stats.size(); ++row) {
    RowStat& stat = stats[row];
    stat.count = 1.0f;
    if (classification) {
      stat.a = weights[row];
      stat.label = static_cast<int32_t>(data.y[row]);
      continue;
    }
    stat.a = weights[row] * data.y[row];
    stat.b = weights[row];
  }
  return stats;
}

// A bootstrap sample as integer weights: draw n_draws of the n rows with replacement.
std::vector<int32_t> DrawCounts(Rng& rng, int64_t n_rows, int64_t n_draws) {
  std::vector<int32_t> counts(static_cast<size_t>(n_rows), 0);
  for (int64_t draw = 0; draw < n_draws; ++draw) {
    ++counts[UniformIndex(rng, static_cast<uint64_t>(n_rows))];
  }
  return counts;
}

// balanced_subsample: per class, n_draws / (classes drawn x the class's draws), as
// scikit-learn's compute_sample_weight on the bootstrap indices; empty otherwise.
std::vector<float> SampleClassWeights(const ForestContext& context,
                                      std::span<const int32_t> counts) {
  if (!context.params.balanced_subsample) return {};
  std::vector<double> draws(static_cast<size_t>(context.scorer.n_classes()), 0.0);
  for (size_t row = 0; row < counts.size(); ++row) {
    draws[static_cast<size_t>(context.stats[row].label)] += counts[row];
  }
  const auto n_present = static_cast<double>(
      std::count_if(draws.begin(), draws.end(), [](double d) { return d > 0; }));
  std::vector<float> scale(draws.size(), 0.0f);
  for (size_t k = 0; k < draws.size(); ++k) {
    if (draws[k] > 0.0) {
      scale[k] = static_cast<float>(static_cast<double>(context.n_draws) / (n_present * draws[k]));
    }
  }
  return scale;
}

GrownTree GrowTree(const ForestContext& context, int64_t tree_idx, TreeBuilder& builder) {
  Rng rng(MixSeed(context.seed, static_cast<uint64_t>(tree_idx)));
  const int64_t n_rows = context.bins.n_rows();
  GrownTree grown;
  if (!context.params.bootstrap) {
    grown.tree = builder.Build(AllRows(n_rows), context.stats, {}, rng);
    return grown;
  }
  const std::vector<int32_t> counts = DrawCounts(rng, n_rows, context.n_draws);
  std::vector<int32_t> rows;
  std::vector<RowStat> stats(context.stats.begin(), context.stats.end());
  const std::vector<float> class_scale = SampleClassWeights(context, counts);
  for (int64_t row = 0; row < n_rows; ++row) {
    const auto count = static_cast<float>(counts[row]);
    if (!class_scale.empty()) stats[row].a *= class_scale[static_cast<size_t>(stats[row].label)];
    stats[row].a *= count;
    stats[row].b *= count;
    stats[row].count = count;
    if (counts[row] > 0) rows.push_back(static_cast<int32_t>(row));
  }
  grown.tree = builder.Build(rows, stats, {}, rng);
  if (!context.params.oob_score) return grown;
  grown.oob_leaves.assign(static_cast<size_t>(n_rows), -1);
  for (int64_t row = 0; row < n_rows; ++row) {
    if (counts[row] == 0) grown.oob_leaves[row] = grown.tree.LeafOfBinned(context.bins, row);
  }
  return grown;
}

// Sums of out-of-bag predictions, added tree by tree in tree order.
class OobAccumulator {
 public:
  OobAccumulator(int64_t n_rows, int width)
      : width_(width),
        sums_(static_cast<size_t>(n_rows * width), 0.0),
        counts_(static_cast<size_t>(n_rows), 0) {}

  void Add(const GrownTree& grown) {
    for (size_t row = 0; row < grown.oob_leaves.size(); ++row) {
      const int32_t leaf = grown.oob_leaves[row];
      if (leaf < 0) continue;
      const std::span<const float> values = grown.tree.leaf(leaf);
      for (int j = 0; j < width_; ++j) sums_[row * width_ + j] += values[j];
      ++counts_[row];
    }
  }

  // Accuracy for classification, R^2 for regression, over rows that were ever out of bag.
  double Score(std::span<const float> y, bool classification) const {
    double hits = 0.0;
    double n_scored = 0.0;
    double mean = 0.0;
    for (size_t row = 0; row < counts_.size(); ++row) {
      if (counts_[row] == 0) continue;
      n_scored += 1.0;
      mean += y[row];
    }
    if (n_scored == 0.0) return std::numeric_limits<double>::quiet_NaN();
    mean /= n_scored;
    double residual = 0.0;
    double total = 0.0;
    for (size_t row = 0; row < counts_.size(); ++row) {
      if (counts_[row] == 0) continue;
      const double* sums = sums_.data() + row * width_;
      if (classification) {
        hits += static_cast<double>(std::max_element(sums, sums + width_) - sums) == y[row];
        continue;
      }
      const double predicted = sums[0] / counts_[row];
      residual += (y[row] - predicted) * (y[row] - predicted);
      total += (y[row] - mean) * (y[row] - mean);
    }
    if (classification) return hits / n_scored;
    return total > 0.0 ? 1.0 - residual / total : 0.0;
  }

 private:
  int width_;
  std::vector<double> sums_;
  std::vector<int32_t> counts_;
};

}  // namespace

ForestParams RandomForest::ParseParams(const nlohmann::json& params, Task task,
                                       std::string_view type_name) {
  ConfigReader reader(params, std::string(type_name));
  const bool single = type_name == "decision_tree";
  const bool classification = task == Task::kClassification;
  ForestParams result;
  result.type_name = std::string(type_name);
  result.n_estimators = single ? 1 : reader.GetInt("n_estimators", 100, 1, 100000);
  result.criterion = ParseCriterion(reader, task);
  result.growth.max_depth = static_cast<int>(reader.GetInt("max_depth", 0, 0, 1000));
  result.growth.min_samples_split = reader.GetInt("min_samples_split", 2, 2, 1LL << 31);
  result.min_samples_leaf = reader.GetInt("min_samples_leaf", 1, 1, 1LL << 31);
  result.max_features = ReadMaxFeatures(reader, single || !classification ? "all" : "sqrt");
  const int64_t max_leaf_nodes = reader.GetInt("max_leaf_nodes", 0, 0, 1LL << 30);
  if (max_leaf_nodes == 1)
    ThrowInvalidArgument(reader.context() + ": max_leaf_nodes must be 0 or >= 2");
  result.growth.max_leaves = static_cast<int>(max_leaf_nodes);
  result.growth.leaf_wise = max_leaf_nodes > 0;
  result.growth.random_splits = type_name == "extra_trees";
  result.bootstrap = !single && reader.GetBool("bootstrap", type_name != "extra_trees");
  result.oob_score = !single && reader.GetBool("oob_score", false);
  if (result.oob_score && !result.bootstrap) {
    ThrowInvalidArgument(reader.context() + ": oob_score needs bootstrap=true");
  }
  if (const nlohmann::json* max_samples = single ? nullptr : reader.Find("max_samples")) {
    if (!result.bootstrap) {
      ThrowInvalidArgument(reader.context() +
                           ": max_samples sizes the bootstrap sample, so it "
                           "needs bootstrap=true");
    }
    if (max_samples->is_number_integer()) {
      result.max_samples_count = reader.GetInt("max_samples", 0, 1, 1LL << 31);
    } else {
      result.max_samples_fraction = reader.GetDouble("max_samples", 1.0, 1e-9, 1.0);
    }
  }
  result.growth.min_impurity_decrease = reader.GetDouble("min_impurity_decrease", 0.0, 0.0, 1e300);
  const ClassWeighting weighting = ReadClassWeighting(reader, task, !single);
  // Without a bootstrap sample the sample is the training set, as in scikit-learn.
  const bool by_sample = weighting == ClassWeighting::kBalancedSubsample;
  result.balanced = weighting == ClassWeighting::kBalanced || (by_sample && !result.bootstrap);
  result.balanced_subsample = by_sample && result.bootstrap;
  result.max_bins = static_cast<int>(reader.GetInt("max_bins", 255, 2, 255));
  // The training engine passes these to every model; they come through FitControl here.
  reader.Allow("random_state");
  reader.Allow("n_jobs");
  reader.Finish();
  return result;
}

std::unique_ptr<Model> RandomForest::Fit(const TrainData& data, const FitControl& control) const {
  ValidateTrainData(data);
  WarnWideCategoricals(data, control, params_.type_name);
  const bool classification = data.task == Task::kClassification;
  if (classification != (params_.criterion != Criterion::kSquaredError)) {
    ThrowInvalidArgument(params_.type_name + ": the criterion does not fit the task");
  }
  const int n_classes = classification ? data.n_classes : 0;
  const std::vector<float> weights = RowWeights(data, params_.balanced);
  const std::vector<RowStat> stats = BaseStats(data, weights, classification);
  const SplitScorer scorer(params_.criterion, n_classes, 0.0, 0.0, 0.0,
                           static_cast<double>(params_.min_samples_leaf));
  TreeGrowthParams growth = params_.growth;
  growth.max_features = MaxFeaturesFraction(params_.max_features, data.x.cols);
  growth.parallel = params_.n_estimators == 1;
  growth.split_zero_gain = true;
  growth.center_thresholds = true;
  growth.random_ties = true;

  tbb::task_arena arena(ArenaThreads(control));
  std::unique_ptr<BinnedMatrix> bins;
  arena.execute([&] {
    bins = std::make_unique<BinnedMatrix>(BinMapper::Fit(data.x, data.features, params_.max_bins),
                                          data.x);
  });
  const ForestContext context{
      params_, *bins, scorer, growth, stats, control.random_state, BootstrapDraws(data.x.rows)};
  TreeEnsemble ensemble(data.x.cols, scorer.leaf_width());
  OobAccumulator oob(data.x.rows, scorer.leaf_width());
  // One builder per thread, reused from tree to tree: a tree depends only on its own seed, and
  // fresh buffers per tree would cost page faults.
  tbb::enumerable_thread_specific<std::unique_ptr<TreeBuilder>> builders(
      [&] { return std::make_unique<TreeBuilder>(*bins, scorer, growth); });
  const int64_t batch_size = std::max(1, 4 * ArenaThreads(control));
  for (int64_t first = 0; first < params_.n_estimators; first += batch_size) {
    control.CheckCancelled();
    const int64_t last = std::min(params_.n_estimators, first + batch_size);
    std::vector<GrownTree> grown(static_cast<size_t>(last - first));
    // One task per tree (simple_partitioner): trees differ in cost, so idle threads steal them.
    arena.execute([&] {
      tbb::parallel_for(
          tbb::blocked_range<int64_t>(first, last, 1),
          [&](const tbb::blocked_range<int64_t>& range) {
            TreeBuilder& builder = *builders.local();
            for (int64_t tree_idx = range.begin(); tree_idx < range.end(); ++tree_idx) {
              grown[tree_idx - first] = GrowTree(context, tree_idx, builder);
            }
          },
          tbb::simple_partitioner());
    });
    for (const GrownTree& tree : grown) {
      ensemble.Append(tree.tree, 0);
      if (params_.oob_score) oob.Add(tree);
    }
    control.ReportProgress(static_cast<double>(last) / params_.n_estimators, params_.type_name);
  }
  const double oob_score = params_.oob_score ? oob.Score(data.y, classification)
                                             : std::numeric_limits<double>::quiet_NaN();
  if (params_.oob_score)
    control.Log(LogLevel::kInfo, params_.type_name + ": oob score " + std::to_string(oob_score));
  return std::make_unique<ForestModel>(params_.type_name, data.task, n_classes, std::move(ensemble),
                                       oob_score);
}

int64_t RandomForest::BootstrapDraws(int64_t n_rows) const {
  if (params_.max_samples_count > 0) {
    if (params_.max_samples_count > n_rows) {
      ThrowInvalidArgument(params_.type_name + ": max_samples " +
                           std::to_string(params_.max_samples_count) + " is more than the " +
                           std::to_string(n_rows) + " training rows");
    }
    return params_.max_samples_count;
  }
  if (params_.max_samples_fraction > 0.0) {
    return std::max<int64_t>(
        std::llround(params_.max_samples_fraction * static_cast<double>(n_rows)), 1);
  }
  return n_rows;
}

std::unique_ptr<Estimator> MakeRandomForest(const nlohmann::json& params, Task task) {
  return std::make_unique<RandomForest>(RandomForest::ParseParams(params, task, "random_forest"));
}

std::unique_ptr<Estimator> MakeExtraTrees(const nlohmann::json& params, Task task) {
  return std::make_unique<RandomForest>(RandomForest::ParseParams(params, task, "extra_trees"));
}

}  // namespace kolosal::models::tree
