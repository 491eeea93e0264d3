#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>

#include "kolosal/data/dataset.hpp"
#include "kolosal/models/registry.hpp"
#include "kolosal/models/trained_pipeline.hpp"

namespace kolosal::testing {

/// A registry model fitted on `dataset` behind its default preprocessing, as a model file
/// holds it.
inline models::TrainedPipeline FitPipeline(const data::Dataset& dataset, const std::string& type,
                                           const nlohmann::json& params) {
  const models::ModelEntry& entry = models::ModelRegistry::Builtin().Find(type);
  prep::Pipeline pipeline(models::DefaultPreprocessing(entry.traits));
  const data::FeatureMatrix matrix = pipeline.FitTransform(dataset);
  const data::Labels& labels = dataset.labels();
  const models::TrainData train{matrix.view(),   labels.values, {},
                                matrix.features, labels.task,   labels.n_classes()};
  std::unique_ptr<models::Model> model = entry.create(params, labels.task)->Fit(train, {});
  return models::TrainedPipeline(std::move(pipeline), std::move(model), labels.classes, "y", {});
}

}  // namespace kolosal::testing
