#include "kolosal/models/tree/sorted_row_lists.hpp"

#include <algorithm>
#include <array>
#include <cassert>

namespace kolosal::models::tree {
namespace {

// Lists cost two bytes per row and feature; beyond this a builder keeps to sparse histograms.
constexpr int64_t kMaxListEntries = int64_t{1} << 25;
// Below this many rows an insertion sort beats a counting sort over the feature's bins.
constexpr size_t kInsertionRows = 24;

uint16_t Key(int bin, size_t local) { return static_cast<uint16_t>((bin << 8) | local); }

// Keys are distinct and arrive in increasing local order, so this sorts stably by bin.
void InsertionSortByBin(const uint8_t* column, std::span<const int32_t> rows, uint16_t* out) {
  for (size_t idx = 0; idx < rows.size(); ++idx) {
    const uint16_t key = Key(column[rows[idx]], idx);
    size_t pos = idx;
    for (; pos > 0 && out[pos - 1] > key; --pos) out[pos] = out[pos - 1];
    out[pos] = key;
  }
}

void CountingSortByBin(const uint8_t* column, std::span<const int32_t> rows, int n_bins,
                       uint16_t* out) {
  std::array<uint16_t, 257> starts;
  std::fill_n(starts.begin(), n_bins + 1, uint16_t{0});
  for (const int32_t row : rows) ++starts[column[row] + 1];
  for (int bin = 1; bin <= n_bins; ++bin) starts[bin] += starts[bin - 1];
  for (size_t idx = 0; idx < rows.size(); ++idx) {
    const int bin = column[rows[idx]];
    out[starts[bin]++] = Key(bin, idx);
  }
}

// Sums each bin's rows into the next histogram entry (class weights per class plus count).
int SumClassGroups(const uint16_t* list, int64_t n, const RowStat* stats, int n_channels,
                   double* values, int* bin_ids) {
  int n_groups = 0;
  int current = -1;
  double* sums = nullptr;
  for (int64_t idx = 0; idx < n; ++idx) {
    const uint16_t key = list[idx];
    const int bin = key >> 8;
    if (bin != current) {
      current = bin;
      bin_ids[n_groups] = bin;
      sums = values + static_cast<ptrdiff_t>(n_groups) * n_channels;
      std::fill_n(sums, n_channels, 0.0);
      ++n_groups;
    }
    const RowStat& stat = stats[key & 0xFF];
    sums[stat.label] += stat.a;
    sums[n_channels - 1] += stat.count;
  }
  return n_groups;
}

// The same for (a, b, count), with the running sums in registers.
int SumGroups(const uint16_t* list, int64_t n, const RowStat* stats, double* values, int* bin_ids) {
  int n_groups = 0;
  int current = -1;
  double sum_a = 0.0;
  double sum_b = 0.0;
  double sum_count = 0.0;
  for (int64_t idx = 0; idx < n; ++idx) {
    const uint16_t key = list[idx];
    const int bin = key >> 8;
    if (bin != current) {
      if (n_groups > 0) {
        double* sums = values + static_cast<ptrdiff_t>(n_groups - 1) * 3;
        sums[0] = sum_a;
        sums[1] = sum_b;
        sums[2] = sum_count;
      }
      current = bin;
      bin_ids[n_groups++] = bin;
      sum_a = 0.0;
      sum_b = 0.0;
      sum_count = 0.0;
    }
    const RowStat& stat = stats[key & 0xFF];
    sum_a += stat.a;
    sum_b += stat.b;
    sum_count += stat.count;
  }
  if (n_groups > 0) {
    double* sums = values + static_cast<ptrdiff_t>(n_groups - 1) * 3;
    sums[0] = sum_a;
    sums[1] = sum_b;
    sums[2] = sum_count;
  }
  return n_groups;
}

// Running (a, b, count) sums.
struct Sums {
  double a = 0.0;
  double b = 0.0;
  double count = 0.0;
  void Add(const RowStat& stat) {
    a += stat.a;
    b += stat.b;
    count += stat.count;
  }
  void Add(double more_a, double more_b, double more_count) {
    a += more_a;
    b += more_b;
    count += more_count;
  }
};

// Squared-error gain of splitting `parent` into `left` and the rest; -inf when not allowed.
// Inlined: it runs at every bin boundary of every feature of a small node.
[[gnu::always_inline]] inline double SquaredErrorGain(const SplitScorer& scorer, const Sums& left,
                                                      const double* parent, double parent_score) {
  const double left_stats[3] = {left.a, left.b, left.count};
  const double right_stats[3] = {parent[0] - left.a, parent[1] - left.b, parent[2] - left.count};
  if (!scorer.Feasible(left_stats) || !scorer.Feasible(right_stats)) {
    return -std::numeric_limits<double>::infinity();
  }
  return scorer.ScoreAs<Criterion::kSquaredError>(left_stats) +
         scorer.ScoreAs<Criterion::kSquaredError>(right_stats) - parent_score;
}

// The best of a scan's two passes: a position per pass and its gain.
struct TwoPasses {
  std::array<double, 2> gain = {-std::numeric_limits<double>::infinity(),
                                -std::numeric_limits<double>::infinity()};
  std::array<int64_t, 2> position = {-1, -1};

