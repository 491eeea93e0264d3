#include "kolosal/models/tree/gradient_boosting_model.hpp"

#include <tbb/parallel_for.h>

#include <algorithm>

#include "kolosal/core/error.hpp"

namespace kolosal::models::tree {
namespace {

constexpr int64_t kTransformBlock = 4096;

}  // namespace

GradientBoostingModel::GradientBoostingModel(Task task, int n_classes, GbdtObjective objective,
                                             std::vector<float> base_margins, TreeEnsemble ensemble)
    : task_(task),
      n_classes_(task == Task::kClassification ? n_classes : 0),
      objective_(objective),
      base_margins_(std::move(base_margins)),
      ensemble_(std::move(ensemble)) {}

void GradientBoostingModel::PredictWith(data::MatrixView x, std::span<float> out,
                                        const TreeSum& tree_sum) const {
  const int n_out = n_outputs();
  if (x.cols != n_features() || static_cast<int64_t>(out.size()) != x.rows * n_out) {
    ThrowInvalidArgument("gradient_boosting: expected " + std::to_string(n_features()) +
                         " columns and an output of rows x " + std::to_string(n_out));
  }
  if (task_ == Task::kClassification && n_classes_ == 1) {
    std::fill(out.begin(), out.end(), 1.0f);
    return;
  }
  // Margins go where the transform reads them: column 1 of two for logistic, else in place.
  const int64_t offset = objective_.type() == ObjectiveType::kLogistic ? 1 : 0;
  for (int64_t row = 0; row < x.rows; ++row) {
    std::copy(base_margins_.begin(), base_margins_.end(), out.data() + row * n_out + offset);
  }
  tree_sum(x, out.data(), n_out, offset);
  if (task_ == Task::kRegression && !objective_.log_link()) return;
  auto transform = [&](int64_t block) {
    const int64_t end = std::min(x.rows, (block + 1) * kTransformBlock);
    for (int64_t row = block * kTransformBlock; row < end; ++row) {
      float* row_out = out.data() + row * n_out;
      objective_.Transform(row_out + offset, row_out);
    }
  };
  const int64_t n_blocks = (x.rows + kTransformBlock - 1) / kTransformBlock;
  if (n_blocks <= 1) {
    for (int64_t block = 0; block < n_blocks; ++block) transform(block);
    return;
  }
  tbb::parallel_for(int64_t{0}, n_blocks, transform);
}

void GradientBoostingModel::Save(io::Packer& packer) const {
  packer.pack_map(6);
  io::PackKey(packer, "task");
  packer.pack(std::string(TaskName(task_)));
  io::PackKey(packer, "n_classes");
  packer.pack(n_classes_);
  io::PackKey(packer, "objective");
  packer.pack(static_cast<int>(objective_.type()));
  io::PackKey(packer, "base_margins");
  io::PackFloats(packer, base_margins_);
  io::PackKey(packer, "n_features");
  packer.pack(ensemble_.n_features());
  io::PackKey(packer, "trees");
  ensemble_.Save(packer);
}

bool GradientBoostingModel::Contributions(data::MatrixView x, std::span<float> out) const {
  CheckContributionShape(*this, x, out.size());
  if (!ensemble_.has_covers()) return false;
  std::vector<double> values(out.size(), 0.0);
  // One class: a constant prediction, which no feature moves.
  if (task_ != Task::kClassification || n_classes_ > 1) {
    const int n_out = n_outputs();
    const int64_t width = n_features() + 1;
    const bool logistic = objective_.type() == ObjectiveType::kLogistic;
    const int offset = logistic ? 1 : 0;
    ensemble_.AddContributions(x, values.data(), n_out, offset);
    for (int64_t row = 0; row < x.rows; ++row) {
      for (size_t margin = 0; margin < base_margins_.size(); ++margin) {
        values[(row * n_out + offset + static_cast<int64_t>(margin)) * width + width - 1] +=
            base_margins_[margin];
      }
    }
    if (logistic) MirrorBinaryContributions(values, width);
  }
  std::copy(values.begin(), values.end(), out.begin());
  return true;
}

nlohmann::json GradientBoostingModel::Summary() const {
  // n_rounds is what early stopping kept (XGBoost's best_iteration + 1).
  nlohmann::json summary = {{"n_rounds", n_rounds()}, {"n_trees", ensemble_.n_trees()}};
  if (!validation_.is_null()) summary["validation"] = validation_;
  return summary;
}

std::vector<double> GradientBoostingModel::FeatureImportance(ImportanceType type) const {
  return ensemble_.Importance(type);
}

std::unique_ptr<Model> GradientBoostingModel::Load(const msgpack::object& state) {
  Task task = Task::kRegression;
  try {
    task = ParseTask(io::ReadField<std::string>(state, "task"));
  } catch (const Error& error) {
    io::ThrowCorrupt(std::string("task: ") + error.what());
  }
  const int n_classes = io::ReadField<int>(state, "n_classes");
  const bool classification = task == Task::kClassification;
  if (classification && (n_classes < 1 || n_classes > 1 << 20)) {
    io::ThrowCorrupt("n_classes out of range");
  }
  const int type = io::ReadField<int>(state, "objective");
  if (type < 0 || type > static_cast<int>(kLastObjectiveType)) {
    io::ThrowCorrupt("unknown objective");
  }
  const GbdtObjective objective(static_cast<ObjectiveType>(type), classification ? n_classes : 0);
  const bool class_objective = IsClassObjective(objective.type());
  const bool degenerate = classification && n_classes == 1;
  if (!degenerate && (class_objective != classification ||
                      (objective.type() == ObjectiveType::kLogistic && n_classes != 2))) {
    io::ThrowCorrupt("objective does not fit the task");
  }
  std::vector<float> base_margins =
      io::ReadFloats(io::Field(state, "base_margins"), "base_margins");
  if (static_cast<int>(base_margins.size()) != objective.n_margins()) {
    io::ThrowCorrupt("base margins do not match the objective");
  }
  const auto n_features = io::ReadField<int64_t>(state, "n_features");
  if (n_features < 1) io::ThrowCorrupt("n_features out of range");
  TreeEnsemble ensemble =
      TreeEnsemble::Load(io::Field(state, "trees"), n_features, objective.n_margins());
  if (ensemble.leaf_width() != 1) io::ThrowCorrupt("gradient boosting leaves hold one value");
  return std::make_unique<GradientBoostingModel>(task, n_classes, objective,
                                                 std::move(base_margins), std::move(ensemble));
}

}  // namespace kolosal::models::tree
