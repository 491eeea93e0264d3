#include "kolosal/models/linear/linear_models.hpp"

#include <string>

#include "kolosal/models/linear/detail/linear_input.hpp"
#include "kolosal/models/linear/elastic_net.hpp"
#include "kolosal/models/linear/linear_model.hpp"
#include "kolosal/models/linear/linear_regression.hpp"
#include "kolosal/models/linear/logistic_regression.hpp"
#include "kolosal/models/linear/ridge.hpp"

namespace kolosal::models {
namespace {

using nlohmann::json;

ModelTraits LinearTraits(Task task) {
  ModelTraits traits;
  traits.supports_classification = task == Task::kClassification;
  traits.supports_regression = task == Task::kRegression;
  traits.handles_missing = false;
  traits.handles_categorical = false;
  traits.needs_scaling = true;
  return traits;
}

json LogFloat(std::string_view name, double low, double high) {
  return {{"name", name}, {"type", "float"}, {"low", low}, {"high", high}, {"log", true}};
}

std::function<std::unique_ptr<Model>(const msgpack::object&)> Loader(std::string_view name,
                                                                     Task task) {
  return [name = std::string(name), task](const msgpack::object& state) -> std::unique_ptr<Model> {
    return LinearModel::Load(state, name, task);
  };
}

ModelEntry LogisticRegressionEntry() {
  static constexpr std::string_view kName = LogisticRegression::kName;
  json space = {
      {"params",
       json::array(
           {LogFloat("C", 1e-3, 100.0),
            {{"name", "penalty"}, {"type", "categorical"}, {"choices", {"l2", "l1", "elasticnet"}}},
            {{"name", "l1_ratio"},
             {"type", "float"},
             {"low", 0.0},
             {"high", 1.0},
             {"condition", json::object({{"penalty", json::array({"elasticnet"})}})}},
            {{"name", "class_weight"}, {"type", "categorical"}, {"choices", {"none", "balanced"}}},
            {{"name", "max_iter"},
             {"type", "int"},
             {"low", 50},
             {"high", 1000},
             {"step", 50},
             {"log", false}}})}};
  return ModelEntry{
      std::string(kName),
      "Logistic regression (binary sigmoid or multinomial softmax) with l2, l1 or elastic-net "
      "penalty; L-BFGS for l2, proximal Newton (binary) or OWL-QN (multi-class) for l1/elasticnet",
      LinearTraits(Task::kClassification),
      std::move(space),
      [](const json& params, Task task) -> std::unique_ptr<Estimator> {
        detail::RequireTask(task, Task::kClassification, kName);
        return std::make_unique<LogisticRegression>(LogisticRegressionParams::FromJson(params));
      },
      Loader(kName, Task::kClassification)};
}

ModelEntry LinearRegressionEntry() {
  static constexpr std::string_view kName = LinearRegression::kName;
  return ModelEntry{
      std::string(kName),
      "Ordinary least squares (minimum-norm solution when rank-deficient)",
      LinearTraits(Task::kRegression),
      json{{"params", json::array()}},
      [](const json& params, Task task) -> std::unique_ptr<Estimator> {
        detail::RequireTask(task, Task::kRegression, kName);
        return std::make_unique<LinearRegression>(LinearRegressionParams::FromJson(params));
      },
      Loader(kName, Task::kRegression)};
}

ModelEntry RidgeEntry() {
  static constexpr std::string_view kName = Ridge::kName;
  return ModelEntry{std::string(kName),
                    "Least squares with an l2 penalty (scikit-learn's Ridge scaling)",
                    LinearTraits(Task::kRegression),
                    json{{"params", json::array({LogFloat("alpha", 1e-3, 1e3)})}},
                    [](const json& params, Task task) -> std::unique_ptr<Estimator> {
                      detail::RequireTask(task, Task::kRegression, kName);
                      return std::make_unique<Ridge>(RidgeParams::FromJson(params));
                    },
                    Loader(kName, Task::kRegression)};
}

ModelEntry LassoEntry() {
  static constexpr std::string_view kName = ElasticNet::kLassoName;
  return ModelEntry{std::string(kName),
                    "Least squares with an l1 penalty, by coordinate descent",
                    LinearTraits(Task::kRegression),
                    json{{"params", json::array({LogFloat("alpha", 1e-4, 1e2)})}},
                    [](const json& params, Task task) -> std::unique_ptr<Estimator> {
                      detail::RequireTask(task, Task::kRegression, kName);
                      return std::make_unique<ElasticNet>(ElasticNetParams::LassoFromJson(params),
                                                          kName);
                    },
                    Loader(kName, Task::kRegression)};
}

ModelEntry ElasticNetEntry() {
  static constexpr std::string_view kName = ElasticNet::kName;
  json space = {
      {"params",
       json::array({LogFloat("alpha", 1e-4, 1e2),
                    {{"name", "l1_ratio"}, {"type", "float"}, {"low", 0.05}, {"high", 1.0}}})}};
  return ModelEntry{std::string(kName),
                    "Least squares with a mixed l1/l2 penalty, by coordinate descent",
                    LinearTraits(Task::kRegression),
                    std::move(space),
                    [](const json& params, Task task) -> std::unique_ptr<Estimator> {
                      detail::RequireTask(task, Task::kRegression, kName);
                      return std::make_unique<ElasticNet>(ElasticNetParams::FromJson(params),
                                                          kName);
                    },
                    Loader(kName, Task::kRegression)};
}

}  // namespace

void RegisterLinearModels(ModelRegistry& registry) {
  registry.Register(LogisticRegressionEntry());
  registry.Register(LinearRegressionEntry());
  registry.Register(RidgeEntry());
  registry.Register(LassoEntry());
  registry.Register(ElasticNetEntry());
}

}  // namespace kolosal::models
