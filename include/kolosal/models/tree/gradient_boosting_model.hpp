#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "kolosal/models/model.hpp"
#include "kolosal/models/tree/gbdt_objective.hpp"
#include "kolosal/models/tree/tree_ensemble.hpp"
#include "kolosal/models/tree/tree_ensemble_model.hpp"

namespace kolosal::models::tree {

/// A fitted gradient boosting model: base margins plus the sum of its trees' leaves (learning
/// rate already applied), turned into probabilities or values by the objective.
class GradientBoostingModel : public TreeEnsembleModel {
 public:
  GradientBoostingModel(Task task, int n_classes, GbdtObjective objective,
                        std::vector<float> base_margins, TreeEnsemble ensemble);

  std::string_view TypeName() const override { return "gradient_boosting"; }
  Task task() const override { return task_; }
  int n_classes() const override { return n_classes_; }
  int64_t n_features() const override { return ensemble_.n_features(); }
  void PredictWith(data::MatrixView x, std::span<float> out,
                   const TreeSum& tree_sum) const override;
  void Save(io::Packer& packer) const override;
  std::vector<double> FeatureImportance(ImportanceType type) const override;
  /// TreeSHAP over the trees (false for files saved without node covers).
  bool Contributions(data::MatrixView x, std::span<float> out) const override;
  nlohmann::json Summary() const override;

  const TreeEnsemble& ensemble() const override { return ensemble_; }
  const GbdtObjective& objective() const { return objective_; }
  /// The starting margins (one per margin of the objective) that the trees add to.
  const std::vector<float>& base_margins() const { return base_margins_; }
  /// Boosting rounds kept (after early stopping).
  int64_t n_rounds() const { return ensemble_.n_trees() / objective_.n_margins(); }
  /// What early stopping watched, for Summary(): the metric, its value after every round, the
  /// best round (0-based) and its value. Set by training; not part of the saved state (the
  /// training metadata keeps it).
  void set_validation(nlohmann::json validation) { validation_ = std::move(validation); }

  /// Loads what Save() wrote; throws Error(kCorruptModel) for anything inconsistent.
  static std::unique_ptr<Model> Load(const msgpack::object& state);

 private:
  Task task_;
  int n_classes_;
  GbdtObjective objective_;
  std::vector<float> base_margins_;
  TreeEnsemble ensemble_;
  nlohmann::json validation_;
};

}  // namespace kolosal::models::tree
