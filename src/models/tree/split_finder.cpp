#include "kolosal/models/tree/split_finder.hpp"

#include <algorithm>
#include <limits>

#include "kolosal/core/random.hpp"

namespace kolosal::models::tree {
namespace {

bool HasRows(const double* stats, int n_channels) {
  return SplitScorer::Count(stats, n_channels) > 0.0;
}

void Add(double* into, const double* stats, int n_channels) {
  for (int channel = 0; channel < n_channels; ++channel) into[channel] += stats[channel];
}

int MajorityClass(const double* parent, int n_classes) {
  int best = 0;
  for (int k = 1; k < n_classes; ++k) {
    if (parent[k] > parent[best]) best = k;
  }
  return best;
}

// Value bins that hold rows, in increasing bin order, into `present`.
void NonEmptyBins(const double* slice, int n_bins, int n_channels, std::vector<int>& present) {
  present.clear();
  for (int bin = 0; bin < n_bins; ++bin) {
    if (HasRows(slice + static_cast<int64_t>(bin) * n_channels, n_channels)) present.push_back(bin);
  }
}

// Per-thread scratch for the scan order: FindFeature runs once per feature and node, so an
// allocation per call would dominate small nodes.
std::vector<int>& OrderScratch() {
  thread_local std::vector<int> order;
  return order;
}

// The last position a scan visits: with `order` null (every entry in turn), the last entry
// that holds rows.
int LastPosition(const int* order, int n_positions, const double* slice, int n_channels) {
  int last = n_positions - 1;
  if (order != nullptr) return last;
  while (last >= 0 && !HasRows(slice + static_cast<int64_t>(last) * n_channels, n_channels)) --last;
  return last;
}

// The scan of the 3-channel criteria (gradient, squared error) with the stats in registers: the
// hot loop of boosting and regression forests. kInOrder: positions are the entries themselves,
// and empty ones are skipped (as if `order` listed the non-empty entries). `gain_of(left, right)`
// scores a split, -inf when it is not allowed.
template <bool kInOrder, typename GainOf>
SplitFinder::ScanResult ScanSums(const int* order, int n_positions, const double* slice,
                                 const double* missing, const double* parent, int only_position,
                                 const GainOf& gain_of) {
  const bool has_missing = missing[2] > 0.0;
  const int last = LastPosition(kInOrder ? nullptr : order, n_positions, slice, 3);
  SplitFinder::ScanResult best;
  for (int missing_left = 0; missing_left < 2; ++missing_left) {
    if (missing_left == 1 && !has_missing) break;
    double left[3] = {0.0, 0.0, 0.0};
    if (missing_left == 1) std::copy(missing, missing + 3, left);
    for (int position = 0; position <= last; ++position) {
      const double* stats = slice + static_cast<int64_t>(kInOrder ? position : order[position]) * 3;
      if (kInOrder && !(stats[2] > 0.0)) continue;
      left[0] += stats[0];
      left[1] += stats[1];
      left[2] += stats[2];
      const bool right_empty = position == last && (missing_left == 1 || !has_missing);
      if (right_empty) break;
      if (only_position >= 0 ? position != only_position : !(stats[2] > 0.0)) continue;
      const double right[3] = {parent[0] - left[0], parent[1] - left[1], parent[2] - left[2]};
      const double gain = gain_of(left, right);
      if (gain <= best.gain) continue;
      best = {gain, position, missing_left == 1};
    }
  }
  return best;
}

template <Criterion kCriterion, bool kInOrder>
SplitFinder::ScanResult ScanThreeChannels(const SplitScorer& scorer, const int* order,
                                          int n_positions, const double* slice,
                                          const double* missing, const double* parent,
                                          double parent_score, int only_position) {
  return ScanSums<kInOrder>(order, n_positions, slice, missing, parent, only_position,
                            [&](const double* left, const double* right) {
                              if (!scorer.Feasible(left) || !scorer.Feasible(right)) {
                                return -std::numeric_limits<double>::infinity();
                              }
                              return scorer.ScoreAs<kCriterion>(left) +
                                     scorer.ScoreAs<kCriterion>(right) - parent_score;
                            });
}

// Gradient boosting under monotone constraints (XGBoost's and LightGBM's basic method): the
// children's leaf values are held in `bounds`, a split whose values break `direction` is
// skipped, and gains are scores at the held values against the parent's held value. Entries in
// order, empty ones skipped.
SplitFinder::ScanResult ScanBounded(const SplitScorer& scorer, int n_entries, const double* slice,
                                    const double* missing, const double* parent, int direction,
                                    const LeafBounds& bounds) {
  const double parent_score =
      scorer.ScoreGivenValue(parent, scorer.BoundedLeafValue(parent, bounds.lower, bounds.upper));
  return ScanSums<true>(
      nullptr, n_entries, slice, missing, parent, -1, [&](const double* left, const double* right) {
        if (!scorer.Feasible(left) || !scorer.Feasible(right)) {
          return -std::numeric_limits<double>::infinity();
        }
        const double left_value = scorer.BoundedLeafValue(left, bounds.lower, bounds.upper);
        const double right_value = scorer.BoundedLeafValue(right, bounds.lower, bounds.upper);
        if (direction * (right_value - left_value) < 0.0) {
          return -std::numeric_limits<double>::infinity();
        }
        return scorer.ScoreGivenValue(left, left_value) +
               scorer.ScoreGivenValue(right, right_value) - parent_score;
      });
}

// Feasible() and Score() of both sides for gini in one pass over the classes (the scan's hot path
// for forest classification), summing in the same order, so the gain is the same to the bit.
// Writes the right side's sums (parent minus left) into `right`.
bool GiniGain(const SplitScorer& scorer, const double* left, const double* parent,
              double parent_score, double* right, double* gain) {
  const int n_classes = scorer.n_classes();
  double left_weight = 0.0;
  double left_squares = 0.0;
  double right_weight = 0.0;
  double right_squares = 0.0;
  for (int k = 0; k < n_classes; ++k) {
    right[k] = parent[k] - left[k];
    left_weight += left[k];
    left_squares += left[k] * left[k];
    right_weight += right[k];
    right_squares += right[k] * right[k];
  }
  right[n_classes] = parent[n_classes] - left[n_classes];
  if (!scorer.FeasibleWeight(left, left_weight) || !scorer.FeasibleWeight(right, right_weight)) {
    return false;
  }
  *gain = left_squares / left_weight + right_squares / right_weight - parent_score;
  return true;
}

// Any criterion (class weights), with the same conventions.
template <bool kInOrder>
SplitFinder::ScanResult ScanChannels(const SplitScorer& scorer, const int* order, int n_positions,
                                     const double* slice, const double* missing,
                                     const double* parent, double parent_score, int only_position) {
  const int n_channels = scorer.n_channels();
  const bool has_missing = HasRows(missing, n_channels);
  const int last = LastPosition(kInOrder ? nullptr : order, n_positions, slice, n_channels);
  // Per-thread scratch: Scan runs once per feature and node, so allocations would dominate.
  thread_local std::vector<double> scratch;
  scratch.resize(2 * static_cast<size_t>(n_channels));
  const std::span<double> left(scratch.data(), static_cast<size_t>(n_channels));
  const std::span<double> right(scratch.data() + n_channels, static_cast<size_t>(n_channels));
  const bool gini = scorer.criterion() == Criterion::kGini;
  SplitFinder::ScanResult best;
  for (int missing_left = 0; missing_left < 2; ++missing_left) {
    if (missing_left == 1 && !has_missing) break;
    if (missing_left == 1) {
      std::copy(missing, missing + n_channels, left.begin());
    } else {
      std::fill(left.begin(), left.end(), 0.0);
    }
    for (int position = 0; position <= last; ++position) {
      const double* stats =
          slice + static_cast<int64_t>(kInOrder ? position : order[position]) * n_channels;
      if (kInOrder && !HasRows(stats, n_channels)) continue;
      Add(left.data(), stats, n_channels);
      const bool right_empty = position == last && (missing_left == 1 || !has_missing);
      if (right_empty) break;
      if (only_position >= 0 ? position != only_position : !HasRows(stats, n_channels)) continue;
      double gain = 0.0;
      if (gini) {
        if (!GiniGain(scorer, left.data(), parent, parent_score, right.data(), &gain)) continue;
      } else {
        for (int channel = 0; channel < n_channels; ++channel) {
          right[channel] = parent[channel] - left[channel];
        }
        if (!scorer.Feasible(left.data()) || !scorer.Feasible(right.data())) continue;
        gain = scorer.Score(left.data()) + scorer.Score(right.data()) - parent_score;
      }
      if (gain <= best.gain) continue;
      best = {gain, position, missing_left == 1};
    }
  }
  return best;
}

template <bool kInOrder>
SplitFinder::ScanResult ScanAny(const SplitScorer& scorer, const int* order, int n_positions,
                                const double* slice, const double* missing, const double* parent,
                                double parent_score, int only_position) {
  switch (scorer.criterion()) {
    case Criterion::kGradient:
      return ScanThreeChannels<Criterion::kGradient, kInOrder>(
          scorer, order, n_positions, slice, missing, parent, parent_score, only_position);
    case Criterion::kSquaredError:
      return ScanThreeChannels<Criterion::kSquaredError, kInOrder>(
          scorer, order, n_positions, slice, missing, parent, parent_score, only_position);
    case Criterion::kGini:
    case Criterion::kEntropy:
      break;
  }
  return ScanChannels<kInOrder>(scorer, order, n_positions, slice, missing, parent, parent_score,
                                only_position);
}

}  // namespace

SplitFinder::ScanResult SplitFinder::Scan(const SplitScorer& scorer, const int* order,
                                          int n_positions, const double* slice,
                                          const double* missing, const double* parent,
                                          double parent_score, int only_position) const {
  if (order == nullptr) {
    return ScanAny<true>(scorer, order, n_positions, slice, missing, parent, parent_score,
                         only_position);
  }
  return ScanAny<false>(scorer, order, n_positions, slice, missing, parent, parent_score,
                        only_position);
}

double SplitFinder::CategoryKey(const double* stats, int majority_class) const {
  switch (scorer_.criterion()) {
    case Criterion::kGradient:
      return stats[0] / (stats[1] + cat_smooth_);
    case Criterion::kSquaredError:
      return stats[0] / stats[1];
    case Criterion::kGini:
    case Criterion::kEntropy:
      return stats[majority_class] / scorer_.Weight(stats);
  }
  return 0.0;
}

void SplitFinder::SortedCategories(const FeatureHistogram& hist, const double* parent,
                                   double min_rows, std::vector<int>& present) const {
  const int n_channels = scorer_.n_channels();
  NonEmptyBins(hist.values, hist.n_entries, n_channels, present);
  std::erase_if(present, [&](int entry) {
    const double* stats = hist.values + static_cast<int64_t>(entry) * n_channels;
    return SplitScorer::Count(stats, n_channels) < min_rows;
  });
  const int majority = scorer_.is_classification() ? MajorityClass(parent, scorer_.n_classes()) : 0;
  thread_local std::vector<std::pair<double, int>> keyed;
  keyed.clear();
  for (int entry : present) {
    const double* stats = hist.values + static_cast<int64_t>(entry) * n_channels;
    keyed.emplace_back(scorer_.Weight(stats) > 0.0 ? CategoryKey(stats, majority) : 0.0, entry);
  }
  // Ties go by category code, so the order is fully determined.
  std::sort(keyed.begin(), keyed.end());
  for (size_t idx = 0; idx < keyed.size(); ++idx) present[idx] = keyed[idx].second;
}

FeatureHistogram SplitFinder::DenseView(int feature, const double* hist) const {
  const int n_channels = scorer_.n_channels();
  FeatureHistogram view;
  view.values = hist + bins_.hist_offset(feature) * n_channels;
  view.n_entries = bins_.mapper().n_bins(feature);
  view.missing = view.values + static_cast<int64_t>(view.n_entries) * n_channels;
  return view;
}

void SplitFinder::FindFeature(int feature, const FeatureHistogram& hist, const double* parent,
                              double parent_score, const uint64_t* random_seed,
                              SplitCandidate& best_split, int monotone,
                              const LeafBounds& bounds) const {
  const int n_channels = scorer_.n_channels();
  const bool categorical = bins_.mapper().categorical(feature);
  if ((monotone != 0 || bounds.bounded()) && !categorical && random_seed == nullptr &&
      scorer_.criterion() == Criterion::kGradient) {
    const ScanResult best =
        ScanBounded(scorer_, hist.n_entries, hist.values, hist.missing, parent, monotone, bounds);
    if (best.position < 0 || !(best.gain > best_split.gain)) return;
    best_split.feature = feature;
    best_split.gain = best.gain;
    best_split.default_left = best.default_left;
    best_split.categorical = false;
    best_split.threshold_bin = hist.bin(best.position);
    best_split.left_bins = {};
    return;
  }
  // Numeric scans without a random draw visit the entries in order and skip the empty ones
  // (empty bins never change the partition); the others get an explicit order.
  std::vector<int>& order = OrderScratch();
  const bool explicit_order = categorical || random_seed != nullptr;
  if (categorical && random_seed == nullptr && cat_max_threshold_ > 0) {
    FindCategories(feature, hist, parent, parent_score, best_split, bounds);
    return;
  }
  if (categorical) {
    SortedCategories(hist, parent, cat_min_rows_, order);
  } else if (random_seed != nullptr) {
    NonEmptyBins(hist.values, hist.n_entries, n_channels, order);
  }
  int only_position = -1;
  if (random_seed != nullptr) {
    if (order.size() < 2) return;
    uint64_t draw = 0;
    auto uniform_index = [&](uint64_t n) {
      return static_cast<size_t>(
          (static_cast<unsigned __int128>(MixSeed(*random_seed, draw++)) * n) >> 64);
    };
    if (categorical) {
      for (size_t idx = order.size() - 1; idx > 0; --idx) {
        std::swap(order[idx], order[uniform_index(idx + 1)]);
      }
    }
    only_position = static_cast<int>(uniform_index(order.size() - 1));
  }
  const SplitScorer& scorer = categorical ? category_scorer_ : scorer_;
  const double score = categorical ? category_scorer_.Score(parent) : parent_score;
  const int n_positions = explicit_order ? static_cast<int>(order.size()) : hist.n_entries;
  const int* positions = explicit_order ? order.data() : nullptr;
  const ScanResult best =
      Scan(scorer, positions, n_positions, hist.values, hist.missing, parent, score, only_position);
  if (best.position < 0 || !(best.gain > best_split.gain)) return;

  auto entry_at = [&](int position) { return explicit_order ? order[position] : position; };
  SplitCandidate& candidate = best_split;
  candidate.feature = feature;
  candidate.gain = best.gain;
  candidate.default_left = best.default_left;
  candidate.categorical = categorical;
  candidate.threshold_bin = hist.bin(entry_at(best.position));
  candidate.left_bins = {};
  if (categorical) {
    for (int position = 0; position <= best.position; ++position) {
      AddBin(candidate.left_bins, hist.bin(entry_at(position)));
    }
  }
}

void SplitFinder::FindCategories(int feature, const FeatureHistogram& hist, const double* parent,
                                 double parent_score, SplitCandidate& best_split,
                                 const LeafBounds& bounds) const {
  const int n_channels = scorer_.n_channels();
  auto stats_at = [&](int entry) { return hist.values + static_cast<int64_t>(entry) * n_channels; };
  const bool has_missing = HasRows(hist.missing, n_channels);
  thread_local std::vector<double> scratch;
  scratch.resize(2 * static_cast<size_t>(n_channels));
  double* left = scratch.data();
  double* right = scratch.data() + n_channels;
  auto start_left = [&](bool missing_left) {
    for (int channel = 0; channel < n_channels; ++channel) {
      left[channel] = missing_left ? hist.missing[channel] : 0.0;
    }
  };
  auto fill_right = [&] {
    for (int channel = 0; channel < n_channels; ++channel)
      right[channel] = parent[channel] - left[channel];
  };
  // In a bounded node (monotone constraints) both sides' values are held in the bounds, and so
  // is the parent's; else the usual scores.
  const bool bounded = bounds.bounded();
  auto bounded_score = [&](const SplitScorer& scorer, const double* stats) {
    return scorer.ScoreGivenValue(stats,
                                  scorer.BoundedLeafValue(stats, bounds.lower, bounds.upper));
  };
  auto split_gain = [&](const SplitScorer& scorer, double node_score) {
    if (!bounded) return scorer.Score(left) + scorer.Score(right) - node_score;
    return bounded_score(scorer, left) + bounded_score(scorer, right) - node_score;
  };
  // The categories order[first..last] go left.
  struct Cut {
    double gain = -std::numeric_limits<double>::infinity();
    int first = -1;
    int last = -1;
    bool default_left = false;
  };
  Cut best;
  std::vector<int>& order = OrderScratch();
  const auto n_categories = static_cast<int>(bins_.mapper().n_bins(feature));
  if (n_categories <= cat_onehot_max_) {
    // One category against the rest, with the ordinary penalties.
    const double onehot_parent_score = bounded ? bounded_score(scorer_, parent) : parent_score;
    NonEmptyBins(hist.values, hist.n_entries, n_channels, order);
    const auto n_present = static_cast<int>(order.size());
    for (int position = 0; position < n_present; ++position) {
      for (int missing_left = 0; missing_left < (has_missing ? 2 : 1); ++missing_left) {
        if (n_present == 1 && (missing_left == 1 || !has_missing)) continue;
        start_left(missing_left == 1);
        Add(left, stats_at(order[position]), n_channels);
        fill_right();
        if (!scorer_.Feasible(left) || !scorer_.Feasible(right)) continue;
        const double gain = split_gain(scorer_, onehot_parent_score);
        if (gain > best.gain) best = {gain, position, position, missing_left == 1};
      }
    }
  } else {
    SortedCategories(hist, parent, cat_smooth_, order);
    const auto n_sorted = static_cast<int>(order.size());
    const int max_left = std::min(cat_max_threshold_, (n_sorted + 1) / 2);
    const double category_parent_score =
        bounded ? bounded_score(category_scorer_, parent) : category_scorer_.Score(parent);
    for (int reverse = 0; reverse < 2; ++reverse) {
      for (int missing_left = 0; missing_left < (has_missing ? 2 : 1); ++missing_left) {
        start_left(missing_left == 1);
        double group_rows = 0.0;
        for (int step = 0; step < std::min(n_sorted, max_left); ++step) {
          const int position = reverse == 1 ? n_sorted - 1 - step : step;
          const double* stats = stats_at(order[position]);
          Add(left, stats, n_channels);
          group_rows += SplitScorer::Count(stats, n_channels);
          if (step == n_sorted - 1 && (missing_left == 1 || !has_missing)) break;
          fill_right();
          if (!category_scorer_.Feasible(left)) continue;
          if (!category_scorer_.Feasible(right) ||
              SplitScorer::Count(right, n_channels) < cat_min_rows_) {
            break;
          }
          if (group_rows < cat_min_rows_) continue;
          group_rows = 0.0;
          const double gain = split_gain(category_scorer_, category_parent_score);
          if (!(gain > best.gain)) continue;
          best = {gain, reverse == 1 ? position : 0, reverse == 1 ? n_sorted - 1 : position,
                  missing_left == 1};
        }
      }
    }
  }
  if (best.first < 0 || !(best.gain > best_split.gain)) return;
  best_split.feature = feature;
  best_split.gain = best.gain;
  best_split.default_left = best.default_left;
  best_split.categorical = true;
  best_split.threshold_bin = hist.bin(order[best.last]);
  best_split.left_bins = {};
  for (int position = best.first; position <= best.last; ++position) {
    AddBin(best_split.left_bins, hist.bin(order[position]));
  }
}

}  // namespace kolosal::models::tree
