#include "kolosal/models/tree/gradient_boosting.hpp"

#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "kolosal/core/config.hpp"
#include "kolosal/core/error.hpp"
#include "kolosal/core/names.hpp"
#include "kolosal/metrics/metric.hpp"
#include "kolosal/models/tree/binned_matrix.hpp"
#include "kolosal/models/tree/gbdt_objective.hpp"
#include "kolosal/models/tree/gradient_boosting_model.hpp"
#include "kolosal/models/tree/tree_params.hpp"

namespace kolosal::models::tree {
namespace {

constexpr int64_t kRowBlock = 4096;
// Training cells (rows x features) below which one tree grows on the calling thread. The loops
// inside a tree (per-node histograms, split search, partition) are too short to share on such
// data: on diamonds (40k x 9) a second thread left the wall time as it was and doubled the CPU
// time, and on a busy machine it made fits slower. Softmax rounds still grow their class trees in
// parallel.
constexpr int64_t kParallelCells = int64_t{1} << 20;
constexpr uint64_t kRowSampleStream = 0x5a17;
constexpr uint64_t kFeatureSampleStream = 0xfea7;
constexpr uint64_t kTreeStream = 0x7733;
constexpr uint64_t kDropStream = uint64_t{0xda47} << 32;
constexpr uint64_t kGossStream = uint64_t{0x6055} << 32;
// base_score beyond float32's reach would make every margin infinite.
constexpr double kMaxBaseScore = 1e30;

template <typename Body>
void ForEachBlock(int64_t n, bool parallel, const Body& body) {
  const int64_t n_blocks = (n + kRowBlock - 1) / kRowBlock;
  auto run = [&](int64_t block) { body(block * kRowBlock, std::min(n, (block + 1) * kRowBlock)); };
  if (!parallel || n_blocks <= 1) {
    for (int64_t block = 0; block < n_blocks; ++block) run(block);
    return;
  }
  tbb::parallel_for(int64_t{0}, n_blocks, run);
}

// The state of one Fit(): training and validation rows, margins, builders and trees so far.
class BoostingRun {
 public:
  BoostingRun(const GradientBoostingParams& params, const TrainData& data,
              const FitControl& control)
      : params_(params),
        data_(data),
        control_(control),
        objective_(GbdtObjective::FromName(params.objective, data.task, data.n_classes,
                                           params.objective_params)),
        n_margins_(objective_.n_margins()),
        arena_(ArenaThreads(control)) {}

  std::unique_ptr<Model> Run();

 private:
  void SplitRows();
  void Prepare();
  void RunRound(int64_t round);
  std::vector<int32_t> SampleRows(int64_t round) const;
  std::vector<int32_t> GossRows(int64_t round);
  std::vector<int32_t> SampleFeatures(int64_t round) const;
  void GrowTree(int64_t round, int margin, std::span<const int32_t> rows,
                std::span<const int32_t> features, bool all_rows);
  void FinishLeaves(Tree& tree, const TreeBuilder& builder, int margin) const;
  void UpdateMargins(const Tree& tree, const TreeBuilder& builder, int margin, bool all_rows);
  void UpdateValidation(int64_t first_tree, int64_t last_tree);
  std::vector<int64_t> DrawDroppedRounds(int64_t round) const;
  struct DartWeight {
    double added;    // the new round's weight
    double dropped;  // what the dropped rounds' weights are multiplied by
  };
  DartWeight DartWeights(size_t n_dropped) const;
  void DropRounds(std::span<const int64_t> dropped);
  void RestoreDropped(float factor);
  void FinishDartRound(std::span<const int64_t> dropped);
  double ValidationScore();
  bool ShouldStop(int64_t round);
  nlohmann::json ValidationRecord() const;

  const GradientBoostingParams& params_;
  const TrainData& data_;
  const FitControl& control_;
  GbdtObjective objective_;
  int n_margins_;
  tbb::task_arena arena_;
  bool parallel_rows_ = true;  // parallel loops over the rows of one tree (see kParallelCells)

