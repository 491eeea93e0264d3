#include "kolosal/models/tree/binned_matrix.hpp"

#include <tbb/parallel_for.h>

namespace kolosal::models::tree {

BinnedMatrix::BinnedMatrix(BinMapper mapper, data::MatrixView x, std::span<const int32_t> rows)
    : mapper_(std::move(mapper)),
      n_rows_(rows.empty() ? x.rows : static_cast<int64_t>(rows.size())) {
  const int n_features = mapper_.n_features();
  bins_.resize(static_cast<size_t>(n_rows_ * n_features));
  hist_offsets_.assign(static_cast<size_t>(n_features) + 1, 0);
  for (int feature = 0; feature < n_features; ++feature) {
    hist_offsets_[feature + 1] = hist_offsets_[feature] + mapper_.n_bins(feature) + 1;
  }
  tbb::parallel_for(0, n_features, [&](int feature) {
    uint8_t* out = bins_.data() + static_cast<int64_t>(feature) * n_rows_;
    for (int64_t idx = 0; idx < n_rows_; ++idx) {
      const int64_t row_idx = rows.empty() ? idx : rows[idx];
      out[idx] = mapper_.BinOf(feature, x.at(row_idx, feature));
    }
  });
}

}  // namespace kolosal::models::tree
