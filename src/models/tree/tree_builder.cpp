#include "kolosal/models/tree/tree_builder.hpp"

#include <tbb/parallel_for.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <numeric>

#include "kolosal/models/tree/histogram_builder.hpp"

namespace kolosal::models::tree {
namespace {

constexpr int64_t kParallelWork = 32768;  // rows x features below which one thread is faster

// Gains below this (relative to the node score) are rounding noise, e.g. on a pure node.
bool IsRealGain(double gain, double parent_score, double min_split_gain) {
  return gain > min_split_gain && gain > 1e-10 * (1.0 + std::abs(parent_score));
}

}  // namespace

TreeBuilder::TreeBuilder(const BinnedMatrix& bins, SplitScorer scorer, TreeGrowthParams params)
    : bins_(bins),
      scorer_(scorer),
      params_(params),
      category_scorer_(scorer.WithExtraL2(params.cat_l2)),
      finder_(bins_, scorer_, category_scorer_, params.cat_smooth, params.cat_min_rows),
      subtract_(params.max_features >= 1.0) {
  ordered_.resize(static_cast<size_t>(bins.n_rows()));
  slot_of_.fill(-1);
  int64_t total_bins = 0;
  for (int feature = 0; feature < bins.n_features(); ++feature)
    total_bins += bins.hist_bins(feature);
  sparse_rows_ = std::clamp<int64_t>(total_bins / std::max(1, bins.n_features()), 16, 256);
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
  open_.clear();
  leaf_ranges_.clear();
  n_leaves_ = 1;

  Tree tree(scorer_.leaf_width());
  OpenNode root;
  root.end = static_cast<int64_t>(rows.size());
  root.totals = SumStats(root.begin, root.end);
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

bool TreeBuilder::CanSplit(const OpenNode& node) const {
  const double count = SplitScorer::Count(node.totals.data(), scorer_.n_channels());
  if (params_.max_depth > 0 && node.depth >= params_.max_depth) return false;
  return count >= static_cast<double>(params_.min_samples_split) && count >= 2.0;
}

std::vector<double> TreeBuilder::SumStats(int64_t begin, int64_t end) const {
  const int n_channels = scorer_.n_channels();
  std::vector<double> totals(static_cast<size_t>(n_channels), 0.0);
  const bool classes = scorer_.is_classification();
  for (int32_t row : partition_.Rows(begin, end)) {
    const RowStat& stat = stats_[row];
    if (classes) {
      totals[stat.label] += stat.a;
    } else {
      totals[0] += stat.a;
      totals[1] += stat.b;
    }
    totals[n_channels - 1] += stat.count;
  }
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

std::vector<int32_t> TreeBuilder::DrawNodeFeatures(Rng& rng) const {
  std::vector<int32_t> features = tree_features_;
  if (subtract_) return features;
  const auto n_total = features.size();
  const auto n_draw = std::clamp<size_t>(
      static_cast<size_t>(std::floor(params_.max_features * static_cast<double>(n_total))), 1,
      n_total);
  for (size_t idx = 0; idx < n_draw; ++idx) {
    std::swap(features[idx], features[idx + UniformIndex(rng, n_total - idx)]);
  }
  features.resize(n_draw);
  std::sort(features.begin(), features.end());
  return features;
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

std::vector<SplitCandidate> TreeBuilder::FindCandidates(const OpenNode& node,
                                                        std::span<const int32_t> features,
                                                        double parent_score, uint64_t random_seed) {
  std::vector<SplitCandidate> candidates(features.size());
  auto find = [&](size_t pos, const FeatureHistogram& view) {
    const uint64_t feature_seed = MixSeed(random_seed, static_cast<uint64_t>(features[pos]));
    candidates[pos] = finder_.FindFeature(features[pos], view, node.totals.data(), parent_score,
                                          params_.random_splits ? &feature_seed : nullptr);
  };
  if (node.hist < 0) {
    GatherStats(node);
    for (size_t pos = 0; pos < features.size(); ++pos) find(pos, BuildSparse(node, features[pos]));
    return candidates;
  }
  const double* hist = hist_pool_[node.hist].data();
  auto find_dense = [&](size_t pos) { find(pos, finder_.DenseView(features[pos], hist)); };
  if (UseParallel(node.end - node.begin, features.size())) {
    tbb::parallel_for(size_t{0}, features.size(), find_dense);
  } else {
    for (size_t pos = 0; pos < features.size(); ++pos) find_dense(pos);
  }
  return candidates;
}

// Finds the node's best split over its features, from a dense histogram (built here unless the
// node has one) or, for a small node, from sparse ones.
void TreeBuilder::Evaluate(OpenNode& node, Rng& rng) {
  const std::vector<int32_t> features = DrawNodeFeatures(rng);
  if (node.hist < 0 && node.end - node.begin >= sparse_rows_) {
    node.hist = AcquireHistogram();
    BuildHistogram(node, features, hist_pool_[node.hist].data());
  }
  const double parent_score = scorer_.Score(node.totals.data());
  const uint64_t random_seed = params_.random_splits ? rng() : 0;
  node.best = SplitCandidate{};
  for (const SplitCandidate& candidate :
       FindCandidates(node, features, parent_score, random_seed)) {
    if (candidate.valid() && candidate.gain > node.best.gain) node.best = candidate;
  }
  if (node.best.valid() && !AcceptGain(node, node.best.gain, parent_score)) {
    node.best = SplitCandidate{};
  }
  if (!subtract_ || !node.best.valid()) ReleaseHistogram(node.hist);
}

void TreeBuilder::SplitNode(OpenNode& node, Tree& tree, Rng& rng) {
  const int32_t left_node = tree.Split(node.node, node.best, bins_.mapper());
  const int64_t middle = partition_.Split(bins_, node.best, node.begin, node.end, params_.parallel);
  ++n_leaves_;
  auto [left_totals, right_totals] = ChildTotals(node, middle);
  OpenNode left = MakeChild(left_node, node.depth + 1, node.begin, middle, std::move(left_totals));
  OpenNode right =
      MakeChild(left_node + 1, node.depth + 1, middle, node.end, std::move(right_totals));
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
  BuildHistogram(smaller, tree_features_, small_hist);
  const int n_channels = scorer_.n_channels();
  for (int32_t feature : tree_features_) {
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

void TreeBuilder::FinishLeaf(const OpenNode& node, Tree& tree) {
  std::vector<float> values(static_cast<size_t>(scorer_.leaf_width()));
  scorer_.LeafValue(node.totals.data(), values.data());
  const int32_t leaf_idx = tree.SetLeaf(node.node, values);
  if (static_cast<size_t>(leaf_idx) >= leaf_ranges_.size()) {
    leaf_ranges_.resize(static_cast<size_t>(leaf_idx) + 1);
  }
  leaf_ranges_[leaf_idx] = {node.begin, node.end};
}

bool TreeBuilder::AcceptGain(const OpenNode& node, double gain, double parent_score) const {
  if (IsRealGain(gain, parent_score, params_.min_split_gain)) return true;
  if (!params_.split_zero_gain || !scorer_.is_classification() || params_.min_split_gain > 0.0) {
    return false;
  }
  int n_present = 0;
  for (int k = 0; k < scorer_.n_classes(); ++k) n_present += node.totals[k] > 0.0 ? 1 : 0;
  return n_present >= 2 && gain > -1e-10 * (1.0 + std::abs(parent_score));
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
