#include "kolosal/data/split.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

#include "kolosal/core/error.hpp"
#include "kolosal/core/random.hpp"

namespace kolosal::data {
namespace {

std::vector<int64_t> AllRows(int64_t n_rows) {
  std::vector<int64_t> rows(static_cast<size_t>(n_rows));
  std::iota(rows.begin(), rows.end(), int64_t{0});
  return rows;
}

bool IsStratified(const Labels* labels) {
  return labels != nullptr && labels->task == Task::kClassification;
}

void CheckLabels(const Labels* labels, int64_t n_rows) {
  if (labels == nullptr) return;
  if (std::ssize(labels->values) != n_rows) {
    ThrowInvalidArgument("labels have " + std::to_string(labels->values.size()) +
                         " rows, the split is over " + std::to_string(n_rows));
  }
  if (!IsStratified(labels)) return;
  for (float value : labels->values) {
    if (value >= 0.0f && value < static_cast<float>(labels->n_classes()) &&
        std::floor(value) == value) {
      continue;
    }
    ThrowInvalidArgument("label " + std::to_string(value) + " is not a class index in [0, " +
                         std::to_string(labels->n_classes()) + ")");
  }
}

// The rows of each class, each group shuffled; without stratification, one shuffled group.
std::vector<std::vector<int64_t>> ShuffledGroups(int64_t n_rows, Rng& rng, const Labels* labels) {
  std::vector<std::vector<int64_t>> groups;
  if (!IsStratified(labels)) {
    groups.push_back(AllRows(n_rows));
  } else {
    groups.resize(static_cast<size_t>(labels->n_classes()));
    for (int64_t row = 0; row < n_rows; ++row) {
      groups[static_cast<size_t>(labels->values[static_cast<size_t>(row)])].push_back(row);
    }
  }
  for (std::vector<int64_t>& group : groups) Shuffle(std::span(group), rng);
  return groups;
}

// How many rows of each group go to the test side: the share `fraction` of the group, rounded
// so that the total is round(fraction * n) (largest remainders get the extra rows), and each
// group with at least 2 rows keeps at least one row on each side. With n_rows >= 2 neither side
// ends up empty.
std::vector<int64_t> TestCounts(const std::vector<std::vector<int64_t>>& groups, double fraction,
                                int64_t n_rows) {
  const int64_t n_total_test =
      std::clamp<int64_t>(std::llround(fraction * static_cast<double>(n_rows)), 1, n_rows - 1);
  std::vector<int64_t> counts(groups.size());
  std::vector<double> remainders(groups.size());
  int64_t assigned = 0;
  for (size_t group = 0; group < groups.size(); ++group) {
    const double exact = fraction * static_cast<double>(groups[group].size());
    counts[group] = static_cast<int64_t>(std::floor(exact));
    remainders[group] = exact - std::floor(exact);
    assigned += counts[group];
  }
  std::vector<size_t> order(groups.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return remainders[a] > remainders[b]; });
  for (size_t rank = 0; rank < order.size() && assigned < n_total_test; ++rank, ++assigned) {
    ++counts[order[rank]];
  }
  for (size_t group = 0; group < groups.size(); ++group) {
    const auto size = static_cast<int64_t>(groups[group].size());
    if (size >= 2) counts[group] = std::clamp<int64_t>(counts[group], 1, size - 1);
  }
  return counts;
}

// The rows not in `test` (which is sorted), in increasing order.
std::vector<int64_t> Complement(const std::vector<int64_t>& test, int64_t n_rows) {
  std::vector<int64_t> rest;
  rest.reserve(static_cast<size_t>(n_rows) - test.size());
  auto next_test = test.begin();
  for (int64_t row = 0; row < n_rows; ++row) {
    if (next_test != test.end() && *next_test == row) {
      ++next_test;
      continue;
    }
    rest.push_back(row);
  }
  return rest;
}

}  // namespace

TrainTestIndices TrainTestSplit(int64_t n_rows, double test_fraction, uint64_t seed,
                                const Labels* labels) {
  if (!(test_fraction > 0.0 && test_fraction < 1.0)) {
    ThrowInvalidArgument("test_fraction must be in (0, 1), got " + std::to_string(test_fraction));
  }
  if (n_rows < 2) {
    ThrowInvalidArgument("a train/test split needs at least 2 rows, got " + std::to_string(n_rows));
  }
  CheckLabels(labels, n_rows);
  Rng rng(seed);
  const std::vector<std::vector<int64_t>> groups = ShuffledGroups(n_rows, rng, labels);
  const std::vector<int64_t> counts = TestCounts(groups, test_fraction, n_rows);
  TrainTestIndices split;
  for (size_t group = 0; group < groups.size(); ++group) {
    const auto first = groups[group].begin();
    split.test.insert(split.test.end(), first, first + counts[group]);
  }
  std::sort(split.test.begin(), split.test.end());
  split.train = Complement(split.test, n_rows);
  return split;
}

std::vector<TrainTestIndices> KFold(int64_t n_rows, int k, uint64_t seed, const Labels* labels) {
  if (k < 2 || k > n_rows) {
    ThrowInvalidArgument("k-fold needs 2 <= k <= n_rows, got k = " + std::to_string(k) + " for " +
                         std::to_string(n_rows) + " rows");
  }
  CheckLabels(labels, n_rows);
  Rng rng(seed);
  // Dealing the shuffled classes one after another round-robin gives every fold a share of each
  // class within one row, and fold sizes within one row of each other.
  std::vector<TrainTestIndices> folds(static_cast<size_t>(k));
  size_t position = 0;
  for (const std::vector<int64_t>& group : ShuffledGroups(n_rows, rng, labels)) {
    for (int64_t row : group) folds[position++ % folds.size()].test.push_back(row);
  }
  for (TrainTestIndices& fold : folds) {
    std::sort(fold.test.begin(), fold.test.end());
    fold.train = Complement(fold.test, n_rows);
  }
  return folds;
}

}  // namespace kolosal::data
