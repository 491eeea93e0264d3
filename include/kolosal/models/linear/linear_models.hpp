#pragma once

#include "kolosal/models/registry.hpp"

namespace kolosal::models {

/// Registers the linear family: logistic_regression, linear_regression, ridge, lasso and
/// elastic_net, each with its description, traits and default search space.
void RegisterLinearModels(ModelRegistry& registry);

}  // namespace kolosal::models
