#pragma once

#include <memory>
#include <nlohmann/json.hpp>

#include "kolosal/models/model.hpp"

namespace kolosal::models::tree {

/// The registry factory for "decision_tree": one CART tree on all rows, grown on histograms
/// with every feature at every node unless max_features says otherwise. It is a RandomForest
/// of one tree without bootstrap, so it shares all of the forest's code.
std::unique_ptr<Estimator> MakeDecisionTree(const nlohmann::json& params, Task task);

}  // namespace kolosal::models::tree
