#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "common/expect_error.hpp"
#include "kolosal/core/error.hpp"
#include "kolosal/data/split.hpp"

namespace kolosal::data {
namespace {

using ::kolosal::testing::ExpectError;

// Classes with 50, 30, 15, 4, 1 rows, interleaved.
Labels ImbalancedLabels() {
  Labels labels{"y", Task::kClassification, {}, {"a", "b", "c", "d", "e"}};
  const std::vector<int> sizes = {50, 30, 15, 4, 1};
  for (int round = 0; round < 50; ++round) {
    for (size_t class_idx = 0; class_idx < sizes.size(); ++class_idx) {
      if (round < sizes[class_idx]) labels.values.push_back(static_cast<float>(class_idx));
    }
  }
  return labels;
}

int64_t CountClass(const Labels& labels, const std::vector<int64_t>& rows, int class_idx) {
  return std::count_if(rows.begin(), rows.end(), [&](int64_t row) {
    return labels.values[static_cast<size_t>(row)] == static_cast<float>(class_idx);
  });
}

// Both parts are sorted, disjoint and together hold every row exactly once.
void ExpectPartition(const TrainTestIndices& split, int64_t n_rows) {
  EXPECT_TRUE(std::is_sorted(split.train.begin(), split.train.end()));
  EXPECT_TRUE(std::is_sorted(split.test.begin(), split.test.end()));
  std::vector<int64_t> all = split.train;
  all.insert(all.end(), split.test.begin(), split.test.end());
  std::sort(all.begin(), all.end());
  ASSERT_EQ(std::ssize(all), n_rows);
  for (int64_t row = 0; row < n_rows; ++row) ASSERT_EQ(all[static_cast<size_t>(row)], row);
}

// Each class's share of `rows` is within one row of `fraction` of the class.
void ExpectClassShares(const Labels& labels, const std::vector<int64_t>& rows, double fraction) {
  const std::vector<int64_t> all_rows = [&] {
    std::vector<int64_t> all(labels.values.size());
    for (size_t row = 0; row < all.size(); ++row) all[row] = static_cast<int64_t>(row);
    return all;
  }();
  for (int class_idx = 0; class_idx < labels.n_classes(); ++class_idx) {
    const double expected = fraction * static_cast<double>(CountClass(labels, all_rows, class_idx));
    EXPECT_LE(std::abs(static_cast<double>(CountClass(labels, rows, class_idx)) - expected), 1.0)
        << "class " << labels.classes[static_cast<size_t>(class_idx)];
  }
}

TEST(TrainTestSplit, PartitionsTheRows) {
  const TrainTestIndices split = TrainTestSplit(101, 0.25, 7);
  ExpectPartition(split, 101);
  EXPECT_EQ(split.test.size(), 25u);
  EXPECT_EQ(split.train.size(), 76u);
}

TEST(TrainTestSplit, IsShuffled) {
  const TrainTestIndices split = TrainTestSplit(1000, 0.5, 3);
  // Without shuffling the test part would be one contiguous block.
  EXPECT_NE(split.test.back() - split.test.front(), static_cast<int64_t>(split.test.size()) - 1);
}

TEST(TrainTestSplit, SameSeedSameSplitOtherSeedOtherSplit) {
  const Labels labels = ImbalancedLabels();
  const auto n_rows = static_cast<int64_t>(labels.values.size());
  EXPECT_EQ(TrainTestSplit(500, 0.2, 42).test, TrainTestSplit(500, 0.2, 42).test);
  EXPECT_NE(TrainTestSplit(500, 0.2, 42).test, TrainTestSplit(500, 0.2, 43).test);
  EXPECT_EQ(TrainTestSplit(n_rows, 0.2, 42, &labels).test,
            TrainTestSplit(n_rows, 0.2, 42, &labels).test);
  EXPECT_NE(TrainTestSplit(n_rows, 0.2, 42, &labels).test,
            TrainTestSplit(n_rows, 0.2, 43, &labels).test);
}

TEST(TrainTestSplit, StratifiedKeepsClassShares) {
  const Labels labels = ImbalancedLabels();
  const auto n_rows = static_cast<int64_t>(labels.values.size());
  for (double fraction : {0.1, 0.2, 0.33, 0.5, 0.8}) {
    for (uint64_t seed : {1u, 2u, 3u}) {
      const TrainTestIndices split = TrainTestSplit(n_rows, fraction, seed, &labels);
      ExpectPartition(split, n_rows);
      ExpectClassShares(labels, split.test, fraction);
      ExpectClassShares(labels, split.train, 1.0 - fraction);
      // Class "d" (4 rows) is on both sides even at fraction 0.1 or 0.8.
      EXPECT_GE(CountClass(labels, split.test, 3), 1);
      EXPECT_GE(CountClass(labels, split.train, 3), 1);
    }
  }
}

TEST(TrainTestSplit, RegressionLabelsAreNotStratified) {
  Labels labels{"y", Task::kRegression, std::vector<float>(50, 1.5f), {}};
  const TrainTestIndices split = TrainTestSplit(50, 0.2, 5, &labels);
  ExpectPartition(split, 50);
  EXPECT_EQ(split.test, TrainTestSplit(50, 0.2, 5).test);
}

TEST(TrainTestSplit, TinyInputsKeepBothSidesNonEmpty) {
  for (double fraction : {0.01, 0.99}) {
    const TrainTestIndices split = TrainTestSplit(2, fraction, 1);
    EXPECT_EQ(split.train.size(), 1u);
    EXPECT_EQ(split.test.size(), 1u);
  }
  Labels singletons{"y", Task::kClassification, {0, 1, 2}, {"a", "b", "c"}};
  const TrainTestIndices split = TrainTestSplit(3, 0.99, 1, &singletons);
  ExpectPartition(split, 3);
  EXPECT_FALSE(split.train.empty());
  EXPECT_FALSE(split.test.empty());
}

TEST(TrainTestSplit, Errors) {
  for (double fraction : {0.0, 1.0, -0.5, 1.5, std::nan("")}) {
    ExpectError([&] { TrainTestSplit(10, fraction, 1); }, StatusCode::kInvalidArgument,
                "test_fraction");
  }
  ExpectError([] { TrainTestSplit(1, 0.5, 1); }, StatusCode::kInvalidArgument, "at least 2");
  Labels short_labels{"y", Task::kClassification, {0, 1}, {"a", "b"}};
  ExpectError([&] { TrainTestSplit(10, 0.5, 1, &short_labels); }, StatusCode::kInvalidArgument,
              "labels have 2 rows");
  Labels bad_class{"y", Task::kClassification, {0, 2}, {"a", "b"}};
  ExpectError([&] { TrainTestSplit(2, 0.5, 1, &bad_class); }, StatusCode::kInvalidArgument,
              "class index");
}

void ExpectFoldsPartition(const std::vector<TrainTestIndices>& folds, int64_t n_rows) {
  std::vector<int64_t> all_tests;
  for (const TrainTestIndices& fold : folds) {
    ExpectPartition(fold, n_rows);
    all_tests.insert(all_tests.end(), fold.test.begin(), fold.test.end());
  }
  std::sort(all_tests.begin(), all_tests.end());
  ASSERT_EQ(std::ssize(all_tests), n_rows) << "test parts overlap or miss rows";
  for (int64_t row = 0; row < n_rows; ++row) {
    ASSERT_EQ(all_tests[static_cast<size_t>(row)], row);
  }
}

TEST(KFold, TestPartsPartitionTheRowsWithBalancedSizes) {
  for (int k : {2, 3, 5, 10}) {
    const std::vector<TrainTestIndices> folds = KFold(103, k, 11);
    ASSERT_EQ(std::ssize(folds), k);
    ExpectFoldsPartition(folds, 103);
    for (const TrainTestIndices& fold : folds) {
      EXPECT_NEAR(static_cast<double>(fold.test.size()), 103.0 / k, 1.0);
    }
  }
}

TEST(KFold, StratifiedKeepsClassShares) {
  const Labels labels = ImbalancedLabels();
  const auto n_rows = static_cast<int64_t>(labels.values.size());
  for (int k : {2, 3, 5}) {
    const std::vector<TrainTestIndices> folds = KFold(n_rows, k, 9, &labels);
    ExpectFoldsPartition(folds, n_rows);
    for (const TrainTestIndices& fold : folds) {
      ExpectClassShares(labels, fold.test, 1.0 / k);
      EXPECT_NEAR(static_cast<double>(fold.test.size()), static_cast<double>(n_rows) / k, 1.0);
    }
  }
}

TEST(KFold, KEqualToRowsIsLeaveOneOut) {
  const std::vector<TrainTestIndices> folds = KFold(4, 4, 1);
  ExpectFoldsPartition(folds, 4);
  for (const TrainTestIndices& fold : folds) EXPECT_EQ(fold.test.size(), 1u);
}

TEST(KFold, SameSeedSameFoldsOtherSeedOtherFolds) {
  const Labels labels = ImbalancedLabels();
  const auto n_rows = static_cast<int64_t>(labels.values.size());
  const auto tests = [&](uint64_t seed, const Labels* fold_labels) {
    std::vector<std::vector<int64_t>> parts;
    for (const TrainTestIndices& fold : KFold(n_rows, 5, seed, fold_labels)) {
      parts.push_back(fold.test);
    }
    return parts;
  };
  EXPECT_EQ(tests(5, nullptr), tests(5, nullptr));
  EXPECT_NE(tests(5, nullptr), tests(6, nullptr));
  EXPECT_EQ(tests(5, &labels), tests(5, &labels));
  EXPECT_NE(tests(5, &labels), tests(6, &labels));
}

// Pins the shuffle (mt19937_64, Lemire's multiply-shift, Fisher–Yates), so that a change of the
// algorithm or a platform difference shows up. The values were checked against an independent
// Python implementation of the same steps.
TEST(KFold, KnownOutputForSeed) {
  const std::vector<TrainTestIndices> folds = KFold(6, 3, 2024);
  ASSERT_EQ(folds.size(), 3u);
  EXPECT_EQ(folds[0].test, (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(folds[1].test, (std::vector<int64_t>{0, 5}));
  EXPECT_EQ(folds[2].test, (std::vector<int64_t>{3, 4}));
  EXPECT_EQ(folds[0].train, (std::vector<int64_t>{0, 3, 4, 5}));
}

TEST(TrainTestSplit, KnownOutputForSeed) {
  EXPECT_EQ(TrainTestSplit(10, 0.3, 2024).test, (std::vector<int64_t>{1, 4, 9}));
  Labels labels{"y", Task::kClassification, {0, 0, 0, 0, 1, 1, 1, 1, 1, 1}, {"a", "b"}};
  EXPECT_EQ(TrainTestSplit(10, 0.3, 2024, &labels).test, (std::vector<int64_t>{1, 5, 7}));
}

TEST(KFold, Errors) {
  ExpectError([] { KFold(10, 1, 1); }, StatusCode::kInvalidArgument, "k = 1");
  ExpectError([] { KFold(10, 0, 1); }, StatusCode::kInvalidArgument, "k = 0");
  ExpectError([] { KFold(3, 4, 1); }, StatusCode::kInvalidArgument, "k = 4", "3 rows");
  Labels short_labels{"y", Task::kClassification, {0, 1}, {"a", "b"}};
  ExpectError([&] { KFold(10, 2, 1, &short_labels); }, StatusCode::kInvalidArgument, "labels");
}

}  // namespace
}  // namespace kolosal::data
