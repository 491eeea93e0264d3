#include "kolosal/models/tree/decision_tree.hpp"

#include "kolosal/models/tree/random_forest.hpp"

namespace kolosal::models::tree {

std::unique_ptr<Estimator> MakeDecisionTree(const nlohmann::json& params, Task task) {
  return std::make_unique<RandomForest>(RandomForest::ParseParams(params, task, "decision_tree"));
}

}  // namespace kolosal::models::tree
