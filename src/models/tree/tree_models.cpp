#include "kolosal/models/tree/tree_models.hpp"

#include "kolosal/models/tree/decision_tree.hpp"
#include "kolosal/models/tree/forest_model.hpp"
#include "kolosal/models/tree/gradient_boosting.hpp"
#include "kolosal/models/tree/gradient_boosting_model.hpp"
#include "kolosal/models/tree/random_forest.hpp"

namespace kolosal::models {
namespace {

ModelTraits TreeTraits() {
  ModelTraits traits;
  traits.handles_missing = true;
  traits.handles_categorical = true;
  traits.needs_scaling = false;
  return traits;
}

nlohmann::json IntParam(const char* name, int low, int high, bool log) {
  return {{"name", name}, {"type", "int"}, {"low", low}, {"high", high}, {"log", log}};
}

nlohmann::json FloatParam(const char* name, double low, double high, bool log) {
  return {{"name", name}, {"type", "float"}, {"low", low}, {"high", high}, {"log", log}};
}

nlohmann::json ForestSpace(bool many_trees) {
  nlohmann::json params = nlohmann::json::array();
  if (many_trees) params.push_back(IntParam("n_estimators", 50, 500, true));
  params.push_back(IntParam("max_depth", 3, 40, true));
  params.push_back(IntParam("min_samples_split", 2, 32, true));
  params.push_back(IntParam("min_samples_leaf", 1, 32, true));
  params.push_back({{"name", "max_features"},
                    {"type", "categorical"},
                    {"choices", many_trees ? nlohmann::json{"sqrt", "log2", "all"}
                                           : nlohmann::json{"all", "sqrt"}}});
  return {{"params", params}};
}

nlohmann::json BoostingSpace() {
  nlohmann::json params = nlohmann::json::array();
  params.push_back(IntParam("n_estimators", 50, 1000, true));
  params.push_back(FloatParam("learning_rate", 0.01, 0.3, true));
  params.push_back(IntParam("num_leaves", 8, 256, true));
  params.push_back(IntParam("min_samples_leaf", 2, 100, true));
  params.push_back(FloatParam("reg_lambda", 1e-3, 10.0, true));
  params.push_back(FloatParam("subsample", 0.5, 1.0, false));
  params.push_back(FloatParam("colsample_bytree", 0.5, 1.0, false));
  return {{"params", params}};
}

ModelEntry ForestEntry(const std::string& name, std::string description,
                       std::unique_ptr<Estimator> (*create)(const nlohmann::json&, Task)) {
  ModelEntry entry;
  entry.name = name;
  entry.description = std::move(description);
  entry.traits = TreeTraits();
  entry.default_search_space = ForestSpace(name != "decision_tree");
  entry.create = create;
  entry.load = [name](const msgpack::object& state) {
    return tree::ForestModel::Load(name, state);
  };
  return entry;
}

}  // namespace

void RegisterTreeModels(ModelRegistry& registry) {
  registry.Register(ForestEntry("decision_tree",
                                "CART decision tree on quantile histograms (gini, entropy, MSE)",
                                tree::MakeDecisionTree));
  registry.Register(ForestEntry("random_forest",
                                "Random forest: bootstrap trees with random feature subsets",
                                tree::MakeRandomForest));
  registry.Register(ForestEntry("extra_trees",
                                "Extremely randomized trees: random thresholds, no bootstrap",
                                tree::MakeExtraTrees));
  ModelEntry boosting;
  boosting.name = "gradient_boosting";
  boosting.description =
      "Histogram gradient boosting (leaf-wise or depth-wise, L1/L2, subsampling, early "
      "stopping, DART, monotone and interaction constraints; logistic, softmax, squared, absolute, "
      "quantile, Huber, Poisson, gamma and Tweedie losses)";
  boosting.traits = TreeTraits();
  boosting.default_search_space = BoostingSpace();
  boosting.create = tree::MakeGradientBoosting;
  boosting.load = tree::GradientBoostingModel::Load;
  registry.Register(std::move(boosting));
}

}  // namespace kolosal::models
