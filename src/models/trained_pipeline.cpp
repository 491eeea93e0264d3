#include "kolosal/models/trained_pipeline.hpp"

#include <algorithm>

#include "kolosal/core/error.hpp"
#include "kolosal/core/version.hpp"
#include "kolosal/io/model_file.hpp"
#include "kolosal/io/msgpack_io.hpp"
#include "kolosal/metrics/metric.hpp"
#include "kolosal/models/registry.hpp"

namespace kolosal::models {
namespace {

constexpr std::string_view kFormatName = "kolosal-model";

std::vector<float> PredictMatrix(const Model& model, data::MatrixView matrix) {
  if (matrix.cols != model.n_features()) {
    throw Error(StatusCode::kInternal, "preprocessing produced " + std::to_string(matrix.cols) +
                                           " features, the model expects " +
                                           std::to_string(model.n_features()));
  }
  std::vector<float> out(static_cast<size_t>(matrix.rows * model.n_outputs()));
  model.Predict(matrix, out);
  return out;
}

std::unique_ptr<Model> LoadModel(const msgpack::object& model_object) {
  const auto type_name = io::ReadField<std::string>(model_object, "type");
  const ModelEntry* entry = ModelRegistry::Builtin().TryFind(type_name);
  if (entry == nullptr) io::ThrowCorrupt("unknown model type '" + type_name + "'");
  return entry->load(io::Field(model_object, "state"));
}

}  // namespace

TrainedPipeline::TrainedPipeline(prep::Pipeline pipeline, std::unique_ptr<Model> model,
                                 std::vector<std::string> classes, std::string target_name,
                                 nlohmann::json metadata)
    : pipeline_(std::move(pipeline)),
      model_(std::move(model)),
      classes_(std::move(classes)),
      target_name_(std::move(target_name)),
      metadata_(std::move(metadata)) {
  if (!model_) throw Error(StatusCode::kInternal, "TrainedPipeline needs a model");
  if (model_->task() == Task::kClassification &&
      static_cast<int>(classes_.size()) != model_->n_classes()) {
    throw Error(StatusCode::kInternal, "class names do not match the model's class count");
  }
}

TrainedPipeline::~TrainedPipeline() = default;

std::vector<float> TrainedPipeline::PredictRaw(const data::Dataset& dataset) const {
  return PredictMatrix(*model_, pipeline_.Transform(dataset).view());
}

std::vector<float> TrainedPipeline::PredictRawByPosition(const data::Dataset& dataset) const {
  return PredictMatrix(*model_, pipeline_.TransformByPosition(dataset).view());
}

std::vector<float> TrainedPipeline::PredictRawDense(const float* rows, int64_t n_rows,
                                                    int64_t n_cols) const {
  if (n_cols == n_input_features() && pipeline_.PassesNumbersThrough()) {
    return PredictMatrix(*model_, data::MatrixView{rows, n_rows, n_cols});
  }
  return PredictRawByPosition(data::Dataset::FromDense(rows, data::DType::kFloat32, n_rows, n_cols,
                                                       data::Layout::kRowMajor));
}

std::vector<float> TrainedPipeline::RawToPredictions(std::span<const float> raw) const {
  if (task() == Task::kRegression) return {raw.begin(), raw.end()};
  const auto n_classes = static_cast<size_t>(model_->n_classes());
  std::vector<float> labels(raw.size() / n_classes);
  for (size_t row = 0; row < labels.size(); ++row) {
    const float* begin = raw.data() + row * n_classes;
    labels[row] = static_cast<float>(std::max_element(begin, begin + n_classes) - begin);
  }
  return labels;
}

std::vector<float> TrainedPipeline::EncodeLabels(const data::Labels& labels) const {
  if (labels.task != task()) {
    ThrowInvalidArgument("the target is " + std::string(TaskName(labels.task)) +
                         ", the model does " + std::string(TaskName(task())));
  }
  if (task() == Task::kRegression) return labels.values;
  std::vector<float> code_of_class(labels.classes.size());
  for (size_t idx = 0; idx < labels.classes.size(); ++idx) {
    auto found = std::find(classes_.begin(), classes_.end(), labels.classes[idx]);
    if (found == classes_.end()) {
      ThrowInvalidArgument("class '" + labels.classes[idx] + "' was not seen in training");
    }
    code_of_class[idx] = static_cast<float>(found - classes_.begin());
  }
  std::vector<float> encoded(labels.values.size());
  for (size_t row = 0; row < encoded.size(); ++row) {
    encoded[row] = code_of_class[static_cast<size_t>(labels.values[row])];
  }
  return encoded;
}

std::vector<int64_t> TrainedPipeline::SourceColumns(size_t n_model_features) const {
  std::vector<int64_t> sources = pipeline_.SourceColumns();
  if (sources.size() != n_model_features) {
    throw Error(StatusCode::kInternal, "the model has " + std::to_string(n_model_features) +
                                           " features, the pipeline produces " +
                                           std::to_string(sources.size()));
  }
  return sources;
}

std::vector<double> TrainedPipeline::FeatureImportance(ImportanceType type) const {
  const std::vector<double> per_output = model_->FeatureImportance(type);
  if (per_output.empty()) return {};
  const std::vector<int64_t> sources = SourceColumns(per_output.size());
  std::vector<double> per_input(static_cast<size_t>(n_input_features()), 0.0);
  for (size_t idx = 0; idx < per_output.size(); ++idx) {
    per_input[static_cast<size_t>(sources[idx])] += per_output[idx];
  }
  return per_input;
}

std::vector<float> TrainedPipeline::Contributions(const data::Dataset& dataset) const {
  const data::FeatureMatrix matrix = pipeline_.Transform(dataset);
  const std::vector<int64_t> sources = SourceColumns(static_cast<size_t>(model_->n_features()));
  const int64_t model_width = model_->n_features() + 1;
  const int64_t input_width = n_input_features() + 1;
  const int64_t blocks = matrix.rows * n_outputs();
  std::vector<float> per_feature(static_cast<size_t>(blocks * model_width));
  if (!model_->Contributions(matrix.view(), per_feature)) {
    throw Error(StatusCode::kUnsupported,
                std::string(model_->TypeName()) +
                    ": this model file has no node covers (saved before contributions "
                    "existed); train the model again to explain its predictions");
  }
  std::vector<float> per_input(static_cast<size_t>(blocks * input_width), 0.0f);
  for (int64_t block = 0; block < blocks; ++block) {
    const float* src = per_feature.data() + block * model_width;
    float* dst = per_input.data() + block * input_width;
    for (size_t idx = 0; idx < sources.size(); ++idx) dst[sources[idx]] += src[idx];
    dst[input_width - 1] = src[model_width - 1];
  }
  return per_input;
}

std::vector<std::pair<std::string, double>> TrainedPipeline::Evaluate(
    const data::Dataset& dataset) const {
  const std::vector<float> y_true = EncodeLabels(dataset.labels());
  const std::vector<float> raw = PredictRaw(dataset);
  return metrics::ComputeAll(task(), y_true, raw, n_classes());
}

std::vector<uint8_t> TrainedPipeline::SaveToBuffer() const {
  msgpack::sbuffer buffer;
  io::Packer packer(buffer);
  packer.pack_map(8);
  packer.pack(std::string_view("format"));
  packer.pack(kFormatName);
  packer.pack(std::string_view("library_version"));
  packer.pack(std::string_view(kVersionString));
  packer.pack(std::string_view("target"));
  packer.pack(target_name_);
  packer.pack(std::string_view("task"));
  packer.pack(TaskName(task()));
  packer.pack(std::string_view("classes"));
  packer.pack(classes_);
  packer.pack(std::string_view("metadata"));
  packer.pack(metadata_.dump());
  packer.pack(std::string_view("pipeline"));
  pipeline_.Save(packer);
  packer.pack(std::string_view("model"));
  packer.pack_map(2);
  packer.pack(std::string_view("type"));
  packer.pack(model_->TypeName());
  packer.pack(std::string_view("state"));
  model_->Save(packer);
  return io::FramePayload(std::string_view(buffer.data(), buffer.size()));
}

void TrainedPipeline::SaveToFile(const std::string& path) const {
  io::WriteFileAtomically(path, SaveToBuffer());
}

TrainedPipeline TrainedPipeline::LoadFromBuffer(std::span<const uint8_t> bytes) {
  const msgpack::object_handle handle = io::UnpackPayload(io::UnframePayload(bytes));
  const msgpack::object& root = handle.get();
  if (io::ReadField<std::string>(root, "format") != kFormatName) {
    io::ThrowCorrupt("not a Kolosal model payload");
  }
  nlohmann::json metadata = nlohmann::json::parse(io::ReadField<std::string>(root, "metadata"),
                                                  nullptr, /*allow_exceptions=*/false);
  if (metadata.is_discarded()) io::ThrowCorrupt("metadata is not valid JSON");
  const Task task = io::ReadField<std::string>(root, "task") == "classification"
                        ? Task::kClassification
                        : Task::kRegression;
  std::unique_ptr<Model> model = LoadModel(io::Field(root, "model"));
  if (model->task() != task) io::ThrowCorrupt("model task does not match the file's task");
  prep::Pipeline pipeline = prep::Pipeline::Load(io::Field(root, "pipeline"));
  if (static_cast<int64_t>(pipeline.output_features().size()) != model->n_features()) {
    io::ThrowCorrupt("pipeline output does not match the model's feature count");
  }
  auto classes = io::ReadField<std::vector<std::string>>(root, "classes");
  if (task == Task::kClassification && static_cast<int>(classes.size()) != model->n_classes()) {
    io::ThrowCorrupt("class list does not match the model");
  }
  return TrainedPipeline(std::move(pipeline), std::move(model), std::move(classes),
                         io::ReadField<std::string>(root, "target"), std::move(metadata));
}

TrainedPipeline TrainedPipeline::LoadFromFile(const std::string& path) {
  return LoadFromBuffer(io::ReadFileBytes(path));
}

}  // namespace kolosal::models
