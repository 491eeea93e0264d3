#include "kolosal/models/tree/tree_builder.hpp"

#include <tbb/parallel_for.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <iterator>
#include <limits>
#include <numeric>
#include <optional>

#include "kolosal/models/tree/histogram_builder.hpp"

namespace kolosal::models::tree {
namespace {

constexpr int64_t kParallelWork = 32768;  // rows x features below which one thread is faster

// Gains below this (relative to the node score) are rounding noise, e.g. on a pure node.
bool IsRealGain(double gain, double parent_score, double min_split_gain) {
  return gain > min_split_gain && gain > 1e-10 * (1.0 + std::abs(parent_score));
}

// Gains closer than this (relative) are equal: features that split a node's rows alike sum the
// same stats in different orders.
constexpr double kTieTolerance = 1e-12;

// A histogram with one bin and no missing rows (or nothing at all) cannot split its node.
bool CanSplitFeature(const FeatureHistogram& hist, int n_channels) {
  if (hist.n_entries >= 2) return true;
  return hist.n_entries == 1 && SplitScorer::Count(hist.missing, n_channels) > 0.0;
}

// Calls visit(feature) for every candidate feature of a node that is live. With every feature at
// every node those are the live features; else the drawn ones that are live (both increasing).
// A feature that is not live has stale lists, which must not be read.
template <typename Visit>
void ForEachLiveCandidate(std::span<const int32_t> live, std::span<const int32_t> drawn,
                          bool all_features, const Visit& visit) {
  if (all_features) {
    for (const int32_t feature : live) visit(feature);
    return;
  }
  size_t live_pos = 0;
  for (const int32_t feature : drawn) {
    while (live_pos < live.size() && live[live_pos] < feature) ++live_pos;
    if (live_pos < live.size() && live[live_pos] == feature) visit(feature);
  }
}

}  // namespace

TreeBuilder::TreeBuilder(const BinnedMatrix& bins, SplitScorer scorer, TreeGrowthParams params)
    : bins_(bins),
      scorer_(scorer),
      params_(params),
      category_scorer_(scorer.WithExtraL2(params.cat_l2)),
      finder_(bins_, scorer_, category_scorer_, params.cat_smooth, params.cat_min_rows,
              params.cat_max_threshold, params.cat_onehot_max),
      subtract_(params.max_features >= 1.0),
      lists_(bins_, scorer_) {
  ordered_.resize(static_cast<size_t>(bins.n_rows()));
  slot_of_.fill(-1);
  int64_t total_bins = 0;
  for (int feature = 0; feature < bins.n_features(); ++feature)
    total_bins += bins.hist_bins(feature);
  sparse_rows_ = std::clamp<int64_t>(total_bins / std::max(1, bins.n_features()), 16,
                                     SortedRowLists::kMaxRows);
  if (!params_.interaction_sets.empty()) {
    sets_of_feature_.resize(static_cast<size_t>(bins.n_features()));
    for (size_t set = 0; set < params_.interaction_sets.size(); ++set) {
      for (const int32_t feature : params_.interaction_sets[set]) {
        sets_of_feature_[static_cast<size_t>(feature)].push_back(static_cast<int32_t>(set));
      }
    }
    allowed_mask_.assign(static_cast<size_t>(bins.n_features()), 0);
  }
}

bool TreeBuilder::UseParallel(int64_t n_rows, size_t n_features) const {
  return params_.parallel && n_features > 1 &&
         n_rows * static_cast<int64_t>(n_features) >= kParallelWork;
}

Tree TreeBuilder::Build(std::span<const int32_t> rows, std::span<const RowStat> stats,
                        std::span<const int32_t> features, Rng& rng) {
  stats_ = stats;
  partition_.Reset(rows);
  tree_features_.assign(features.begin(), features.end());
  if (tree_features_.empty()) {
    tree_features_.resize(static_cast<size_t>(bins_.n_features()));
    std::iota(tree_features_.begin(), tree_features_.end(), 0);
  }
  // Lists pay off when every node reads every feature. With features drawn per node, keeping
  // every feature's list partitioned at every split costs more than the drawn features' sparse
  // histograms built from the rows (spam, letterrecognition: about 30% of the forest's time).
  // Monotone constraints are applied where histograms are scanned, which lists bypass.
  use_lists_ = subtract_ && params_.monotone.empty() &&
               lists_.Reset(static_cast<int64_t>(rows.size()), tree_features_);
  open_.clear();
  leaf_ranges_.clear();
  n_leaves_ = 1;

  Tree tree(scorer_.leaf_width());
  OpenNode root;
  root.end = static_cast<int64_t>(rows.size());
  root.totals = SumStats(root.begin, root.end);
  // Gains are weighted impurity decreases, in nats for entropy.
  const double impurity_unit = scorer_.criterion() == Criterion::kEntropy ? std::log(2.0) : 1.0;
  min_gain_ = std::max(params_.min_split_gain, params_.min_impurity_decrease * impurity_unit *
                                                   scorer_.Weight(root.totals.data()));
  if (CanSplit(root)) Evaluate(root, rng);
  Push(std::move(root));
  while (!open_.empty()) {
    OpenNode node = PopNext();
    const bool leaf_limit =
        params_.leaf_wise && params_.max_leaves > 0 && n_leaves_ >= params_.max_leaves;
    if (!node.best.valid() || leaf_limit) {
      ReleaseHistogram(node.hist);
      FinishLeaf(node, tree);
      continue;
    }
    SplitNode(node, tree, rng);
  }
  return tree;
}

std::span<const int32_t> TreeBuilder::LeafRows(int32_t leaf_idx) const {
  const auto [begin, end] = leaf_ranges_[leaf_idx];
  return partition_.Rows(begin, end);
}

// A node of one distinct row (bootstrap copies) or of one class has no split with a gain.
bool TreeBuilder::CanSplit(const OpenNode& node) const {
  const double count = SplitScorer::Count(node.totals.data(), scorer_.n_channels());
  if (params_.max_depth > 0 && node.depth >= params_.max_depth) return false;
  if (node.end - node.begin < 2) return false;
  // No split is feasible: a leaf without building its histogram (the same tree).
  if (!scorer_.MaySplitByWeight(node.totals.data())) return false;
  if (scorer_.is_classification()) {
    int n_present = 0;
    for (int k = 0; k < scorer_.n_classes(); ++k) n_present += node.totals[k] > 0.0 ? 1 : 0;
    if (n_present < 2) return false;
  }
  return count >= static_cast<double>(params_.min_samples_split) && count >= 2.0;
}

std::vector<double> TreeBuilder::SumStats(int64_t begin, int64_t end) const {
  const int n_channels = scorer_.n_channels();
  std::vector<double> totals(static_cast<size_t>(n_channels), 0.0);
  // Sums kept in registers: adding into `totals` would make every row wait for the last store.
  double count = 0.0;
  if (scorer_.is_classification()) {
    for (int32_t row : partition_.Rows(begin, end)) {
      const RowStat& stat = stats_[row];
      totals[stat.label] += stat.a;
      count += stat.count;
    }
    totals[n_channels - 1] = count;
    return totals;
  }
  double sum_a = 0.0;
  double sum_b = 0.0;
  for (int32_t row : partition_.Rows(begin, end)) {
    const RowStat& stat = stats_[row];
    sum_a += stat.a;
    sum_b += stat.b;
    count += stat.count;
  }
  totals[0] = sum_a;
  totals[1] = sum_b;
  totals[n_channels - 1] = count;
  return totals;
}

void TreeBuilder::GatherStats(const OpenNode& node) {
  const std::span<const int32_t> rows = partition_.Rows(node.begin, node.end);
  for (size_t idx = 0; idx < rows.size(); ++idx) ordered_[idx] = stats_[rows[idx]];
}

void TreeBuilder::BuildHistogram(const OpenNode& node, std::span<const int32_t> features,
                                 double* hist) {
  const std::span<const int32_t> rows = partition_.Rows(node.begin, node.end);
  GatherStats(node);
  auto build = [&](size_t feature_pos) {
    HistogramBuilder::BuildFeature(bins_, features[feature_pos], rows, ordered_.data(), scorer_,
                                   hist);
  };
  if (!UseParallel(node.end - node.begin, features.size())) {
    for (size_t pos = 0; pos < features.size(); ++pos) build(pos);
    return;
  }
  tbb::parallel_for(size_t{0}, features.size(), build);
}

// The first n_drawn_ entries of draw_order_ are a uniform draw; DrawUntilSplit continues it.
void TreeBuilder::DrawNodeFeatures(Rng& rng) {
  if (subtract_) {
    node_features_ = tree_features_;
    return;
  }
  std::vector<int32_t>& order = draw_order_;
  order = tree_features_;
  const auto n_total = order.size();
  n_drawn_ = std::clamp<size_t>(
      static_cast<size_t>(std::floor(params_.max_features * static_cast<double>(n_total))), 1,
      n_total);
  DrawToFront(std::span<int32_t>(order), n_drawn_, rng);
  node_features_.assign(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(n_drawn_));
  std::sort(node_features_.begin(), node_features_.end());
}

// Keeps a uniform draw of round(node_colsample x n) of the node's n features (at least one).
void TreeBuilder::SampleNodeFeatures(Rng& rng) {
  const size_t n_total = node_features_.size();
  if (n_total == 0) return;
  const auto n_keep = std::clamp<size_t>(
      static_cast<size_t>(std::lround(params_.node_colsample * static_cast<double>(n_total))), 1,
      n_total);
  DrawToFront(std::span<int32_t>(node_features_), n_keep, rng);
  node_features_.resize(n_keep);
  std::sort(node_features_.begin(), node_features_.end());
}

// When no drawn feature can split the node (all constant on its rows, in practice), the node
// would end as an impure leaf. As scikit-learn's CART does, draw further features one at a time
// until one splits it.
void TreeBuilder::DrawUntilSplit(OpenNode& node, double parent_score, uint64_t random_seed,
                                 Rng& rng) {
  if (subtract_) return;  // every feature has been tried
  const size_t n_total = draw_order_.size();
  for (size_t idx = n_drawn_; idx < n_total && !node.best.valid(); ++idx) {
    std::swap(draw_order_[idx], draw_order_[idx + UniformIndex(rng, n_total - idx)]);
    node_features_.assign(1, draw_order_[idx]);
    if (node.hist >= 0) BuildHistogram(node, node_features_, hist_pool_[node.hist].data());
    node.best = FindBestSplit(node, parent_score, random_seed);
  }
}

// Sums the node's stats per occurring bin of `feature` (in row order, into slots in order of
// first appearance), then orders the slots by bin. Expects GatherStats(node) to have run.
FeatureHistogram TreeBuilder::BuildSparse(const OpenNode& node, int feature) {
  const int n_channels = scorer_.n_channels();
  const std::span<const int32_t> rows = partition_.Rows(node.begin, node.end);
  const uint8_t* column = bins_.column(feature);
  const int missing_bin = bins_.mapper().missing_bin(feature);
  // slot_of_ is all -1 between calls; slot 0 holds the missing bin.
  slot_of_[missing_bin] = 0;
  sparse_bins_.clear();
  if (sparse_unsorted_.size() < (rows.size() + 1) * n_channels) {
    sparse_unsorted_.resize((rows.size() + 1) * n_channels);
  }
  std::fill_n(sparse_unsorted_.data(), n_channels, 0.0);
  const bool classes = scorer_.is_classification();
  for (size_t idx = 0; idx < rows.size(); ++idx) {
    const uint8_t bin = column[rows[idx]];
    if (slot_of_[bin] < 0) {
      sparse_bins_.push_back(bin);
      slot_of_[bin] = static_cast<int16_t>(sparse_bins_.size());
      std::fill_n(sparse_unsorted_.data() + static_cast<ptrdiff_t>(slot_of_[bin]) * n_channels,
                  n_channels, 0.0);
    }
    double* slot = sparse_unsorted_.data() + static_cast<ptrdiff_t>(slot_of_[bin]) * n_channels;
    const RowStat& stat = ordered_[idx];
    if (classes) {
      slot[stat.label] += stat.a;
    } else {
      slot[0] += stat.a;
      slot[1] += stat.b;
    }
    slot[n_channels - 1] += stat.count;
  }
  std::sort(sparse_bins_.begin(), sparse_bins_.end());
  const size_t n_entries = sparse_bins_.size();
  sparse_values_.resize((n_entries + 1) * n_channels);
  for (size_t entry = 0; entry <= n_entries; ++entry) {
    const int slot = entry < n_entries ? slot_of_[sparse_bins_[entry]] : 0;
    std::copy_n(sparse_unsorted_.data() + static_cast<ptrdiff_t>(slot) * n_channels, n_channels,
                sparse_values_.data() + entry * n_channels);
  }
  for (int bin : sparse_bins_) slot_of_[bin] = -1;
  slot_of_[missing_bin] = -1;
  FeatureHistogram view;
  view.values = sparse_values_.data();
  view.n_entries = static_cast<int>(n_entries);
  view.bin_ids = sparse_bins_.data();
  view.missing = sparse_values_.data() + n_entries * n_channels;
  return view;
}

std::span<const int32_t> TreeBuilder::LiveFeatures(const OpenNode& node) const {
  return node.live.empty() ? std::span<const int32_t>(tree_features_) : node.live;
}

// Whether a split of `feature` with `gain` replaces `best`: a higher gain, or with random_ties
// an equal one (up to rounding) and a higher rank of its feature.
bool TreeBuilder::Beats(double gain, int feature, const SplitCandidate& best) const {
  if (!best.valid()) return true;
  if (!params_.random_ties) return gain > best.gain;
  const double tolerance = kTieTolerance * std::max(std::abs(gain), std::abs(best.gain));
  if (gain > best.gain + tolerance) return true;
  if (gain < best.gain - tolerance) return false;
  return MixSeed(tie_seed_, static_cast<uint64_t>(feature)) >
         MixSeed(tie_seed_, static_cast<uint64_t>(best.feature));
}

// Any threshold from the split's bin up to below the next bin with rows splits the node alike.
void TreeBuilder::CenterThreshold(const FeatureHistogram& view, SplitCandidate& split) const {
  const int n_channels = scorer_.n_channels();
  int entry = view.bin_ids == nullptr ? split.threshold_bin + 1 : 0;
  while (entry < view.n_entries && view.bin(entry) <= split.threshold_bin) ++entry;
  auto has_rows = [&](int at) {
    return SplitScorer::Count(view.values + static_cast<int64_t>(at) * n_channels, n_channels) >
           0.0;
  };
  while (entry < view.n_entries && !has_rows(entry)) ++entry;
  // Past the last entry: the right side holds only missing values.
  if (entry < view.n_entries) split.threshold_bin = (split.threshold_bin + view.bin(entry)) / 2;
}

void TreeBuilder::FindInFeature(const OpenNode& node, int feature, const FeatureHistogram& view,
                                double parent_score, uint64_t random_seed,
                                SplitCandidate& best) const {
  const uint64_t feature_seed = MixSeed(random_seed, static_cast<uint64_t>(feature));
  SplitCandidate candidate;
  finder_.FindFeature(feature, view, node.totals.data(), parent_score,
                      params_.random_splits ? &feature_seed : nullptr, candidate,
                      MonotoneDirection(feature), node.bounds);
  if (!candidate.valid() || !Beats(candidate.gain, feature, best)) return;
  if (params_.center_thresholds && !params_.random_splits && !candidate.categorical) {
    CenterThreshold(view, candidate);
  }
  best = candidate;
}

// The best split over the node's drawn features; equal gains go to the earlier feature (with
// random_ties, to the feature ranked first for the node).
SplitCandidate TreeBuilder::FindBestSplit(OpenNode& node, double parent_score,
                                          uint64_t random_seed) {
  if (node.hist < 0 && node.list_base >= 0) {
    return FindBestSplitInLists(node, parent_score, random_seed);
  }
  const std::span<const int32_t> features = node_features_;
  SplitCandidate best;
  if (node.hist < 0) {
    GatherStats(node);
    for (const int32_t feature : features) {
      const FeatureHistogram view = BuildSparse(node, feature);
      if (CanSplitFeature(view, scorer_.n_channels())) {
        FindInFeature(node, feature, view, parent_score, random_seed, best);
      }
    }
    return best;
  }
  const double* hist = hist_pool_[node.hist].data();
  if (!UseParallel(node.end - node.begin, features.size())) {
    for (const int32_t feature : features) {
      FindInFeature(node, feature, finder_.DenseView(feature, hist), parent_score, random_seed,
                    best);
    }
    return best;
  }
  candidates_.assign(features.size(), SplitCandidate{});
  tbb::parallel_for(size_t{0}, features.size(), [&](size_t pos) {
    FindInFeature(node, features[pos], finder_.DenseView(features[pos], hist), parent_score,
                  random_seed, candidates_[pos]);
  });
  for (const SplitCandidate& candidate : candidates_) {
    if (candidate.valid() && Beats(candidate.gain, candidate.feature, best)) best = candidate;
  }
  return best;
}

// A small node reads sparse histograms from its lists. A feature that is constant on the node's
// rows is constant on every descendant too, so it leaves node.live: no descendant walks or
// partitions its list again (the model is the same; such a feature never splits).
SplitCandidate TreeBuilder::FindBestSplitInLists(OpenNode& node, double parent_score,
                                                 uint64_t random_seed) {
  if (node.end - node.begin == 2 && !params_.random_splits) {
    return FindBestSplitOfTwo(node, parent_score);
  }
  const std::span<const int32_t> live = LiveFeatures(node);
  constant_features_.clear();
  SplitCandidate best;
  const bool fused = scorer_.criterion() == Criterion::kSquaredError && !params_.random_splits;
  ForEachLiveCandidate(live, node_features_, all_node_features_, [&](int32_t feature) {
    if (fused) {
      const SortedRowLists::ListSplit split = lists_.SquaredErrorSplit(
          feature, node.list_base, node.begin, node.end, node.totals.data(), parent_score);
      if (split.constant) {
        constant_features_.push_back(feature);
        return;
      }
      TakeListSplit(feature, split, best);
      return;
    }
    const FeatureHistogram view = lists_.Histogram(feature, node.list_base, node.begin, node.end);
    if (!CanSplitFeature(view, scorer_.n_channels())) {
      constant_features_.push_back(feature);
      return;
    }
    FindInFeature(node, feature, view, parent_score, random_seed, best);
  });
  // When every feature is constant the node has no split, so an empty list never means "all"
  // for a node that gets children.
  if (!constant_features_.empty()) {
    live_scratch_.clear();
    std::set_difference(live.begin(), live.end(), constant_features_.begin(),
                        constant_features_.end(), std::back_inserter(live_scratch_));
    node.live.assign(live_scratch_.begin(), live_scratch_.end());
  }
  return best;
}

// A split found in the lists replaces `best` as FindInFeature's would.
void TreeBuilder::TakeListSplit(int feature, const SortedRowLists::ListSplit& split,
                                SplitCandidate& best) const {
  if (split.threshold_bin < 0 || !Beats(split.gain, feature, best)) return;
  best = SplitCandidate{};
  best.feature = feature;
  best.gain = split.gain;
  best.default_left = split.default_left;
  best.threshold_bin = split.threshold_bin;
  best.categorical = bins_.mapper().categorical(feature);
  best.left_bins = split.left_bins;
  if (params_.center_thresholds && !best.categorical && split.next_bin >= 0) {
    best.threshold_bin = (split.threshold_bin + split.next_bin) / 2;
  }
}

// The gain of sending the row with `stat` left and the node's other rows right, as a scan would
// compute it; -inf when a side is not allowed.
double TreeBuilder::GainOfLeft(const OpenNode& node, const RowStat& stat,
                               double parent_score) const {
  const int n_channels = scorer_.n_channels();
  std::vector<double>& scratch = gain_scratch_;
  scratch.assign(2 * static_cast<size_t>(n_channels), 0.0);
  double* left = scratch.data();
  if (scorer_.is_classification()) {
    left[stat.label] += stat.a;
  } else {
    left[0] += stat.a;
    left[1] += stat.b;
  }
  left[n_channels - 1] += stat.count;
  double* right = scratch.data() + n_channels;
  for (int channel = 0; channel < n_channels; ++channel) {
    right[channel] = node.totals[channel] - left[channel];
  }
  if (!scorer_.Feasible(left) || !scorer_.Feasible(right)) {
    return -std::numeric_limits<double>::infinity();
  }
  return scorer_.Score(left) + scorer_.Score(right) - parent_score;
}

// Two distinct rows: a numeric feature either holds both in one bin (no split) or splits them,
// the row with the lower bin left and a missing value (the highest bin) right, so the node has
// two possible numeric gains. Computing each once gives the split a scan of every feature finds.
SplitCandidate TreeBuilder::FindBestSplitOfTwo(const OpenNode& node, double parent_score) {
  std::array<const RowStat*, 2> rows = {nullptr, nullptr};
  std::array<double, 2> gains{};
  SplitCandidate best;
  ForEachLiveCandidate(
      LiveFeatures(node), node_features_, all_node_features_, [&](int32_t feature) {
        if (bins_.mapper().categorical(feature)) {
          const FeatureHistogram view =
              lists_.Histogram(feature, node.list_base, node.begin, node.end);
          if (CanSplitFeature(view, scorer_.n_channels())) {
            FindInFeature(node, feature, view, parent_score, 0, best);
          }
          return;
        }
        int bin = 0;
        int upper_bin = 0;
        const RowStat* lower =
            lists_.LowerOfTwo(feature, node.list_base, node.begin, &bin, &upper_bin);
        if (lower == nullptr) return;
        // The node has two rows, so at most two distinct lower rows.
        const size_t which =
            rows[0] == lower ? 0 : (rows[1] == lower || rows[0] != nullptr ? 1 : 0);
        if (rows[which] != lower) {
          rows[which] = lower;
          gains[which] = GainOfLeft(node, *lower, parent_score);
        }
        // GainOfLeft is -inf for a split that is not allowed.
        if (!(gains[which] > -std::numeric_limits<double>::infinity())) return;
        if (!Beats(gains[which], feature, best)) return;
        best = SplitCandidate{};
        best.feature = feature;
        best.gain = gains[which];
        best.threshold_bin = bin;
        if (params_.center_thresholds && upper_bin != bins_.mapper().missing_bin(feature)) {
          best.threshold_bin = (bin + upper_bin) / 2;
        }
      });
  return best;
}

// The first small node of a subtree sorts its rows into lists that its descendants inherit.
void TreeBuilder::PrepareSmallNode(OpenNode& node) {
  if (!use_lists_ || node.hist >= 0 || node.list_base >= 0) return;
  lists_.BuildRoot(node.begin, partition_.Rows(node.begin, node.end), stats_);
  node.list_base = node.begin;
}

// Finds the node's best split over its features, from a dense histogram (built here unless the
// node has one) or, for a small node, from sparse ones.
void TreeBuilder::Evaluate(OpenNode& node, Rng& rng) {
  DrawNodeFeatures(rng);
  all_node_features_ = subtract_ && !node.constrained && params_.node_colsample >= 1.0;
  if (node.constrained) {
    const std::span<const int32_t> allowed = AllowedFeatures(node, allowed_scratch_);
    std::vector<int32_t> drawn = std::move(node_features_);
    node_features_.clear();
    std::set_intersection(drawn.begin(), drawn.end(), allowed.begin(), allowed.end(),
                          std::back_inserter(node_features_));
  }
  if (node.hist < 0 && node.end - node.begin >= sparse_rows_) {
    node.hist = AcquireHistogram();
    BuildHistogram(node, node_features_, hist_pool_[node.hist].data());
  }
  PrepareSmallNode(node);
  if (params_.node_colsample < 1.0) SampleNodeFeatures(rng);
  const double parent_score = scorer_.Score(node.totals.data());
  const uint64_t random_seed = params_.random_splits ? rng() : 0;
  tie_seed_ = params_.random_ties ? rng() : 0;
  node.best = FindBestSplit(node, parent_score, random_seed);
  if (!node.best.valid()) DrawUntilSplit(node, parent_score, random_seed, rng);
  if (node.best.valid() && !AcceptGain(node, node.best.gain, parent_score)) {
    node.best = SplitCandidate{};
  }
  if (!subtract_ || !node.best.valid()) ReleaseHistogram(node.hist);
}

void TreeBuilder::SplitNode(OpenNode& node, Tree& tree, Rng& rng) {
  tree.set_cover(node.node, scorer_.Weight(node.totals.data()));
  const int32_t left_node = tree.Split(node.node, node.best, bins_.mapper());
  const int64_t middle = partition_.Split(bins_, node.best, node.begin, node.end, params_.parallel);
  ++n_leaves_;
  auto [left_totals, right_totals] = ChildTotals(node, middle);
  OpenNode left = MakeChild(left_node, node.depth + 1, node.begin, middle, std::move(left_totals));
  OpenNode right =
      MakeChild(left_node + 1, node.depth + 1, middle, node.end, std::move(right_totals));
  BoundChildren(node, left, right);
  NarrowInteractions(node, left, right);
  // Lists are read only by children that are evaluated.
  if (node.list_base >= 0 && (CanSplit(left) || CanSplit(right))) {
    lists_.Partition(node.best, LiveFeatures(node), node.list_base, node.begin, middle, node.end);
  }
  left.list_base = node.list_base;
  right.list_base = node.list_base;
  left.live = node.live;
  right.live = std::move(node.live);
  AttachChildHistograms(node, left, right);
  for (OpenNode* child : {&left, &right}) {
    if (CanSplit(*child)) {
      Evaluate(*child, rng);
    } else {
      ReleaseHistogram(child->hist);
    }
    Push(std::move(*child));
  }
}

// Histogram subtraction: build the smaller child, turn the parent's histogram into the larger.
void TreeBuilder::AttachChildHistograms(OpenNode& parent, OpenNode& left, OpenNode& right) {
  if (parent.hist < 0) return;
  const bool left_smaller = left.end - left.begin <= right.end - right.begin;
  OpenNode& smaller = left_smaller ? left : right;
  OpenNode& larger = left_smaller ? right : left;
  // Small children use sparse histograms; subtraction only pays for a large one.
  const bool larger_dense = CanSplit(larger) && larger.end - larger.begin >= sparse_rows_;
  if (!larger_dense) {
    ReleaseHistogram(parent.hist);
    return;
  }
  smaller.hist = AcquireHistogram();
  double* small_hist = hist_pool_[smaller.hist].data();
  double* parent_hist = hist_pool_[parent.hist].data();
  // The parent's histogram holds (at least) its allowed features, which cover its children's.
  const std::span<const int32_t> features = AllowedFeatures(parent, allowed_scratch_);
  BuildHistogram(smaller, features, small_hist);
  const int n_channels = scorer_.n_channels();
  for (int32_t feature : features) {
    HistogramBuilder::SubtractFeature(bins_, feature, n_channels, small_hist, parent_hist);
  }
  larger.hist = parent.hist;
  parent.hist = -1;
}

// From the split feature's histogram when the node still has one (O(bins)), else by summing
// the rows. The count channel is exact either way.
std::pair<std::vector<double>, std::vector<double>> TreeBuilder::ChildTotals(const OpenNode& node,
                                                                             int64_t middle) const {
  if (node.hist < 0) return {SumStats(node.begin, middle), SumStats(middle, node.end)};
  const int n_channels = scorer_.n_channels();
  const int feature = node.best.feature;
  const int missing_bin = bins_.mapper().missing_bin(feature);
  const double* slice = hist_pool_[node.hist].data() + bins_.hist_offset(feature) * n_channels;
  std::vector<double> left(static_cast<size_t>(n_channels), 0.0);
  for (int bin = 0; bin <= missing_bin; ++bin) {
    if (!node.best.GoesLeft(bin, missing_bin)) continue;
    for (int channel = 0; channel < n_channels; ++channel) {
      left[channel] += slice[bin * n_channels + channel];
    }
  }
  std::vector<double> right(static_cast<size_t>(n_channels));
  for (int channel = 0; channel < n_channels; ++channel) {
    right[channel] = node.totals[channel] - left[channel];
  }
  return {std::move(left), std::move(right)};
}

TreeBuilder::OpenNode TreeBuilder::MakeChild(int32_t node_idx, int depth, int64_t begin,
                                             int64_t end, std::vector<double> totals) const {
  OpenNode child;
  child.node = node_idx;
  child.depth = depth;
  child.begin = begin;
  child.end = end;
  child.totals = std::move(totals);
  return child;
}

int TreeBuilder::MonotoneDirection(int feature) const {
  return params_.monotone.empty() ? 0 : params_.monotone[static_cast<size_t>(feature)];
}

// Children inherit the node's bounds; a split on a monotone feature also meets at the midpoint
// of its children's (bounded) values: the lower side's subtree stays below it, the upper side's
// above it, so no later split can reverse the order.
void TreeBuilder::BoundChildren(const OpenNode& node, OpenNode& left, OpenNode& right) const {
  left.bounds = node.bounds;
  right.bounds = node.bounds;
  const int direction = MonotoneDirection(node.best.feature);
  if (direction == 0) return;
  const double left_value =
      scorer_.BoundedLeafValue(left.totals.data(), node.bounds.lower, node.bounds.upper);
  const double right_value =
      scorer_.BoundedLeafValue(right.totals.data(), node.bounds.lower, node.bounds.upper);
  const double middle = (left_value + right_value) / 2.0;
  OpenNode& lower_side = direction > 0 ? left : right;
  OpenNode& upper_side = direction > 0 ? right : left;
  lower_side.bounds.upper = std::min(lower_side.bounds.upper, middle);
  upper_side.bounds.lower = std::max(upper_side.bounds.lower, middle);
}

// A split on feature f keeps the node's sets that hold f (all sets holding f, below the root).
void TreeBuilder::NarrowInteractions(const OpenNode& node, OpenNode& left, OpenNode& right) const {
  if (params_.interaction_sets.empty()) return;
  const std::vector<int32_t>& holding = sets_of_feature_[static_cast<size_t>(node.best.feature)];
  std::vector<int32_t> sets;
  if (node.constrained) {
    std::set_intersection(node.sets.begin(), node.sets.end(), holding.begin(), holding.end(),
                          std::back_inserter(sets));
  } else {
    sets = holding;
  }
  left.constrained = true;
  right.constrained = true;
  left.sets = sets;
  right.sets = std::move(sets);
}

std::span<const int32_t> TreeBuilder::AllowedFeatures(const OpenNode& node,
                                                      std::vector<int32_t>& scratch) {
  if (!node.constrained) return tree_features_;
  for (const int32_t set : node.sets) {
    for (const int32_t feature : params_.interaction_sets[static_cast<size_t>(set)]) {
      allowed_mask_[static_cast<size_t>(feature)] = 1;
    }
  }
  scratch.clear();
  for (const int32_t feature : tree_features_) {
    if (allowed_mask_[static_cast<size_t>(feature)] != 0) scratch.push_back(feature);
  }
  for (const int32_t set : node.sets) {
    for (const int32_t feature : params_.interaction_sets[static_cast<size_t>(set)]) {
      allowed_mask_[static_cast<size_t>(feature)] = 0;
    }
  }
  return scratch;
}

void TreeBuilder::FinishLeaf(const OpenNode& node, Tree& tree) {
  std::vector<float> values(static_cast<size_t>(scorer_.leaf_width()));
  if (node.bounds.bounded()) {
    values[0] = static_cast<float>(
        scorer_.BoundedLeafValue(node.totals.data(), node.bounds.lower, node.bounds.upper));
  } else {
    scorer_.LeafValue(node.totals.data(), values.data());
  }
  const int32_t leaf_idx = tree.SetLeaf(node.node, values);
  tree.set_cover(node.node, scorer_.Weight(node.totals.data()));
  if (static_cast<size_t>(leaf_idx) >= leaf_ranges_.size()) {
    leaf_ranges_.resize(static_cast<size_t>(leaf_idx) + 1);
  }
  leaf_ranges_[leaf_idx] = {node.begin, node.end};
}

bool TreeBuilder::AcceptGain(const OpenNode& node, double gain, double parent_score) const {
  if (IsRealGain(gain, parent_score, min_gain_)) return true;
  if (!params_.split_zero_gain || min_gain_ > 0.0) return false;
  return gain > -1e-10 * (1.0 + std::abs(parent_score)) && IsImpure(node);
}

bool TreeBuilder::IsImpure(const OpenNode& node) const {
  if (scorer_.is_classification()) {
    int n_present = 0;
    for (int k = 0; k < scorer_.n_classes(); ++k) n_present += node.totals[k] > 0.0 ? 1 : 0;
    return n_present >= 2;
  }
  // Squared error: two weighted rows with different targets (a / b is the target).
  std::optional<double> first;
  for (const int32_t row : partition_.Rows(node.begin, node.end)) {
    const RowStat& stat = stats_[row];
    if (stat.b <= 0.0f) continue;
    const double target = static_cast<double>(stat.a) / stat.b;
    if (!first) {
      first = target;
    } else if (std::abs(target - *first) > 1e-6 * (1.0 + std::abs(*first))) {
      return true;
    }
  }
  return false;
}

void TreeBuilder::Push(OpenNode node) { open_.push_back(std::move(node)); }

// Depth-first for depth-wise growth (few open histograms); best gain first for leaf-wise.
TreeBuilder::OpenNode TreeBuilder::PopNext() {
  size_t pick = open_.size() - 1;
  if (params_.leaf_wise) {
    for (size_t idx = 0; idx < open_.size(); ++idx) {
      const OpenNode& node = open_[idx];
      const OpenNode& best = open_[pick];
      const bool better = node.best.gain > best.best.gain ||
                          (node.best.gain == best.best.gain && node.node < best.node);
      if (better) pick = idx;
    }
  }
  OpenNode node = std::move(open_[pick]);
  open_.erase(open_.begin() + static_cast<std::ptrdiff_t>(pick));
  return node;
}

int TreeBuilder::AcquireHistogram() {
  const auto size = static_cast<size_t>(bins_.total_hist_bins() * scorer_.n_channels());
  if (!free_hists_.empty()) {
    const int hist = free_hists_.back();
    free_hists_.pop_back();
    return hist;
  }
  hist_pool_.emplace_back(size, 0.0);
  return static_cast<int>(hist_pool_.size()) - 1;
}

void TreeBuilder::ReleaseHistogram(int& hist) {
  if (hist < 0) return;
  free_hists_.push_back(hist);
  hist = -1;
}

}  // namespace kolosal::models::tree
