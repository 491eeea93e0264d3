#include "kolosal/models/tree/forest_model.hpp"

#include <algorithm>
#include <cmath>

#include "kolosal/core/error.hpp"

namespace kolosal::models::tree {

ForestModel::ForestModel(std::string type_name, Task task, int n_classes, TreeEnsemble ensemble,
                         double oob_score)
    : type_name_(std::move(type_name)),
      task_(task),
      n_classes_(task == Task::kClassification ? n_classes : 0),
      ensemble_(std::move(ensemble)),
      oob_score_(oob_score) {}

void ForestModel::PredictWith(data::MatrixView x, std::span<float> out,
                              const TreeSum& tree_sum) const {
  const int n_out = n_outputs();
  if (x.cols != n_features() || static_cast<int64_t>(out.size()) != x.rows * n_out) {
    ThrowInvalidArgument(std::string(type_name_) + ": expected " + std::to_string(n_features()) +
                         " columns and an output of rows x " + std::to_string(n_out));
  }
  std::fill(out.begin(), out.end(), 0.0f);
  tree_sum(x, out.data(), n_out, 0);
  if (ensemble_.n_trees() <= 1) return;
  const float scale = 1.0f / static_cast<float>(ensemble_.n_trees());
  for (float& value : out) value *= scale;
}

void ForestModel::Save(io::Packer& packer) const {
  packer.pack_map(4);
  io::PackKey(packer, "task");
  packer.pack(std::string(TaskName(task_)));
  io::PackKey(packer, "n_classes");
  packer.pack(n_classes_);
  io::PackKey(packer, "oob_score");
  packer.pack(oob_score_);
  io::PackKey(packer, "ensemble");
  packer.pack_map(2);
  io::PackKey(packer, "n_features");
  packer.pack(ensemble_.n_features());
  io::PackKey(packer, "trees");
  ensemble_.Save(packer);
}

bool ForestModel::Contributions(data::MatrixView x, std::span<float> out) const {
  CheckContributionShape(*this, x, out.size());
  if (!ensemble_.has_covers()) return false;
  std::vector<double> values(out.size(), 0.0);
  ensemble_.AddContributions(x, values.data(), n_outputs(), 0);
  const double scale = 1.0 / static_cast<double>(std::max<int64_t>(1, ensemble_.n_trees()));
  std::transform(values.begin(), values.end(), out.begin(),
                 [scale](double value) { return static_cast<float>(value * scale); });
  return true;
}

nlohmann::json ForestModel::Summary() const {
  nlohmann::json summary = {{"n_trees", ensemble_.n_trees()}};
  if (!std::isnan(oob_score_)) summary["oob_score"] = oob_score_;
  return summary;
}

std::vector<double> ForestModel::FeatureImportance(ImportanceType type) const {
  return ensemble_.Importance(type);
}

std::unique_ptr<Model> ForestModel::Load(std::string type_name, const msgpack::object& state) {
  Task task = Task::kRegression;
  try {
    task = ParseTask(io::ReadField<std::string>(state, "task"));
  } catch (const Error& error) {
    io::ThrowCorrupt(std::string("task: ") + error.what());
  }
  const int n_classes = io::ReadField<int>(state, "n_classes");
  if (task == Task::kClassification && (n_classes < 1 || n_classes > 1 << 20)) {
    io::ThrowCorrupt("n_classes out of range");
  }
  const msgpack::object& ensemble_state = io::Field(state, "ensemble");
  const auto n_features = io::ReadField<int64_t>(ensemble_state, "n_features");
  if (n_features < 1) io::ThrowCorrupt("n_features out of range");
  const int n_outputs = task == Task::kClassification ? n_classes : 1;
  TreeEnsemble ensemble =
      TreeEnsemble::Load(io::Field(ensemble_state, "trees"), n_features, n_outputs);
  if (ensemble.leaf_width() != n_outputs) io::ThrowCorrupt("leaf width does not match outputs");
  return std::make_unique<ForestModel>(std::move(type_name), task, n_classes, std::move(ensemble),
                                       io::ReadField<double>(state, "oob_score"));
}

}  // namespace kolosal::models::tree
