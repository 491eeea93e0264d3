#include "kolosal/hpo/test_functions.hpp"

#include <cmath>
#include <numbers>

#include "kolosal/core/error.hpp"
#include "kolosal/core/names.hpp"

namespace kolosal::hpo {
namespace {

constexpr double kPi = std::numbers::pi;

SearchSpace Box(const std::vector<std::pair<double, double>>& bounds) {
  std::vector<ParamSpec> params;
  for (size_t idx = 0; idx < bounds.size(); ++idx) {
    ParamSpec spec;
    spec.name = "x" + std::to_string(idx);
    spec.low = bounds[idx].first;
    spec.high = bounds[idx].second;
    params.push_back(std::move(spec));
  }
  return SearchSpace(std::move(params));
}

SearchSpace Cube(size_t dims, double low, double high) {
  return Box(std::vector<std::pair<double, double>>(dims, {low, high}));
}

double Branin(std::span<const double> x) {
  const double b = 5.1 / (4.0 * kPi * kPi);
  const double c = 5.0 / kPi;
  const double t = 1.0 / (8.0 * kPi);
  const double term = x[1] - b * x[0] * x[0] + c * x[0] - 6.0;
  return term * term + 10.0 * (1.0 - t) * std::cos(x[0]) + 10.0;
}

double Hartmann6(std::span<const double> x) {
  static constexpr double alpha[4] = {1.0, 1.2, 3.0, 3.2};
  static constexpr double a[4][6] = {{10, 3, 17, 3.5, 1.7, 8},
                                     {0.05, 10, 17, 0.1, 8, 14},
                                     {3, 3.5, 1.7, 10, 17, 8},
                                     {17, 8, 0.05, 10, 0.1, 14}};
  static constexpr double p[4][6] = {{1312, 1696, 5569, 124, 8283, 5886},
                                     {2329, 4135, 8307, 3736, 1004, 9991},
                                     {2348, 1451, 3522, 2883, 3047, 6650},
                                     {4047, 8828, 8732, 5743, 1091, 381}};
  double total = 0.0;
  for (int row = 0; row < 4; ++row) {
    double inner = 0.0;
    for (int col = 0; col < 6; ++col) {
      const double diff = x[col] - 1e-4 * p[row][col];
      inner += a[row][col] * diff * diff;
    }
    total += alpha[row] * std::exp(-inner);
  }
  return -total;
}

double Rosenbrock(std::span<const double> x) {
  double total = 0.0;
  for (size_t idx = 0; idx + 1 < x.size(); ++idx) {
    const double ridge = x[idx + 1] - x[idx] * x[idx];
    total += 100.0 * ridge * ridge + (1.0 - x[idx]) * (1.0 - x[idx]);
  }
  return total;
}

double Ackley(std::span<const double> x) {
  double squares = 0.0;
  double cosines = 0.0;
  for (double value : x) {
    squares += value * value;
    cosines += std::cos(2.0 * kPi * value);
  }
  const double n = static_cast<double>(x.size());
  return -20.0 * std::exp(-0.2 * std::sqrt(squares / n)) - std::exp(cosines / n) + 20.0 +
         std::numbers::e;
}

double StyblinskiTang(std::span<const double> x) {
  double total = 0.0;
  for (double value : x)
    total += value * value * value * value - 16.0 * value * value + 5.0 * value;
  return 0.5 * total;
}

double Levy(std::span<const double> x) {
  const auto w = [&](size_t idx) { return 1.0 + (x[idx] - 1.0) / 4.0; };
  const size_t last = x.size() - 1;
  const double first = std::sin(kPi * w(0));
  double total = first * first;
  for (size_t idx = 0; idx < last; ++idx) {
    const double wave = std::sin(kPi * w(idx) + 1.0);
    total += (w(idx) - 1.0) * (w(idx) - 1.0) * (1.0 + 10.0 * wave * wave);
  }
  const double tail = std::sin(2.0 * kPi * w(last));
  total += (w(last) - 1.0) * (w(last) - 1.0) * (1.0 + tail * tail);
  return total;
}

}  // namespace

std::vector<TestFunction> StandardTestFunctions() {
  std::vector<TestFunction> functions;
  functions.push_back({"branin", Box({{-5.0, 10.0}, {0.0, 15.0}}), 0.397887357729738, Branin});
  functions.push_back({"hartmann6", Cube(6, 0.0, 1.0), -3.32236801141551, Hartmann6});
  functions.push_back({"rosenbrock5", Cube(5, -5.0, 10.0), 0.0, Rosenbrock});
  functions.push_back({"ackley5", Cube(5, -32.768, 32.768), 0.0, Ackley});
  functions.push_back(
      {"styblinski_tang5", Cube(5, -5.0, 5.0), -39.16616570377142 * 5.0, StyblinskiTang});
  functions.push_back({"levy5", Cube(5, -10.0, 10.0), 0.0, Levy});
  return functions;
}

TestFunction FindTestFunction(std::string_view name) {
  std::vector<std::string> names;
  for (TestFunction& function : StandardTestFunctions()) {
    if (function.name == name) return function;
    names.push_back(function.name);
  }
  ThrowInvalidArgument(UnknownNameMessage("test function", name, names));
}

}  // namespace kolosal::hpo
