#pragma once

#include <cstdint>

#include "kolosal/data/dataset.hpp"

namespace kolosal::data {

/// Gaussian blobs: `n_classes` classes whose centres lie `separation` standard deviations
/// apart along random directions, plus `n_noise` uninformative features. Seeded.
Dataset MakeClassification(int64_t n_rows, int n_informative, int n_noise, int n_classes,
                           double separation, uint64_t seed);

/// y = x . w + noise * N(0, 1) over `n_features` standard-normal features. Seeded.
Dataset MakeRegression(int64_t n_rows, int n_features, double noise, uint64_t seed);

}  // namespace kolosal::data
