#include "kolosal/models/tree/bin_mapper.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "kolosal/core/error.hpp"

namespace kolosal::models::tree {
namespace {

constexpr float kInfinity = std::numeric_limits<float>::infinity();

struct DistinctValue {
  float value;
  int64_t count;
};

std::vector<DistinctValue> CountDistinct(std::vector<float>& values) {
  std::sort(values.begin(), values.end());
  std::vector<DistinctValue> distinct;
  for (float value : values) {
    if (!distinct.empty() && distinct.back().value == value) {
      ++distinct.back().count;
      continue;
    }
    distinct.push_back({value, 1});
  }
  return distinct;
}

// A threshold t with lo <= t < hi, as close to the midpoint as float allows.
float Midpoint(float lo, float hi) {
  const auto mid = static_cast<float>((static_cast<double>(lo) + static_cast<double>(hi)) / 2.0);
  return (mid >= lo && mid < hi) ? mid : lo;
}

// Cuts after a distinct value when the bin holds its share of the remaining rows, so that
// heavy values get bins of their own and the rest are spread evenly.
std::vector<float> QuantileBounds(const std::vector<DistinctValue>& distinct, int max_bins) {
  std::vector<float> bounds;
  if (static_cast<int>(distinct.size()) <= max_bins) {
    for (size_t idx = 0; idx + 1 < distinct.size(); ++idx) {
      bounds.push_back(Midpoint(distinct[idx].value, distinct[idx + 1].value));
    }
    bounds.push_back(kInfinity);
    return bounds;
  }
  int64_t remaining = 0;
  for (const DistinctValue& entry : distinct) remaining += entry.count;
  int64_t in_bin = 0;
  for (size_t idx = 0; idx + 1 < distinct.size(); ++idx) {
    const int bins_left = max_bins - static_cast<int>(bounds.size());
    if (bins_left <= 1) break;
    in_bin += distinct[idx].count;
    const double share = static_cast<double>(remaining) / bins_left;
    const bool next_is_heavy = static_cast<double>(distinct[idx + 1].count) >= share;
    if (static_cast<double>(in_bin) < share && !next_is_heavy) continue;
    bounds.push_back(Midpoint(distinct[idx].value, distinct[idx + 1].value));
    remaining -= in_bin;
    in_bin = 0;
  }
  bounds.push_back(kInfinity);
  return bounds;
}

int InferCategories(data::MatrixView x, int64_t feature, std::span<const int32_t> rows) {
  float max_code = -1.0f;
  const int64_t n = rows.empty() ? x.rows : static_cast<int64_t>(rows.size());
  for (int64_t idx = 0; idx < n; ++idx) {
    const float value = x.at(rows.empty() ? idx : rows[idx], feature);
    if (value >= 0.0f && value > max_code) max_code = value;
  }
  return max_code > static_cast<float>(kMaxBins) ? kMaxBins + 1 : static_cast<int>(max_code) + 1;
}

// Whether `value` is a category code below `n_categories`; `code` is then its code.
bool KnownCode(float value, int n_categories, int* code) {
  if (!(value >= 0.0f && value < static_cast<float>(n_categories))) return false;
  *code = static_cast<int>(value);
  return true;
}

BinSet SeenCodes(data::MatrixView x, int64_t feature, std::span<const int32_t> rows,
                 int n_categories) {
  BinSet seen{};
  const int64_t n = rows.empty() ? x.rows : static_cast<int64_t>(rows.size());
  for (int64_t idx = 0; idx < n; ++idx) {
    int code = 0;
    if (!KnownCode(x.at(rows.empty() ? idx : rows[idx], feature), n_categories, &code)) continue;
    AddBin(seen, code);
  }
  return seen;
}

}  // namespace

BinMapper BinMapper::Fit(data::MatrixView x, std::span<const data::FeatureInfo> features,
                         int max_bins, std::span<const int32_t> rows) {
  if (max_bins < 2 || max_bins > kMaxBins) {
    ThrowInvalidArgument("max_bins must be in [2, 255], got " + std::to_string(max_bins));
  }
  BinMapper mapper;
  const int64_t n = rows.empty() ? x.rows : static_cast<int64_t>(rows.size());
  for (int64_t feature = 0; feature < x.cols; ++feature) {
    const bool is_categorical =
        static_cast<size_t>(feature) < features.size() && features[feature].categorical;
    if (is_categorical) {
      int n_categories = features[feature].n_categories;
      if (n_categories <= 0) n_categories = InferCategories(x, feature, rows);
      if (n_categories <= kMaxBins) {
        n_categories = std::max(n_categories, 1);
        mapper.AddCategorical(n_categories, SeenCodes(x, feature, rows, n_categories));
        continue;
      }
    }
    std::vector<float> values;
    values.reserve(static_cast<size_t>(n));
    for (int64_t idx = 0; idx < n; ++idx) {
      const float value = x.at(rows.empty() ? idx : rows[idx], feature);
      if (!std::isnan(value)) values.push_back(value);
    }
    mapper.AddNumeric(std::move(values), max_bins);
  }
  mapper.bound_offsets_.push_back(static_cast<int64_t>(mapper.upper_bounds_.size()));
  return mapper;
}

void BinMapper::AddNumeric(std::vector<float> values, int max_bins) {
  const std::vector<DistinctValue> distinct = CountDistinct(values);
  const std::vector<float> bounds = QuantileBounds(distinct, max_bins);
  bound_offsets_.push_back(static_cast<int64_t>(upper_bounds_.size()));
  upper_bounds_.insert(upper_bounds_.end(), bounds.begin(), bounds.end());
  n_bins_.push_back(static_cast<int32_t>(bounds.size()));
  categorical_.push_back(0);
  seen_codes_.push_back({});
}

void BinMapper::AddCategorical(int n_categories, const BinSet& seen_codes) {
  bound_offsets_.push_back(static_cast<int64_t>(upper_bounds_.size()));
  n_bins_.push_back(n_categories);
  categorical_.push_back(1);
  seen_codes_.push_back(seen_codes);
}

uint8_t BinMapper::BinOf(int feature, float value) const {
  const int n_bins = n_bins_[feature];
  if (std::isnan(value)) return static_cast<uint8_t>(n_bins);
  if (categorical_[feature] != 0) {
    int code = 0;
    const bool seen = KnownCode(value, n_bins, &code) && SeenCategory(feature, code);
    return static_cast<uint8_t>(seen ? code : n_bins);
  }
  const float* begin = upper_bounds_.data() + bound_offsets_[feature];
  const float* found = std::lower_bound(begin, begin + n_bins - 1, value);
  return static_cast<uint8_t>(found - begin);
}

}  // namespace kolosal::models::tree
