#pragma once

#include <cstdint>
#include <vector>

#include "kolosal/data/dataset.hpp"

namespace kolosal::data {

struct TrainTestIndices {
  std::vector<int64_t> train;
  std::vector<int64_t> test;
};

/// Shuffled train/test split of `n_rows` rows; `test_fraction` in (0, 1). Stratified by class
/// when `labels` is a classification target (each class keeps its share on both sides, and a
/// class with at least 2 rows has at least one on each side). Seeded and deterministic.
TrainTestIndices TrainTestSplit(int64_t n_rows, double test_fraction, uint64_t seed,
                                const Labels* labels = nullptr);

/// K-fold split: returns k (train, test) pairs whose test parts partition the rows. Stratified
/// for classification labels. Throws Error(kInvalidArgument) if k < 2 or k > n_rows.
std::vector<TrainTestIndices> KFold(int64_t n_rows, int k, uint64_t seed,
                                    const Labels* labels = nullptr);

}  // namespace kolosal::data
