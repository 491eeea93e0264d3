#include "kolosal/hpo/grid_sampler.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <unordered_set>

#include "kolosal/core/error.hpp"

namespace kolosal::hpo {
namespace {

constexpr size_t kMaxGridSize = 10'000'000;
constexpr double kMaxFullAxis = 100.0;

// A grid point's identity: its bits, with every NaN written the same way.
std::string PointKey(const ParamVector& values) {
  std::string key(values.size() * sizeof(double), '\0');
  for (size_t idx = 0; idx < values.size(); ++idx) {
    const double value =
        std::isnan(values[idx]) ? std::numeric_limits<double>::quiet_NaN() : values[idx] + 0.0;
    std::memcpy(key.data() + idx * sizeof(double), &value, sizeof(double));
  }
  return key;
}

void Enumerate(const SearchSpace& space, const std::vector<std::vector<double>>& axes, size_t index,
               ParamVector& point, std::vector<ParamVector>& grid) {
  if (index == space.size()) {
    if (grid.size() >= kMaxGridSize) {
      ThrowInvalidArgument("grid search: the grid has more than 10,000,000 points");
    }
    grid.push_back(point);
    return;
  }
  if (!space.IsActive(index, point)) {
    point[index] = std::numeric_limits<double>::quiet_NaN();
    Enumerate(space, axes, index + 1, point, grid);
    return;
  }
  for (double value : axes[index]) {
    point[index] = value;
    Enumerate(space, axes, index + 1, point, grid);
  }
}

}  // namespace

GridSampler::GridSampler(int64_t points_per_param)
    : points_per_param_(std::max<int64_t>(points_per_param, 1)) {}

std::vector<double> GridSampler::AxisValues(const ParamSpec& spec) const {
  std::vector<double> values;
  if (spec.kind == ParamKind::kCategorical) {
    for (size_t idx = 0; idx < spec.choices.size(); ++idx)
      values.push_back(static_cast<double>(idx));
    return values;
  }
  if (spec.IsDiscrete() && !spec.log) {
    const double count = std::round((spec.high - spec.low) / spec.step) + 1.0;
    if (count <= kMaxFullAxis) {
      for (double idx = 0; idx < count; idx += 1.0)
        values.push_back(spec.Snap(spec.low + idx * spec.step));
      return values;
    }
  }
  if (spec.kind == ParamKind::kInt && spec.high - spec.low + 1.0 <= kMaxFullAxis) {
    for (double value = spec.low; value <= spec.high; value += 1.0) values.push_back(value);
    return values;
  }
  const double low = spec.ToSampling(spec.low);
  const double high = spec.ToSampling(spec.high);
  const int64_t n_points = spec.low == spec.high ? 1 : points_per_param_;
  for (int64_t idx = 0; idx < n_points; ++idx) {
    const double fraction = n_points == 1 ? 0.5 : static_cast<double>(idx) / (n_points - 1);
    const double value = spec.Snap(spec.FromSampling(low + fraction * (high - low)));
    if (values.empty() || values.back() != value) values.push_back(value);
  }
  return values;
}

std::vector<ParamVector> GridSampler::EnumerateGrid(const SearchSpace& space) const {
  std::vector<std::vector<double>> axes;
  for (const ParamSpec& spec : space.params()) axes.push_back(AxisValues(spec));
  std::vector<ParamVector> grid;
  ParamVector point(space.size(), std::numeric_limits<double>::quiet_NaN());
  Enumerate(space, axes, 0, point, grid);
  return grid;
}

const std::vector<ParamVector>& GridSampler::GridFor(const SearchSpace& space) const {
  if (cached_space_ == &space) return cached_grid_;
  cached_grid_ = EnumerateGrid(space);
  cached_space_ = &space;
  return cached_grid_;
}

std::vector<const ParamVector*> GridSampler::Unused(const SamplingContext& context) const {
  std::unordered_set<std::string> used;
  for (const FrozenTrial& trial : context.trials) {
    if (!trial.params.empty()) used.insert(PointKey(trial.params));
  }
  std::vector<const ParamVector*> unused;
  for (const ParamVector& point : GridFor(context.space)) {
    if (!used.contains(PointKey(point))) unused.push_back(&point);
  }
  return unused;
}

ParamVector GridSampler::Sample(const SamplingContext& context, Rng& rng) {
  const std::vector<const ParamVector*> unused = Unused(context);
  if (!unused.empty()) return *unused[UniformIndex(rng, unused.size())];
  // Every point is taken (a racing worker asked after the grid ran out): repeat a random one.
  const std::vector<ParamVector>& grid = GridFor(context.space);
  return grid[UniformIndex(rng, grid.size())];
}

bool GridSampler::IsExhausted(const SamplingContext& context) const {
  return Unused(context).empty();
}

}  // namespace kolosal::hpo
