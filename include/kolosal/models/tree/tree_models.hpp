#pragma once

#include "kolosal/models/registry.hpp"

namespace kolosal::models {

/// Registers decision_tree, random_forest, extra_trees and gradient_boosting with their traits
/// (native missing values and categories, no scaling) and default search spaces.
void RegisterTreeModels(ModelRegistry& registry);

}  // namespace kolosal::models
