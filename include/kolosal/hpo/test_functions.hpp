#pragma once

#include <functional>
#include <span>
#include <string>
#include <vector>

#include "kolosal/hpo/search_space.hpp"

namespace kolosal::hpo {

/// A standard black-box optimization test function over a box (for tests, the benchmark and
/// `kolosal bench`): Branin, Hartmann-6, Rosenbrock-5, Ackley-5, Styblinski-Tang-5, Levy-5.
struct TestFunction {
  std::string name;
  /// Float parameters x0, x1, ... with the function's usual bounds.
  SearchSpace space;
  /// The global minimum value.
  double optimum = 0.0;
  /// The value at a point given in the order of the space's parameters.
  std::function<double(std::span<const double> x)> evaluate;
};

/// The six functions, in the order above.
std::vector<TestFunction> StandardTestFunctions();
/// One of them by name ("branin", "hartmann6", "rosenbrock5", "ackley5", "styblinski_tang5",
/// "levy5"); throws Error(kInvalidArgument) with a suggestion for an unknown name.
TestFunction FindTestFunction(std::string_view name);

}  // namespace kolosal::hpo
