#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "kolosal/models/model.hpp"
#include "kolosal/models/tree/tree_ensemble.hpp"
#include "kolosal/models/tree/tree_ensemble_model.hpp"

namespace kolosal::models::tree {

/// A fitted decision tree, random forest or extra-trees model: the average of its trees'
/// leaf outputs (class probabilities or values).
class ForestModel : public TreeEnsembleModel {
 public:
  ForestModel(std::string type_name, Task task, int n_classes, TreeEnsemble ensemble,
              double oob_score);

  std::string_view TypeName() const override { return type_name_; }
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

  /// The out-of-bag score (accuracy or R^2), or NaN when it was not computed.
  double oob_score() const { return oob_score_; }
  const TreeEnsemble& ensemble() const override { return ensemble_; }

  /// Loads what Save() wrote; throws Error(kCorruptModel) for anything inconsistent.
  static std::unique_ptr<Model> Load(std::string type_name, const msgpack::object& state);

 private:
  std::string type_name_;
  Task task_;
  int n_classes_;
  TreeEnsemble ensemble_;
  double oob_score_;
};

}  // namespace kolosal::models::tree