  void Offer(int pass, double candidate, int64_t at) {
    if (!(candidate > gain[pass])) return;
    gain[pass] = candidate;
    position[pass] = at;
  }
  // Writes the better pass's gain and side into `split` (the missing-left pass wins only with
  // a higher gain) and returns its position, or -1 when neither pass found a split.
  template <typename Split>
  int64_t TakeBest(Split& split) const {
    const int pass = gain[1] > gain[0] ? 1 : 0;
    if (position[pass] < 0) return -1;
    split.gain = gain[pass];
    split.default_left = pass == 1;
    return position[pass];
  }
};

}  // namespace

SortedRowLists::SortedRowLists(const BinnedMatrix& bins, const SplitScorer& scorer)
    : bins_(bins), scorer_(scorer), slot_of_feature_(static_cast<size_t>(bins.n_features()), -1) {}

bool SortedRowLists::Reset(int64_t n_positions, std::span<const int32_t> features) {
  for (const int32_t feature : features_) slot_of_feature_[feature] = -1;
  features_.assign(features.begin(), features.end());
  n_positions_ = n_positions;
  const int64_t entries = n_positions * static_cast<int64_t>(features.size());
  if (entries > kMaxListEntries) {
    features_.clear();
    return false;
  }
  for (size_t slot = 0; slot < features_.size(); ++slot) {
    slot_of_feature_[features_[slot]] = static_cast<int32_t>(slot);
  }
  if (entries > capacity_) {
    lists_ = std::make_unique_for_overwrite<uint16_t[]>(static_cast<size_t>(entries));
    capacity_ = entries;
  }
  if (static_cast<int64_t>(stats_.size()) < n_positions) {
    stats_.resize(static_cast<size_t>(n_positions));
    goes_left_.resize(static_cast<size_t>(n_positions));
  }
  const int n_channels = scorer_.n_channels();
  values_.resize(static_cast<size_t>(kMaxRows + 1) * n_channels);
  bin_ids_.resize(static_cast<size_t>(kMaxRows));
  scratch_.resize(static_cast<size_t>(kMaxRows));
  return true;
}

void SortedRowLists::BuildRoot(int64_t begin, std::span<const int32_t> rows,
                               std::span<const RowStat> stats) {
  assert(static_cast<int64_t>(rows.size()) <= kMaxRows && "a small root has at most 256 rows");
  for (size_t idx = 0; idx < rows.size(); ++idx) stats_[begin + idx] = stats[rows[idx]];
  for (size_t slot = 0; slot < features_.size(); ++slot) {
    const int feature = features_[slot];
    uint16_t* out = List(static_cast<int>(slot), begin);
    if (rows.size() <= kInsertionRows) {
      InsertionSortByBin(bins_.column(feature), rows, out);
      continue;
    }
    CountingSortByBin(bins_.column(feature), rows, bins_.hist_bins(feature), out);
  }
}

FeatureHistogram SortedRowLists::Histogram(int feature, int64_t base, int64_t begin, int64_t end) {
  const uint16_t* list = List(slot_of_feature_[feature], begin);
  const int n_channels = scorer_.n_channels();
  const RowStat* stats = stats_.data() + base;
  const int n_groups =
      scorer_.is_classification()
          ? SumClassGroups(list, end - begin, stats, n_channels, values_.data(), bin_ids_.data())
          : SumGroups(list, end - begin, stats, values_.data(), bin_ids_.data());
  // The missing bin is the feature's highest, so its rows come last.
  const bool has_missing =
      n_groups > 0 && bin_ids_[n_groups - 1] == bins_.mapper().missing_bin(feature);
  FeatureHistogram view;
  view.values = values_.data();
  view.n_entries = n_groups - (has_missing ? 1 : 0);
  view.bin_ids = bin_ids_.data();
  double* missing = values_.data() + static_cast<ptrdiff_t>(view.n_entries) * n_channels;
  if (!has_missing) std::fill_n(missing, n_channels, 0.0);
  view.missing = missing;
  return view;
}

void SortedRowLists::Partition(const SplitCandidate& split, std::span<const int32_t> features,
                               int64_t base, int64_t begin, int64_t middle, int64_t end) {
  std::array<uint8_t, 256> bin_goes_left{};
  const int missing_bin = bins_.mapper().missing_bin(split.feature);
  for (int bin = 0; bin <= missing_bin; ++bin) {
    bin_goes_left[bin] = split.GoesLeft(bin, missing_bin) ? 1 : 0;
  }
  const int64_t n = end - begin;
  uint8_t* goes_left = goes_left_.data() + base;
  const uint16_t* split_list = List(slot_of_feature_[split.feature], begin);
  for (int64_t idx = 0; idx < n; ++idx) {
    goes_left[split_list[idx] & 0xFF] = bin_goes_left[split_list[idx] >> 8];
  }
  for (const int32_t feature : features) {
    uint16_t* list = List(slot_of_feature_[feature], begin);
    int64_t n_left = 0;
    int64_t n_right = 0;
    // Branch-free: writes trail the reads, so the left part compacts in place.
    for (int64_t idx = 0; idx < n; ++idx) {
      const uint16_t key = list[idx];
      const int64_t left = goes_left[key & 0xFF];
      list[n_left] = key;
      scratch_[n_right] = key;
      n_left += left;
      n_right += 1 - left;
    }
    assert(begin + n_left == middle && "lists and rows split alike");
    std::copy_n(scratch_.data(), n_right, list + n_left);
  }
  (void)middle;
}

SortedRowLists::ListSplit SortedRowLists::SquaredErrorSplit(int feature, int64_t base,
                                                            int64_t begin, int64_t end,
                                                            const double* parent,
                                                            double parent_score) {
  const uint16_t* list = List(slot_of_feature_[feature], begin);
  const RowStat* stats = stats_.data() + base;
  const int missing_bin = bins_.mapper().missing_bin(feature);
  if (bins_.mapper().categorical(feature)) {
    return CategoricalSquaredErrorSplit(list, end - begin, stats, missing_bin, parent,
                                        parent_score);
  }
  return NumericSquaredErrorSplit(list, end - begin, stats, missing_bin, parent, parent_score);
}

// Rows are added one by one (a histogram would sum each bin first), so gains can differ from a
// histogram scan's in the last bits.
SortedRowLists::ListSplit SortedRowLists::NumericSquaredErrorSplit(const uint16_t* list, int64_t n,
                                                                   const RowStat* stats,
                                                                   int missing_bin,
                                                                   const double* parent,
                                                                   double parent_score) const {
  ListSplit split;
  // The missing bin is the feature's highest, so its rows come last.
  int64_t n_values = n;
  Sums missing;
  while (n_values > 0 && (list[n_values - 1] >> 8) == missing_bin) {
    missing.Add(stats[list[--n_values] & 0xFF]);
  }
  const bool has_missing = missing.count > 0.0;
  if (n_values == 0) return split;
  if (!has_missing && (list[0] >> 8) == (list[n_values - 1] >> 8)) return split;
  split.constant = false;
  TwoPasses passes;
  Sums left;
  for (int64_t idx = 0; idx < n_values; ++idx) {
    left.Add(stats[list[idx] & 0xFF]);
    const bool last = idx + 1 == n_values;
    if (!last && (list[idx + 1] >> 8) == (list[idx] >> 8)) continue;
    // A boundary after this bin: the right side holds the later bins and, in pass 0, missing.
    if (!last || has_missing)
      passes.Offer(0, SquaredErrorGain(scorer_, left, parent, parent_score), idx);
    if (!last && has_missing) {
      Sums with_missing = left;
      with_missing.Add(missing.a, missing.b, missing.count);
      passes.Offer(1, SquaredErrorGain(scorer_, with_missing, parent, parent_score), idx);
    }
  }
  const int64_t at = passes.TakeBest(split);
  if (at < 0) return split;
  split.threshold_bin = list[at] >> 8;
  split.next_bin = at + 1 < n_values ? list[at + 1] >> 8 : -1;
  return split;
}

SortedRowLists::ListSplit SortedRowLists::CategoricalSquaredErrorSplit(
    const uint16_t* list, int64_t n, const RowStat* stats, int missing_bin, const double* parent,
    double parent_score) {
  ListSplit split;
  std::vector<CategoryGroup>& groups = groups_;
  groups.clear();
  Sums missing;
  for (int64_t idx = 0; idx < n; ++idx) {
    const int bin = list[idx] >> 8;
    const RowStat& stat = stats[list[idx] & 0xFF];
    if (bin == missing_bin) {
      missing.Add(stat);
      continue;
    }
    if (groups.empty() || groups.back().bin != bin) groups.push_back({0.0, bin});
    CategoryGroup& group = groups.back();
    group.a += stat.a;
    group.b += stat.b;
    group.count += stat.count;
  }
  const bool has_missing = missing.count > 0.0;
  if (groups.empty() || (groups.size() == 1 && !has_missing)) return split;
  split.constant = false;
  for (CategoryGroup& group : groups) group.key = group.b > 0.0 ? group.a / group.b : 0.0;
  std::sort(groups.begin(), groups.end(), [](const CategoryGroup& x, const CategoryGroup& y) {
    return x.key < y.key || (x.key == y.key && x.bin < y.bin);
  });
  const auto n_groups = static_cast<int64_t>(groups.size());
  TwoPasses passes;
  Sums left;
  for (int64_t position = 0; position < n_groups; ++position) {
    left.Add(groups[position].a, groups[position].b, groups[position].count);
    if (position + 1 < n_groups || has_missing) {
      passes.Offer(0, SquaredErrorGain(scorer_, left, parent, parent_score), position);
    }
  }
  // The missing-left pass starts from the missing rows, as the scan does.
  Sums with_missing = missing;
  for (int64_t position = 0; has_missing && position + 1 < n_groups; ++position) {
    with_missing.Add(groups[position].a, groups[position].b, groups[position].count);
    passes.Offer(1, SquaredErrorGain(scorer_, with_missing, parent, parent_score), position);
  }
  const int64_t at = passes.TakeBest(split);
  if (at < 0) return split;
  split.threshold_bin = groups[at].bin;
  for (int64_t position = 0; position <= at; ++position)
    AddBin(split.left_bins, groups[position].bin);
  return split;
}

}  // namespace kolosal::models::tree
