#include "kolosal/data/synthetic.hpp"

#include <cmath>
#include <numbers>
#include <string>

#include "kolosal/core/error.hpp"
#include "kolosal/core/random.hpp"

namespace kolosal::data {
namespace {

// Box-Muller from the engine's bits, so the stream is the same with every standard library.
double StandardNormal(Rng& rng) {
  const double u1 = 1.0 - UniformUnit(rng);
  const double u2 = UniformUnit(rng);
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
}

std::vector<Column> NormalColumns(int64_t n_rows, int n_columns, Rng& rng) {
  std::vector<Column> columns;
  for (int col = 0; col < n_columns; ++col) {
    std::vector<float> values(static_cast<size_t>(n_rows));
    for (float& value : values) value = static_cast<float>(StandardNormal(rng));
    columns.push_back(Column::Numeric("x" + std::to_string(col), std::move(values)));
  }
  return columns;
}

}  // namespace

Dataset MakeClassification(int64_t n_rows, int n_informative, int n_noise, int n_classes,
                           double separation, uint64_t seed) {
  if (n_rows < n_classes || n_informative < 1 || n_noise < 0 || n_classes < 2) {
    ThrowInvalidArgument("MakeClassification: need n_rows >= n_classes >= 2, n_informative >= 1");
  }
  Rng rng(seed);
  std::vector<Column> columns = NormalColumns(n_rows, n_informative + n_noise, rng);
  Labels labels{
      "class", Task::kClassification, std::vector<float>(static_cast<size_t>(n_rows)), {}};
  for (int cls = 0; cls < n_classes; ++cls) labels.classes.push_back("c" + std::to_string(cls));
  std::vector<std::vector<double>> centres(static_cast<size_t>(n_classes));
  for (auto& centre : centres) {
    for (int col = 0; col < n_informative; ++col) {
      centre.push_back(separation * StandardNormal(rng));
    }
  }
  for (int64_t row = 0; row < n_rows; ++row) {
    const auto cls = static_cast<size_t>(row % n_classes);
    labels.values[static_cast<size_t>(row)] = static_cast<float>(cls);
    for (int col = 0; col < n_informative; ++col) {
      columns[static_cast<size_t>(col)].values[static_cast<size_t>(row)] +=
          static_cast<float>(centres[cls][static_cast<size_t>(col)]);
    }
  }
  return Dataset(std::move(columns), std::move(labels));
}

Dataset MakeRegression(int64_t n_rows, int n_features, double noise, uint64_t seed) {
  if (n_rows < 1 || n_features < 1) ThrowInvalidArgument("MakeRegression: empty shape");
  Rng rng(seed);
  std::vector<Column> columns = NormalColumns(n_rows, n_features, rng);
  std::vector<double> weights;
  for (int col = 0; col < n_features; ++col) weights.push_back(10.0 * StandardNormal(rng));
  Labels labels{"y", Task::kRegression, std::vector<float>(static_cast<size_t>(n_rows)), {}};
  for (int64_t row = 0; row < n_rows; ++row) {
    double target = noise * StandardNormal(rng);
    for (int col = 0; col < n_features; ++col) {
      target += weights[static_cast<size_t>(col)] *
                columns[static_cast<size_t>(col)].values[static_cast<size_t>(row)];
    }
    labels.values[static_cast<size_t>(row)] = static_cast<float>(target);
  }
  return Dataset(std::move(columns), std::move(labels));
}

}  // namespace kolosal::data