  std::vector<int32_t> train_rows_;
  std::vector<int32_t> valid_rows_;
  std::vector<float> y_, weights_, y_valid_, weights_valid_;
  std::unique_ptr<BinnedMatrix> bins_;
  std::vector<float> base_margins_;
  std::vector<float> margins_, valid_margins_;
  std::vector<RowStat> stats_;
  std::vector<uint8_t> in_sample_;  // per training row: in this round's sample (when not all)
  std::vector<std::unique_ptr<TreeBuilder>> builders_;
  std::vector<Tree> round_trees_;
  TreeEnsemble ensemble_;
  // DART: every round's trees (n_margins_ per round, leaves already times the round's weight),
  // appended to ensemble_ at the end; the weights; and the dropped rounds' sum per row.
  std::vector<Tree> dart_trees_;
  std::vector<double> round_weights_;
  std::vector<float> dropped_sum_;
  float leaf_scale_ = 1.0f;  // the new round's weight, applied with the learning rate
  const metrics::Metric* metric_ = nullptr;  // eval_metric, or null for the objective's loss
  std::vector<float> valid_outputs_;
  std::vector<double> scores_;  // the validation score after every round
  double best_loss_ = std::numeric_limits<double>::infinity();
  int64_t best_round_ = -1;
};

void BoostingRun::SplitRows() {
  const int64_t n_rows = data_.x.rows;
  std::vector<int32_t> order = AllRows(n_rows);
  if (params_.early_stopping_rounds <= 0 || n_rows < 2) {
    train_rows_ = std::move(order);
    return;
  }
  Rng rng(MixSeed(control_.random_state, kRowSampleStream));
  for (int64_t idx = n_rows - 1; idx > 0; --idx) {
    std::swap(order[idx], order[UniformIndex(rng, static_cast<uint64_t>(idx + 1))]);
  }
  const auto n_valid = std::clamp<int64_t>(
      static_cast<int64_t>(params_.validation_fraction * static_cast<double>(n_rows)), 1,
      n_rows - 1);
  valid_rows_.assign(order.begin(), order.begin() + n_valid);
  train_rows_.assign(order.begin() + n_valid, order.end());
  std::sort(valid_rows_.begin(), valid_rows_.end());
  std::sort(train_rows_.begin(), train_rows_.end());
}

void BoostingRun::Prepare() {
  std::vector<float> weights = RowWeights(data_, params_.balanced);
  if (params_.scale_pos_weight != 1.0) {
    if (data_.n_classes != 2) {
      ThrowInvalidArgument("gradient_boosting: scale_pos_weight needs two classes, the data has " +
                           std::to_string(data_.n_classes));
    }
    for (size_t row = 0; row < weights.size(); ++row) {
      if (data_.y[row] == 1.0f) weights[row] *= static_cast<float>(params_.scale_pos_weight);
    }
  }
  for (int32_t row : train_rows_) {
    y_.push_back(data_.y[row]);
    weights_.push_back(weights[row]);
  }
  for (int32_t row : valid_rows_) {
    y_valid_.push_back(data_.y[row]);
    weights_valid_.push_back(weights[row]);
  }
  arena_.execute([&] {
    bins_ = std::make_unique<BinnedMatrix>(
        BinMapper::Fit(data_.x, data_.features, params_.max_bins, train_rows_), data_.x,
        train_rows_);
  });
  base_margins_ = params_.base_score ? objective_.MarginsAt(*params_.base_score)
                                     : objective_.BaseMargins(y_, weights_);
  margins_.resize(train_rows_.size() * n_margins_);
  valid_margins_.resize(valid_rows_.size() * n_margins_);
  for (size_t idx = 0; idx < margins_.size(); ++idx)
    margins_[idx] = base_margins_[idx % n_margins_];
  for (size_t idx = 0; idx < valid_margins_.size(); ++idx) {
    valid_margins_[idx] = base_margins_[idx % n_margins_];
  }
  stats_.resize(train_rows_.size() * n_margins_);
  const SplitScorer scorer(Criterion::kGradient, 0, params_.reg_lambda, params_.reg_alpha,
                           params_.min_child_weight, static_cast<double>(params_.min_samples_leaf));
  parallel_rows_ = static_cast<int64_t>(train_rows_.size()) * data_.x.cols >= kParallelCells;
  TreeGrowthParams growth = params_.growth;
  growth.parallel = n_margins_ == 1 && parallel_rows_;
  growth.monotone =
      ResolveMonotoneConstraints(params_.monotone_constraints, data_.features, data_.x.cols);
  growth.interaction_sets =
      ResolveInteractionConstraints(params_.interaction_constraints, data_.features, data_.x.cols);
  for (int margin = 0; margin < n_margins_; ++margin) {
    builders_.push_back(std::make_unique<TreeBuilder>(*bins_, scorer, growth));
  }
  round_trees_.assign(static_cast<size_t>(n_margins_), Tree(1));
  ensemble_ = TreeEnsemble(data_.x.cols, 1);
}

std::unique_ptr<Model> BoostingRun::Run() {
  if (data_.task == Task::kClassification && data_.n_classes == 1) {
    return std::make_unique<GradientBoostingModel>(
        data_.task, 1, objective_, std::vector<float>{0.0f}, TreeEnsemble(data_.x.cols, 1));
  }
  objective_.CheckTargets(data_.y);
  if (!params_.eval_metric.empty()) {
    metric_ = &metrics::MetricRegistry::Builtin().FindFor(params_.eval_metric, data_.task);
    if (!metrics::AppliesTo(*metric_, data_.task, data_.n_classes)) {
      ThrowInvalidArgument("gradient_boosting: eval_metric '" + metric_->name + "' does not take " +
                           std::to_string(data_.n_classes) + " classes");
    }
  }
  SplitRows();
  Prepare();
  for (int64_t round = 0; round < params_.n_estimators; ++round) {
    control_.CheckCancelled();
    RunRound(round);
    const bool stop = ShouldStop(round);
    control_.ReportProgress(static_cast<double>(round + 1) / params_.n_estimators,
                            "gradient_boosting");
    if (stop) break;
  }
  for (size_t tree = 0; tree < dart_trees_.size(); ++tree) {
    ensemble_.Append(dart_trees_[tree], static_cast<int>(tree % static_cast<size_t>(n_margins_)));
  }
  if (best_round_ >= 0) ensemble_.Truncate((best_round_ + 1) * n_margins_);
  auto model = std::make_unique<GradientBoostingModel>(data_.task, data_.n_classes, objective_,
                                                       base_margins_, std::move(ensemble_));
  if (!scores_.empty()) model->set_validation(ValidationRecord());
  return model;
}

std::vector<int32_t> BoostingRun::SampleRows(int64_t round) const {
  const auto n_rows = static_cast<int64_t>(train_rows_.size());
  if (params_.subsample >= 1.0) return AllRows(n_rows);
  Rng rng(MixSeed(control_.random_state, kRowSampleStream + 1 + static_cast<uint64_t>(round)));
  std::vector<int32_t> rows;
  for (int64_t row = 0; row < n_rows; ++row) {
    if (UniformUnit(rng) < params_.subsample) rows.push_back(static_cast<int32_t>(row));
  }
  return rows;
}

// LightGBM's GOSS: after the first 1 / learning_rate rounds (which use every row), keeps the
// rows whose |gradient x hessian| (summed over the margins) is among the top_rate share, and
// draws other_rate x n of the others by selection sampling, scaling their stats by
// (n - top) / other so that the sampled sums stay unbiased.
std::vector<int32_t> BoostingRun::GossRows(int64_t round) {
  const auto n_rows = static_cast<int64_t>(train_rows_.size());
  if (static_cast<double>(round) < 1.0 / params_.learning_rate) return AllRows(n_rows);
  const auto n_top =
      std::max<int64_t>(static_cast<int64_t>(params_.top_rate * static_cast<double>(n_rows)), 1);
  const auto n_other =
      std::max<int64_t>(static_cast<int64_t>(params_.other_rate * static_cast<double>(n_rows)), 1);
  if (n_top + n_other >= n_rows) return AllRows(n_rows);
  std::vector<float> scores(static_cast<size_t>(n_rows), 0.0f);
  for (int margin = 0; margin < n_margins_; ++margin) {
    for (int64_t row = 0; row < n_rows; ++row) {
      const RowStat& stat = stats_[static_cast<size_t>(margin * n_rows + row)];
      scores[static_cast<size_t>(row)] += std::abs(stat.a * stat.b);
    }
  }
  std::vector<float> ranked = scores;
  std::nth_element(ranked.begin(), ranked.begin() + (n_top - 1), ranked.end(),
                   std::greater<float>());
  const float threshold = ranked[static_cast<size_t>(n_top - 1)];
  const auto scale =
      static_cast<float>(static_cast<double>(n_rows - n_top) / static_cast<double>(n_other));
  Rng rng(MixSeed(control_.random_state, kGossStream + static_cast<uint64_t>(round)));
  std::vector<int32_t> rows;
  int64_t n_big = 0;
  for (int64_t row = 0; row < n_rows; ++row) {
    if (scores[static_cast<size_t>(row)] >= threshold) {
      rows.push_back(static_cast<int32_t>(row));
      ++n_big;
      continue;
    }
    const auto still_needed =
        static_cast<double>(n_other - (static_cast<int64_t>(rows.size()) - n_big));
    const auto still_left =
        static_cast<double>((n_rows - row) - std::max<int64_t>(n_top - n_big, 0));
    if (still_needed <= 0.0 || UniformUnit(rng) * still_left >= still_needed) continue;
    rows.push_back(static_cast<int32_t>(row));
    for (int margin = 0; margin < n_margins_; ++margin) {
      RowStat& stat = stats_[static_cast<size_t>(margin * n_rows + row)];
      stat.a *= scale;
      stat.b *= scale;
    }
  }
  return rows;
}

std::vector<int32_t> BoostingRun::SampleFeatures(int64_t round) const {
  std::vector<int32_t> features = AllRows(data_.x.cols);
  if (params_.colsample_bytree >= 1.0) return features;
  Rng rng(MixSeed(control_.random_state, kFeatureSampleStream + static_cast<uint64_t>(round)));
  const auto n_draw =
      std::clamp<size_t>(static_cast<size_t>(std::lround(params_.colsample_bytree *
                                                         static_cast<double>(features.size()))),
                         1, features.size());
  DrawToFront(std::span<int32_t>(features), n_draw, rng);
  features.resize(n_draw);
  std::sort(features.begin(), features.end());
  return features;
}

// DART: each earlier round is dropped with probability rate_drop (weighted: rate_drop x rounds x
// its share of the weight), unless the round skips dropout; one_drop drops one when none was.
std::vector<int64_t> BoostingRun::DrawDroppedRounds(int64_t round) const {
  const DartParams& dart = params_.dart;
  Rng rng(MixSeed(control_.random_state, kDropStream + static_cast<uint64_t>(round)));
  std::vector<int64_t> dropped;
  if (round == 0 || (dart.skip_drop > 0.0 && UniformUnit(rng) < dart.skip_drop)) return dropped;
  const double total = std::accumulate(round_weights_.begin(), round_weights_.end(), 0.0);
  for (int64_t earlier = 0; earlier < round; ++earlier) {
    const double chance = dart.weighted ? dart.rate_drop * static_cast<double>(round) *
                                              round_weights_[earlier] / total
                                        : dart.rate_drop;
    if (UniformUnit(rng) < chance) dropped.push_back(earlier);
  }
  if (!dropped.empty() || !dart.one_drop) return dropped;
  if (!dart.weighted) {
    dropped.push_back(static_cast<int64_t>(UniformIndex(rng, static_cast<uint64_t>(round))));
    return dropped;
  }
  const double target = UniformUnit(rng) * total;
  double cumulative = 0.0;
  int64_t pick = round - 1;
  for (int64_t earlier = 0; earlier < round; ++earlier) {
    cumulative += round_weights_[earlier];
    if (target < cumulative) {
      pick = earlier;
      break;
    }
  }
  dropped.push_back(pick);
  return dropped;
}

// XGBoost's normalisation, k rounds dropped, learning rate lr: "tree" weighs the new round
// 1 / (k + lr) and scales the dropped ones by k / (k + lr); "forest" uses 1 / (1 + lr) for both;
// with nothing dropped the new round weighs 1.
BoostingRun::DartWeight BoostingRun::DartWeights(size_t n_dropped) const {
  if (n_dropped == 0) return {1.0, 1.0};
  const auto k = static_cast<double>(n_dropped);
  const double rate = params_.learning_rate;
  if (params_.dart.forest) return {1.0 / (1.0 + rate), 1.0 / (1.0 + rate)};
  return {1.0 / (k + rate), k / (k + rate)};
}

// Takes the dropped rounds' trees out of the training margins, keeping their sum per row (in
// round order) for RestoreDropped.
void BoostingRun::DropRounds(std::span<const int64_t> dropped) {
  dropped_sum_.assign(margins_.size(), 0.0f);
  ForEachBlock(
      static_cast<int64_t>(train_rows_.size()), parallel_rows_, [&](int64_t begin, int64_t end) {
        for (int64_t row = begin; row < end; ++row) {
          for (int margin = 0; margin < n_margins_; ++margin) {
            const size_t at = static_cast<size_t>(row * n_margins_ + margin);
            for (const int64_t earlier : dropped) {
              const Tree& tree = dart_trees_[static_cast<size_t>(earlier * n_margins_ + margin)];
              dropped_sum_[at] += tree.leaf(tree.LeafOfBinned(*bins_, row))[0];
            }
            margins_[at] -= dropped_sum_[at];
          }
        }
      });
}

// Puts the dropped rounds back into the training margins, scaled by `factor`.
void BoostingRun::RestoreDropped(float factor) {
  ForEachBlock(static_cast<int64_t>(margins_.size()), parallel_rows_,
               [&](int64_t begin, int64_t end) {
                 for (int64_t at = begin; at < end; ++at) margins_[at] += factor * dropped_sum_[at];
               });
}

// Scales the dropped rounds by DartWeights' factor and keeps the new round.
void BoostingRun::FinishDartRound(std::span<const int64_t> dropped) {
  const double factor = DartWeights(dropped.size()).dropped;
  if (!dropped.empty()) {
    arena_.execute([&] { RestoreDropped(static_cast<float>(factor)); });
    for (const int64_t earlier : dropped) {
      round_weights_[static_cast<size_t>(earlier)] *= factor;
      for (int margin = 0; margin < n_margins_; ++margin) {
        Tree& tree = dart_trees_[static_cast<size_t>(earlier * n_margins_ + margin)];
        for (int32_t leaf = 0; leaf < tree.n_leaves(); ++leaf) {
          tree.mutable_leaf(leaf)[0] *= static_cast<float>(factor);
        }
      }
    }
  }
  round_weights_.push_back(leaf_scale_);
  for (int margin = 0; margin < n_margins_; ++margin) dart_trees_.push_back(round_trees_[margin]);
}

void BoostingRun::RunRound(int64_t round) {
  const auto n_rows = static_cast<int64_t>(train_rows_.size());
  std::vector<int64_t> dropped;
  if (params_.dart_boosting) {
    dropped = DrawDroppedRounds(round);
    leaf_scale_ = static_cast<float>(DartWeights(dropped.size()).added);
    if (!dropped.empty()) arena_.execute([&] { DropRounds(dropped); });
  }
  arena_.execute([&] {
    ForEachBlock(n_rows, parallel_rows_ || n_margins_ > 1, [&](int64_t begin, int64_t end) {
      objective_.Gradients(y_, weights_, margins_, begin, end, stats_);
    });
    const std::vector<int32_t> rows = params_.goss ? GossRows(round) : SampleRows(round);
    const std::vector<int32_t> features = SampleFeatures(round);
    const bool all_rows = static_cast<int64_t>(rows.size()) == n_rows;
    if (!all_rows) {
      in_sample_.assign(static_cast<size_t>(n_rows), 0);
      for (const int32_t row : rows) in_sample_[static_cast<size_t>(row)] = 1;
    }
    if (n_margins_ == 1) {
      GrowTree(round, 0, rows, features, all_rows);
    } else {
      tbb::parallel_for(0, n_margins_,
                        [&](int margin) { GrowTree(round, margin, rows, features, all_rows); });
    }
  });
  if (params_.dart_boosting) {
    FinishDartRound(dropped);
    return;
  }
  const int64_t first_tree = ensemble_.n_trees();
  for (int margin = 0; margin < n_margins_; ++margin)
    ensemble_.Append(round_trees_[margin], margin);
  if (!valid_rows_.empty()) UpdateValidation(first_tree, ensemble_.n_trees());
}

void BoostingRun::GrowTree(int64_t round, int margin, std::span<const int32_t> rows,
                           std::span<const int32_t> features, bool all_rows) {
  const auto n_rows = static_cast<int64_t>(train_rows_.size());
  Rng rng(MixSeed(control_.random_state,
                  kTreeStream + static_cast<uint64_t>(round * n_margins_ + margin)));
  TreeBuilder& builder = *builders_[margin];
  const std::span<const RowStat> stats(stats_.data() + margin * n_rows,
                                       static_cast<size_t>(n_rows));
  Tree tree = builder.Build(rows, stats, features, rng);
  FinishLeaves(tree, builder, margin);
  UpdateMargins(tree, builder, margin, all_rows);
  round_trees_[margin] = std::move(tree);
}

// Applies the learning rate; absolute error and quantile refit each leaf to a quantile of its
// residuals (the median for absolute error), as LightGBM does.
void BoostingRun::FinishLeaves(Tree& tree, const TreeBuilder& builder, int margin) const {
  const auto learning_rate = static_cast<float>(params_.learning_rate);
  const std::optional<double> quantile = objective_.leaf_quantile();
  std::vector<std::pair<float, float>> residuals;
  for (int32_t leaf = 0; leaf < tree.n_leaves(); ++leaf) {
    float& value = tree.mutable_leaf(leaf)[0];
    if (quantile) {
      residuals.clear();
      for (int32_t row : builder.LeafRows(leaf)) {
        residuals.emplace_back(y_[row] - margins_[row * n_margins_ + margin], weights_[row]);
      }
      value = static_cast<float>(WeightedQuantile(residuals, *quantile));
    }
    value *= learning_rate * leaf_scale_;
  }
}

// The rows the tree grew on are in its leaves' row lists; only the others (outside the round's
// sample) walk the tree.
void BoostingRun::UpdateMargins(const Tree& tree, const TreeBuilder& builder, int margin,
                                bool all_rows) {
  const bool parallel = n_margins_ == 1 && parallel_rows_;
  auto update_leaf = [&](int32_t leaf) {
    const float value = tree.leaf(leaf)[0];
    for (int32_t row : builder.LeafRows(leaf)) margins_[row * n_margins_ + margin] += value;
  };
  if (parallel) {
    tbb::parallel_for(int32_t{0}, tree.n_leaves(), update_leaf);
  } else {
    for (int32_t leaf = 0; leaf < tree.n_leaves(); ++leaf) update_leaf(leaf);
  }
  if (all_rows) return;
  ForEachBlock(static_cast<int64_t>(train_rows_.size()), parallel, [&](int64_t begin, int64_t end) {
    for (int64_t row = begin; row < end; ++row) {
      if (in_sample_[static_cast<size_t>(row)] != 0) continue;
      margins_[row * n_margins_ + margin] += tree.leaf(tree.LeafOfBinned(*bins_, row))[0];
    }
  });
}

void BoostingRun::UpdateValidation(int64_t first_tree, int64_t last_tree) {
  arena_.execute([&] {
    ForEachBlock(static_cast<int64_t>(valid_rows_.size()), true, [&](int64_t begin, int64_t end) {
      for (int64_t idx = begin; idx < end; ++idx) {
        ensemble_.AccumulateRow(data_.x.row(valid_rows_[idx]),
                                valid_margins_.data() + idx * n_margins_, first_tree, last_tree);
      }
    });
  });
}

// The objective's weighted loss, or eval_metric on the validation rows' outputs (unweighted, as
// the metrics are).
double BoostingRun::ValidationScore() {
  if (metric_ == nullptr) return objective_.Loss(y_valid_, weights_valid_, valid_margins_);
  const int n_outputs = data_.task == Task::kClassification ? data_.n_classes : 1;
  valid_outputs_.resize(valid_rows_.size() * static_cast<size_t>(n_outputs));
  for (size_t row = 0; row < valid_rows_.size(); ++row) {
    objective_.Transform(valid_margins_.data() + row * n_margins_,
                         valid_outputs_.data() + row * n_outputs);
  }
  try {
    return metric_->compute(y_valid_, valid_outputs_, data_.n_classes);
  } catch (const Error& error) {
    ThrowInvalidArgument("gradient_boosting: eval_metric '" + metric_->name +
                         "' on the validation rows: " + error.what());
  }
}

bool BoostingRun::ShouldStop(int64_t round) {
  if (valid_rows_.empty()) return false;
  const double score = ValidationScore();
  scores_.push_back(score);
  const double loss = metric_ != nullptr && metric_->greater_is_better ? -score : score;
  if (loss < best_loss_) {
    best_loss_ = loss;
    best_round_ = round;
    return false;
  }
  return round - best_round_ >= params_.early_stopping_rounds;
}

nlohmann::json BoostingRun::ValidationRecord() const {
  return {{"metric", metric_ != nullptr ? metric_->name : std::string("objective")},
          {"rows", valid_rows_.size()},
          {"scores", scores_},
          {"best_iteration", best_round_},
          {"best_score", scores_[static_cast<size_t>(best_round_)]}};
}

// An objective's own setting, refused with any other objective, where it would do nothing.
double ReadObjectiveParam(ConfigReader& reader, const std::string& objective, const char* key,
                          const char* owner, double default_value, double min_value,
                          double max_value) {
  if (!reader.Has(key)) return default_value;
  if (objective != owner) {
    ThrowInvalidArgument(std::string("gradient_boosting: '") + key + "' belongs to objective '" +
                         owner + "', not '" + objective + "'");
  }
  return reader.GetDouble(key, default_value, min_value, max_value);
}

void ReadObjectiveParams(ConfigReader& reader, const std::string& objective,
                         ObjectiveParams& params) {
  params.quantile_alpha = ReadObjectiveParam(reader, objective, "quantile_alpha", "quantile",
                                             params.quantile_alpha, 1e-3, 1.0 - 1e-3);
  params.huber_delta =
      ReadObjectiveParam(reader, objective, "huber_delta", "huber", params.huber_delta, 1e-9, 1e9);
  params.tweedie_variance_power =
      ReadObjectiveParam(reader, objective, "tweedie_variance_power", "tweedie",
                         params.tweedie_variance_power, 1.0 + 1e-3, 2.0 - 1e-3);
  params.poisson_max_delta_step =
      ReadObjectiveParam(reader, objective, "poisson_max_delta_step", "poisson",
                         params.poisson_max_delta_step, 0.0, 10.0);
}

void ReadDartParams(ConfigReader& reader, bool dart, DartParams& params) {
  for (const char* key : {"rate_drop", "skip_drop", "one_drop", "sample_type", "normalize_type"}) {
    if (!dart && reader.Has(key)) {
      ThrowInvalidArgument(std::string("gradient_boosting: '") + key +
                           "' belongs to boosting 'dart', not 'gbdt'");
    }
  }
  if (!dart) return;
  params.rate_drop = reader.GetDouble("rate_drop", params.rate_drop, 0.0, 1.0);
  params.skip_drop = reader.GetDouble("skip_drop", params.skip_drop, 0.0, 1.0);
  params.one_drop = reader.GetBool("one_drop", params.one_drop);
  params.weighted =
      reader.GetChoice("sample_type", "uniform", {"uniform", "weighted"}) == "weighted";
  params.forest = reader.GetChoice("normalize_type", "tree", {"tree", "forest"}) == "forest";
}

// The position of the feature called `name`; `context` starts the error messages.
size_t FeaturePosition(const std::string& name, std::span<const data::FeatureInfo> features,
                       const std::string& context) {
  if (features.empty()) {
    ThrowInvalidArgument(context + " names features, but the data has no feature names");
  }
  const auto found = std::find_if(features.begin(), features.end(),
                                  [&](const data::FeatureInfo& info) { return info.name == name; });
  if (found == features.end()) {
    std::vector<std::string> names;
    for (const data::FeatureInfo& info : features) names.push_back(info.name);
    ThrowInvalidArgument(context + ": " + UnknownNameMessage("feature", name, names));
  }
  return static_cast<size_t>(found - features.begin());
}

}  // namespace

std::vector<int8_t> ResolveMonotoneConstraints(const nlohmann::json& constraints,
                                               std::span<const data::FeatureInfo> features,
                                               int64_t n_features) {
  if (constraints.is_null()) return {};
  const std::string context = "gradient_boosting: monotone_constraints";
  auto direction_of = [&](const nlohmann::json& value, const std::string& where) {
    if (!value.is_number_integer() || value.get<int64_t>() < -1 || value.get<int64_t>() > 1) {
      ThrowInvalidArgument(context + where + " must be -1, 0 or 1, got " + value.dump());
    }
    return static_cast<int8_t>(value.get<int64_t>());
  };
  std::vector<int8_t> directions(static_cast<size_t>(n_features), 0);
  if (constraints.is_array()) {
    if (static_cast<int64_t>(constraints.size()) != n_features) {
      ThrowInvalidArgument(context + " has " + std::to_string(constraints.size()) +
                           " directions for " + std::to_string(n_features) + " features");
    }
    for (size_t idx = 0; idx < constraints.size(); ++idx) {
      directions[idx] = direction_of(constraints[idx], "[" + std::to_string(idx) + "]");
    }
  } else if (constraints.is_object()) {
    for (const auto& item : constraints.items()) {
      // A plain variable: clang 14 cannot capture structured bindings in a lambda.
      const std::string name = item.key();
      const int8_t direction = direction_of(item.value(), " '" + name + "'");
      // ParseParams checks the shape alone (n_features 0); a fit needs the names.
      if (features.empty() && n_features == 0) continue;
      directions[FeaturePosition(name, features, context)] = direction;
    }
  } else {
    ThrowInvalidArgument(context + " must be an array of directions or an object of feature names");
  }
  for (size_t idx = 0; idx < features.size() && idx < directions.size(); ++idx) {
    if (directions[idx] != 0 && features[idx].categorical) {
      ThrowInvalidArgument(context + ": feature '" + features[idx].name +
                           "' is categorical, which has no order to keep");
    }
  }
  if (std::all_of(directions.begin(), directions.end(), [](int8_t d) { return d == 0; })) return {};
  return directions;
}

std::vector<std::vector<int32_t>> ResolveInteractionConstraints(
    const nlohmann::json& constraints, std::span<const data::FeatureInfo> features,
    int64_t n_features) {
  const std::string context = "gradient_boosting: interaction_constraints";
  if (constraints.is_null()) return {};
  if (!constraints.is_array()) {
    ThrowInvalidArgument(context + " must be an array of feature sets, got " + constraints.dump());
  }
  std::vector<std::vector<int32_t>> sets;
  for (size_t set_idx = 0; set_idx < constraints.size(); ++set_idx) {
    const nlohmann::json& members = constraints[set_idx];
    const std::string where = context + "[" + std::to_string(set_idx) + "]";
    if (!members.is_array()) {
      ThrowInvalidArgument(where + " must be an array of feature positions or names, got " +
                           members.dump());
    }
    std::vector<int32_t> set;
    for (size_t idx = 0; idx < members.size(); ++idx) {
      const nlohmann::json& member = members[idx];
      const std::string at = where + "[" + std::to_string(idx) + "]";
      if (member.is_string()) {
        // ParseParams checks the shape alone (n_features 0); a fit needs the names.
        if (features.empty() && n_features == 0) continue;
        set.push_back(
            static_cast<int32_t>(FeaturePosition(member.get<std::string>(), features, at)));
      } else if (member.is_number_integer()) {
        const auto position = member.get<int64_t>();
        if (position < 0 || (n_features > 0 && position >= n_features)) {
          ThrowInvalidArgument(at + ": feature " + std::to_string(position) +
                               " is out of range for " + std::to_string(n_features) + " features");
        }
        set.push_back(static_cast<int32_t>(position));
      } else {
        ThrowInvalidArgument(at + " must be a feature position or name, got " + member.dump());
      }
    }
    std::sort(set.begin(), set.end());
    set.erase(std::unique(set.begin(), set.end()), set.end());
    if (!set.empty()) sets.push_back(std::move(set));
  }
  if (sets.empty() || n_features == 0) return {};
  // A feature in no set interacts with none: it is a set of its own, as in XGBoost.
  std::vector<bool> listed(static_cast<size_t>(n_features), false);
  for (const std::vector<int32_t>& set : sets) {
    for (const int32_t feature : set) listed[static_cast<size_t>(feature)] = true;
  }
  for (int32_t feature = 0; feature < n_features; ++feature) {
    if (!listed[static_cast<size_t>(feature)]) sets.push_back({feature});
  }
  return sets;
}

GradientBoostingParams GradientBoosting::ParseParams(const nlohmann::json& params, Task task) {
  ConfigReader reader(params, "gradient_boosting");
  GradientBoostingParams result;
  result.n_estimators = reader.GetInt("n_estimators", 100, 1, 1000000);
  result.learning_rate = reader.GetDouble("learning_rate", 0.1, 1e-6, 10.0);
  result.dart_boosting = reader.GetChoice("boosting", "gbdt", {"gbdt", "dart"}) == "dart";
  ReadDartParams(reader, result.dart_boosting, result.dart);
  result.objective =
      reader.GetChoice("objective", "auto",
                       {"auto", "logistic", "softmax", "squared_error", "absolute_error",
                        "quantile", "huber", "poisson", "gamma", "tweedie"});
  ReadObjectiveParams(reader, result.objective, result.objective_params);
  const int64_t num_leaves = reader.GetInt("num_leaves", 31, 2, 1 << 17);
  result.growth.max_depth = static_cast<int>(reader.GetInt("max_depth", 0, 0, 64));
  const std::string growth = reader.GetChoice("growth", "leaf_wise", {"leaf_wise", "depth_wise"});
  result.growth.leaf_wise = growth == "leaf_wise";
  result.growth.max_leaves = static_cast<int>(num_leaves);
  if (!result.growth.leaf_wise && result.growth.max_depth == 0) {
    ThrowInvalidArgument("gradient_boosting: depth_wise growth needs max_depth >= 1");
  }
  result.reg_lambda = reader.GetDouble("reg_lambda", 1.0, 0.0, 1e6);
  result.reg_alpha = reader.GetDouble("reg_alpha", 0.0, 0.0, 1e6);
  result.min_child_weight = reader.GetDouble("min_child_weight", 1e-3, 0.0, 1e9);
  result.min_samples_leaf = reader.GetInt("min_samples_leaf", 20, 1, 1LL << 31);
  result.growth.min_split_gain = reader.GetDouble("min_split_gain", 0.0, 0.0, 1e12);
  result.subsample = reader.GetDouble("subsample", 1.0, 1e-3, 1.0);
  result.goss = reader.GetChoice("data_sample_strategy", "bagging", {"bagging", "goss"}) == "goss";
  if (!result.goss && (reader.Has("top_rate") || reader.Has("other_rate"))) {
    ThrowInvalidArgument(
        "gradient_boosting: top_rate and other_rate belong to data_sample_strategy 'goss'");
  }
  result.top_rate = reader.GetDouble("top_rate", 0.2, 1e-6, 1.0);
  result.other_rate = reader.GetDouble("other_rate", 0.1, 1e-6, 1.0);
  if (result.goss && result.top_rate + result.other_rate > 1.0) {
    ThrowInvalidArgument("gradient_boosting: top_rate + other_rate must be at most 1");
  }
  if (result.goss && result.subsample < 1.0) {
    ThrowInvalidArgument(
        "gradient_boosting: data_sample_strategy 'goss' samples the rows itself, so subsample "
        "must stay 1 (as in LightGBM)");
  }
  result.colsample_bytree = reader.GetDouble("colsample_bytree", 1.0, 1e-3, 1.0);
  result.growth.node_colsample = reader.GetDouble("colsample_bynode", 1.0, 1e-3, 1.0);
  result.max_bins = static_cast<int>(reader.GetInt("max_bins", 255, 2, 255));
  result.early_stopping_rounds = reader.GetInt("early_stopping_rounds", 0, 0, 1000000);
  if (result.dart_boosting && result.early_stopping_rounds > 0) {
    // Later rounds rescale earlier trees, so the first rounds are not the model they were.
    ThrowInvalidArgument(
        "gradient_boosting: early_stopping_rounds does not combine with boosting 'dart', whose "
        "later rounds rescale the earlier trees (as in LightGBM)");
  }
  result.validation_fraction = reader.GetDouble("validation_fraction", 0.1, 0.01, 0.5);
  if (reader.Has("eval_metric")) {
    result.eval_metric = reader.GetString("eval_metric", "");
    try {
      if (result.eval_metric.empty()) ThrowInvalidArgument("an empty name");
      (void)metrics::MetricRegistry::Builtin().FindFor(result.eval_metric, task);
    } catch (const Error& error) {
      ThrowInvalidArgument(std::string("gradient_boosting: eval_metric: ") + error.what());
    }
    if (result.early_stopping_rounds == 0) {
      ThrowInvalidArgument(
          "gradient_boosting: eval_metric is what early stopping watches, so it needs "
          "early_stopping_rounds > 0");
    }
  }
  result.balanced = ReadBalanced(reader, task);
  if (reader.Has("scale_pos_weight")) {
    result.scale_pos_weight = reader.GetDouble("scale_pos_weight", 1.0, 1e-6, 1e6);
    if (task != Task::kClassification) {
      ThrowInvalidArgument(
          "gradient_boosting: scale_pos_weight weighs the positive class, so it needs a binary "
          "classification task");
    }
    if (result.balanced) {
      ThrowInvalidArgument(
          "gradient_boosting: give class_weight 'balanced' or scale_pos_weight, not both");
    }
  }
  if (reader.Has("base_score")) {
    result.base_score = reader.GetDouble("base_score", 0.0, -kMaxBaseScore, kMaxBaseScore);
  }
  reader.Allow("base_score");
  if (const nlohmann::json* monotone = reader.Find("monotone_constraints")) {
    // The shape is checked here; names and lengths once the features are known.
    (void)ResolveMonotoneConstraints(
        *monotone, {}, monotone->is_array() ? static_cast<int64_t>(monotone->size()) : 0);
    result.monotone_constraints = *monotone;
  }
  if (const nlohmann::json* interactions = reader.Find("interaction_constraints")) {
    (void)ResolveInteractionConstraints(*interactions, {}, 0);
    result.interaction_constraints = *interactions;
  }
  result.growth.cat_smooth = reader.GetDouble("cat_smooth", 10.0, 0.0, 1e6);
  result.growth.cat_l2 = reader.GetDouble("cat_l2", 10.0, 0.0, 1e6);
  result.growth.cat_min_rows =
      static_cast<double>(reader.GetInt("min_data_per_group", 100, 1, 1LL << 31));
  result.growth.cat_max_threshold =
      static_cast<int>(reader.GetInt("max_cat_threshold", 32, 1, 255));
  result.growth.cat_onehot_max = static_cast<int>(reader.GetInt("max_cat_to_onehot", 4, 0, 255));
  // The training engine passes these to every model; they come through FitControl here.
  reader.Allow("random_state");
  reader.Allow("n_jobs");
  reader.Finish();
  const GbdtObjective objective =
      GbdtObjective::FromName(result.objective, task, task == Task::kClassification ? 2 : 0);
  if (!result.monotone_constraints.is_null() && objective.leaf_quantile()) {
    ThrowInvalidArgument("gradient_boosting: monotone_constraints do not combine with objective '" +
                         result.objective +
                         "', whose leaves are refitted to quantiles of their rows");
  }
  return result;
}

std::unique_ptr<Model> GradientBoosting::Fit(const TrainData& data,
                                             const FitControl& control) const {
  ValidateTrainData(data);
  WarnWideCategoricals(data, control, "gradient_boosting");
  BoostingRun run(params_, data, control);
  return run.Run();
}

std::unique_ptr<Estimator> MakeGradientBoosting(const nlohmann::json& params, Task task) {
  return std::make_unique<GradientBoosting>(GradientBoosting::ParseParams(params, task));
}

}  // namespace kolosal::models::tree
