#include "fuzz/fuzz_targets.hpp"

#include <tbb/global_control.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <optional>
#include <string_view>

#include "kolosal/core/config.hpp"
#include "kolosal/core/error.hpp"
#include "kolosal/core/utf8.hpp"
#include "kolosal/data/csv_reader.hpp"
#include "kolosal/data/detail/csv_read_sizes.hpp"
#include "kolosal/data/synthetic.hpp"
#include "kolosal/hpo/study.hpp"
#include "kolosal/io/model_file.hpp"
#include "kolosal/jit/compiled_trees.hpp"
#include "kolosal/models/registry.hpp"
#include "kolosal/models/trained_pipeline.hpp"
#include "kolosal/models/tree/forest_model.hpp"
#include "kolosal/models/tree/gradient_boosting_model.hpp"
#include "kolosal/train/trainer.hpp"
#include "tests/common/dataset_difference.hpp"

namespace kolosal::fuzz {
namespace {

using models::TrainedPipeline;
using models::tree::TreeEnsemble;

// Input columns beyond this are loaded but not predicted on, to keep each run short.
constexpr int64_t kMaxProbeFeatures = 512;
constexpr int64_t kProbeRows = 17;  // two SIMD blocks of rows and one more

[[noreturn]] void Fail(const char* what, const std::string& detail = "") {
  std::fprintf(stderr, "fuzz: broken promise: %s%s%s\n", what, detail.empty() ? "" : ": ",
               detail.c_str());
  std::abort();
}

void CheckUtf8(const std::string& text) {
  if (FindInvalidUtf8(text) != std::string_view::npos) Fail("a string that is not UTF-8", text);
}

// Values that sit on every kind of edge: zero of both signs, NaN, infinities, huge, fractional,
// negative and small integer codes.
float ProbeValue(int64_t row_idx, int64_t col_idx) {
  static constexpr float kValues[] = {0.0F,
                                      std::numeric_limits<float>::quiet_NaN(),
                                      1.0F,
                                      -1.0F,
                                      0.5F,
                                      2.0F,
                                      1e30F,
                                      -1e30F,
                                      3.0F,
                                      -0.0F,
                                      std::numeric_limits<float>::infinity(),
                                      -std::numeric_limits<float>::infinity(),
                                      7.25F};
  constexpr int64_t kCount = sizeof(kValues) / sizeof(kValues[0]);
  return kValues[(row_idx * 7 + col_idx * 3) % kCount];
}

std::vector<float> ProbeRows(int64_t n_cols) {
  std::vector<float> rows(static_cast<size_t>(kProbeRows * n_cols));
  for (int64_t row_idx = 0; row_idx < kProbeRows; ++row_idx) {
    for (int64_t col_idx = 0; col_idx < n_cols; ++col_idx) {
      rows[static_cast<size_t>(row_idx * n_cols + col_idx)] = ProbeValue(row_idx, col_idx);
    }
  }
  return rows;
}

bool SameBits(std::span<const float> lhs, std::span<const float> rhs) {
  return lhs.size() == rhs.size() &&
         (lhs.empty() || std::memcmp(lhs.data(), rhs.data(), lhs.size() * sizeof(float)) == 0);
}

// "output 5: 0.25 vs nan", for the first output whose bits differ.
std::string FirstDifference(std::span<const float> lhs, std::span<const float> rhs) {
  for (size_t idx = 0; idx < std::min(lhs.size(), rhs.size()); ++idx) {
    if (std::bit_cast<uint32_t>(lhs[idx]) == std::bit_cast<uint32_t>(rhs[idx])) continue;
    return "output " + std::to_string(idx) + ": " + std::to_string(lhs[idx]) + " vs " +
           std::to_string(rhs[idx]);
  }
  return "sizes " + std::to_string(lhs.size()) + " vs " + std::to_string(rhs.size());
}

const TreeEnsemble* EnsembleOf(const models::Model& model) {
  if (const auto* boosting = dynamic_cast<const models::tree::GradientBoostingModel*>(&model)) {
    return &boosting->ensemble();
  }
  if (const auto* forest = dynamic_cast<const models::tree::ForestModel*>(&model)) {
    return &forest->ensemble();
  }
  return nullptr;
}

// The batch walk, the row walk and the compiled code must add the same bits for every row.
void CheckTreePaths(const TreeEnsemble& ensemble) {
  const int64_t n_features = ensemble.n_features();
  const int64_t width = ensemble.output_width();
  if (n_features > kMaxProbeFeatures || width <= 0) return;
  const std::vector<float> rows = ProbeRows(n_features);
  const size_t out_size = static_cast<size_t>(kProbeRows * width);
  std::vector<float> batch(out_size, 0.0F);
  ensemble.Accumulate({rows.data(), kProbeRows, n_features}, batch.data(), width, 0);
  std::vector<float> by_row(out_size, 0.0F);
  for (int64_t row_idx = 0; row_idx < kProbeRows; ++row_idx) {
    ensemble.AccumulateRow(rows.data() + row_idx * n_features, by_row.data() + row_idx * width, 0,
                           ensemble.n_trees());
  }
  if (!SameBits(batch, by_row)) {
    Fail("the batch and row tree walks disagree", FirstDifference(batch, by_row));
  }
  const auto compiled = jit::CompiledTrees::Compile(ensemble);
  if (!compiled) return;
  std::vector<float> jitted(out_size, 0.0F);
  for (int64_t row_idx = 0; row_idx < kProbeRows; ++row_idx) {
    compiled->AccumulateRow(rows.data() + row_idx * n_features, jitted.data() + row_idx * width);
  }
  if (!SameBits(batch, jitted)) {
    Fail("the compiled trees and the interpreter disagree", FirstDifference(batch, jitted));
  }
}

void CheckPredictions(const TrainedPipeline& pipeline) {
  const int64_t n_features = pipeline.n_input_features();
  if (n_features > kMaxProbeFeatures) return;
  std::vector<std::string> names;
  for (const auto& column : pipeline.pipeline().input_schema().columns)
    names.push_back(column.name);
  const std::vector<float> rows = ProbeRows(n_features);
  const data::Dataset input = data::Dataset::FromDense(
      rows.data(), data::DType::kFloat32, kProbeRows, n_features, data::Layout::kRowMajor, names);
  const std::vector<float> raw = pipeline.PredictRawByPosition(input);
  const auto n_outputs = static_cast<size_t>(std::max(pipeline.n_classes(), 1));
  if (raw.size() != static_cast<size_t>(kProbeRows) * n_outputs) {
    Fail("raw output size", std::to_string(raw.size()));
  }
  const std::vector<float> by_name = pipeline.PredictRaw(input);
  if (!SameBits(raw, by_name)) {
    Fail("prediction by position and by name disagree", FirstDifference(raw, by_name));
  }
  if (pipeline.RawToPredictions(raw).size() != static_cast<size_t>(kProbeRows)) {
    Fail("one prediction per row");
  }
  try {
    (void)pipeline.Contributions(input);
  } catch (const Error& error) {
    if (error.code() != StatusCode::kUnsupported) throw;
  }
}

void CheckSaveRoundTrip(const TrainedPipeline& pipeline) {
  const std::vector<uint8_t> saved = pipeline.SaveToBuffer();
  const TrainedPipeline reloaded = TrainedPipeline::LoadFromBuffer(saved);
  if (reloaded.SaveToBuffer() != saved) Fail("save, load and save again changed the bytes");
}

void ExerciseModel(const TrainedPipeline& pipeline) {
  (void)pipeline.metadata().dump();
  CheckUtf8(pipeline.target_name());
  for (const std::string& name : pipeline.classes()) CheckUtf8(name);
  for (const auto& column : pipeline.pipeline().input_schema().columns) {
    CheckUtf8(column.name);
    for (const std::string& category : column.categories) CheckUtf8(category);
  }
  for (const auto type : models::kImportanceTypes) (void)pipeline.FeatureImportance(type);
  CheckPredictions(pipeline);
  if (const TreeEnsemble* ensemble = EnsembleOf(pipeline.model())) CheckTreePaths(*ensemble);
  CheckSaveRoundTrip(pipeline);
}

// One thread: the findings must not depend on scheduling, and libFuzzer runs one input at a time.
const tbb::global_control& OneThread() {
  static const tbb::global_control control(tbb::global_control::max_allowed_parallelism, 1);
  return control;
}

void CheckDatasetShape(const data::Dataset& dataset) {
  for (const auto& column : dataset.columns()) {
    if (column.size() != dataset.n_rows()) Fail("a column's size is not the row count");
    CheckUtf8(column.name);
    for (const std::string& category : column.categories) CheckUtf8(category);
    if (!column.is_categorical()) continue;
    const auto n_categories = static_cast<int32_t>(column.categories.size());
    for (const int32_t code : column.codes) {
      if (code != data::kMissingCode && (code < 0 || code >= n_categories)) {
        Fail("a categorical code outside the dictionary", std::to_string(code));
      }
    }
  }
  if (!dataset.has_labels()) return;
  const data::Labels& labels = dataset.labels();
  if (static_cast<int64_t>(labels.values.size()) != dataset.n_rows()) Fail("label count");
  if (!labels.weights.empty() && static_cast<int64_t>(labels.weights.size()) != dataset.n_rows()) {
    Fail("weight count");
  }
  CheckUtf8(labels.name);
  for (const std::string& name : labels.classes) CheckUtf8(name);
  if (labels.task != Task::kClassification) return;
  for (const float value : labels.values) {
    if (!(value >= 0.0F && value < static_cast<float>(labels.classes.size()))) {
      Fail("a class index outside the class list");
    }
  }
}

data::Dataset SyntheticData(Task task, int n_classes, uint64_t seed) {
  data::Dataset dataset = task == Task::kClassification
                              ? data::MakeClassification(60, 3, 1, n_classes, 2.0, seed)
                              : data::MakeRegression(60, 4, 0.1, seed);
  std::vector<int32_t> codes(static_cast<size_t>(dataset.n_rows()));
  for (size_t row_idx = 0; row_idx < codes.size(); ++row_idx) {
    codes[row_idx] = row_idx % 11 == 0 ? data::kMissingCode : static_cast<int32_t>(row_idx % 5);
  }
  dataset.AddColumn(data::Column::Categorical("colour", codes, {"a", "b", "c", "d", "e"}));
  auto& values = dataset.mutable_column(0).values;
  for (size_t row_idx = 0; row_idx < values.size(); row_idx += 7) {
    values[row_idx] = std::numeric_limits<float>::quiet_NaN();
  }
  return dataset;
}

nlohmann::json SmallParams(const std::string& model) {
  if (model == "decision_tree") return {{"max_depth", 3}};
  if (model == "random_forest" || model == "extra_trees") {
    return {{"n_estimators", 3}, {"max_depth", 3}};
  }
  if (model == "gradient_boosting") return {{"n_estimators", 3}, {"num_leaves", 6}};
  return nlohmann::json::object();
}

// A training run from a FuzzTrain input.
struct TrainInput {
  train::TrainSpec spec;
  uint64_t random_state = 0;
  int cv_folds = 0;  // 0: no cross-validation
  bool weights = false;
};

TrainInput ParseTrainInput(std::string_view text) {
  const nlohmann::json config = ParseJsonConfig(text, "training config");
  ConfigReader reader(config, "training config");
  TrainInput input;
  input.spec.model = reader.GetString("model", "logistic_regression");
  if (const nlohmann::json* params = reader.Find("params")) input.spec.params = *params;
  if (const nlohmann::json* preprocessing = reader.Find("preprocessing")) {
    input.spec.preprocessing = prep::PreprocessingConfig::FromJson(*preprocessing);
  }
  input.random_state = static_cast<uint64_t>(
      reader.GetInt("random_state", 0, 0, std::numeric_limits<int64_t>::max()));
  input.cv_folds = static_cast<int>(reader.GetInt("cv_folds", 0, 0, 5));
  input.weights = reader.GetBool("weights", false);
  reader.Finish();
  return input;
}

// The synthetic data a FuzzTrain input names: b (binary, the default), m (three classes), r
// (regression) or p (regression with positive targets); with per-row weights, some of them zero.
data::Dataset TrainData(std::optional<std::string_view> letter, bool weights) {
  const char kind = letter && !letter->empty() ? letter->front() : 'b';
  data::Dataset dataset = kind == 'm'                  ? SyntheticData(Task::kClassification, 3, 3)
                          : kind == 'r' || kind == 'p' ? SyntheticData(Task::kRegression, 0, 3)
                                                       : SyntheticData(Task::kClassification, 2, 3);
  if (kind == 'p') {
    data::Labels labels = dataset.labels();
    for (float& value : labels.values) value = std::abs(value) + 0.25F;
    dataset.set_labels(std::move(labels));
  }
  if (!weights) return dataset;
  std::vector<float> values(static_cast<size_t>(dataset.n_rows()));
  for (size_t row_idx = 0; row_idx < values.size(); ++row_idx) {
    values[row_idx] = static_cast<float>(row_idx % 4) * 0.5F;
  }
  dataset.AddColumn(data::Column::Numeric("w", std::move(values)));
  data::UseColumnAsWeights(dataset, "w");
  return dataset;
}

// Fits `input`, cancelling the work through its progress callback once it has run for longer
// than this. Returns nothing when the fit was cancelled.
constexpr auto kFitDeadline = std::chrono::milliseconds(300);

template <typename Fit>
auto FitOrCancel(const TrainInput& input, int n_jobs, const Fit& fit)
    -> std::optional<decltype(fit(std::declval<FitControl>()))> {
  FitControl control;
  control.n_jobs = n_jobs;
  control.random_state = input.random_state;
  bool asked_to_stop = false;
  const auto deadline = std::chrono::steady_clock::now() + kFitDeadline;
  control.progress = [&](double, std::string_view) {
    asked_to_stop = asked_to_stop || std::chrono::steady_clock::now() >= deadline;
    return !asked_to_stop;
  };
  try {
    auto result = fit(control);
    if (asked_to_stop) Fail("a fit went on after its progress callback asked it to stop");
    return result;
  } catch (const Error& error) {
    if (!asked_to_stop) throw;
    if (error.code() != StatusCode::kCancelled) Fail("a cancelled fit's error code", error.what());
    return std::nullopt;
  }
}

// Every value of a trial as the space defines it: NaN exactly when inactive, else legal.
void CheckTrialValues(const hpo::SearchSpace& space, const hpo::ParamVector& values) {
  if (values.size() != space.size()) Fail("a trial with another number of values than params");
  for (size_t idx = 0; idx < space.size(); ++idx) {
    const bool active = space.IsActive(idx, values);
    if (!active && !std::isnan(values[idx])) Fail("an inactive parameter has a value");
    if (active && !space.param(idx).Contains(values[idx])) {
      Fail("a sampled value outside its parameter's range or grid",
           space.param(idx).name + " = " + std::to_string(values[idx]));
    }
  }
}

// A made-up objective: finite, and different for different values.
double Objective(const hpo::ParamVector& values) {
  double sum = 0.0;
  for (size_t idx = 0; idx < values.size(); ++idx) {
    if (std::isfinite(values[idx]))
      sum += std::tanh(values[idx] * 1e-3) * static_cast<double>(idx + 1);
  }
  return sum;
}

void RunTrials(hpo::Study& study) {
  constexpr int kTrials = 12;
  for (int trial_idx = 0; trial_idx < kTrials; ++trial_idx) {
    if (study.CheckStop() != hpo::StopReason::kNone) break;
    const hpo::Trial trial = study.Ask();
    CheckTrialValues(study.space(), trial.values());
    (void)trial.Params().dump();
    const double value = Objective(trial.values());
    if (trial_idx % 5 == 4) {
      study.TellFailed(trial.number());
      continue;
    }
    bool pruned = false;
    for (int64_t step = 0; step < 3 && !pruned; ++step) {
      study.Report(trial.number(), step, value + static_cast<double>(3 - step));
      pruned = study.ShouldPrune(trial.number());
    }
    if (pruned) {
      study.TellPruned(trial.number());
    } else {
      study.Tell(trial.number(), value);
    }
  }
  (void)study.HistoryJson().dump();
  if (const auto best = study.BestTrial()) CheckTrialValues(study.space(), best->params);
}

// The text before the first NUL byte, and the text after it if there is one.
std::pair<std::string_view, std::optional<std::string_view>> SplitAtNul(
    std::span<const uint8_t> bytes) {
  const std::string_view all(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  const size_t nul = all.find('\0');
  if (nul == std::string_view::npos) return {all, std::nullopt};
  return {all.substr(0, nul), all.substr(nul + 1)};
}

// Runs `body`; kolosal::Error is an accepted answer to bad input, any other exception is not.
template <typename Body>
void OnlyKolosalErrors(const char* what, const Body& body) {
  try {
    body();
  } catch (const Error& error) {
    CheckUtf8(error.what());  // messages reach the bindings, whose strings are Unicode
  } catch (const std::exception& error) {
    Fail((std::string(what) + " threw something other than kolosal::Error").c_str(), error.what());
  }
}

}  // namespace

void FuzzModelPayload(std::span<const uint8_t> payload) {
  (void)OneThread();
  const std::vector<uint8_t> file =
      io::FramePayload({reinterpret_cast<const char*>(payload.data()), payload.size()});
  std::optional<TrainedPipeline> pipeline;
  try {
    pipeline.emplace(TrainedPipeline::LoadFromBuffer(file));
  } catch (const Error& error) {
    if (error.code() != StatusCode::kCorruptModel) Fail("load error code", error.what());
    return;
  } catch (const std::exception& error) {
    Fail("load threw something other than kolosal::Error", error.what());
  }
  // A model the loader accepted may still refuse an input; it must say so with an Error.
  OnlyKolosalErrors("a loaded model", [&] { ExerciseModel(*pipeline); });
}

void FuzzCsv(std::span<const uint8_t> bytes) {
  (void)OneThread();
  // Plain variables: clang 14 cannot capture structured bindings in a lambda.
  const auto parts = SplitAtNul(bytes);
  const std::string_view text = parts.first;
  const std::optional<std::string_view> options_json = parts.second;
  OnlyKolosalErrors("CSV parsing", [&] {
    const data::CsvOptions options =
        options_json ? data::ParseCsvOptions(*options_json) : data::CsvOptions{};
    CheckDatasetShape(data::ParseCsv(text, options));
  });
}

void FuzzCsvParts(std::span<const uint8_t> bytes) {
  (void)OneThread();
  const auto parts = SplitAtNul(bytes);
  const std::string_view text = parts.first;
  const std::optional<std::string_view> options_json = parts.second;
  data::CsvOptions options;
  try {
    if (options_json) options = data::ParseCsvOptions(*options_json);
  } catch (const Error&) {
    return;
  }
  const testing::ReadOutcome expected =
      testing::CaptureRead([&] { return data::ParseCsv(text, options); });
  static const std::string path = (std::filesystem::temp_directory_path() /
                                   ("kolosal_fuzz_csv_parts_" + std::to_string(::getpid())))
                                      .string();
  std::ofstream(path, std::ios::binary | std::ios::trunc)
      .write(text.data(), static_cast<std::streamsize>(text.size()));
  constexpr int64_t kNever = std::numeric_limits<int64_t>::max();
  const data::detail::CsvReadSizes all_sizes[] = {{1, 1, 1, kNever}, {1, 1, 1, 0}, {3, 7, 2, 0}};
  for (const data::detail::CsvReadSizes& sizes : all_sizes) {
    const testing::ReadOutcome got =
        testing::CaptureRead([&] { return data::detail::ReadCsv(path, options, sizes); });
    const std::string difference = testing::ReadDifference(expected, got, path);
    if (!difference.empty()) Fail("the file and the text read differently", difference);
  }
}

void FuzzStudy(std::span<const uint8_t> bytes) {
  (void)OneThread();
  const auto parts = SplitAtNul(bytes);
  const std::string_view space = parts.first;
  const std::optional<std::string_view> config = parts.second;
  OnlyKolosalErrors("a study", [&] {
    const std::unique_ptr<hpo::Study> study = hpo::Study::Create(space, config.value_or(""), "");
    RunTrials(*study);
  });
}

bool FuzzTrain(std::span<const uint8_t> bytes) {
  // No OneThread(): the second fit runs on two threads and must give the first fit's model.
  bool fitted = false;
  const auto parts = SplitAtNul(bytes);
  const std::string_view config = parts.first;
  const std::optional<std::string_view> letter = parts.second;
  OnlyKolosalErrors("training", [&] {
    const TrainInput input = ParseTrainInput(config);
    const data::Dataset dataset = TrainData(letter, input.weights);
    const auto fit = [&](const FitControl& control) {
      return train::FitPipeline(dataset, input.spec, control);
    };
    const std::optional<TrainedPipeline> first = FitOrCancel(input, 1, fit);
    if (first) {
      fitted = true;
      ExerciseModel(*first);
      const std::optional<TrainedPipeline> second = FitOrCancel(input, 2, fit);
      if (second && second->SaveToBuffer() != first->SaveToBuffer()) {
        Fail("fits with one seed on one and two threads gave different models");
      }
    }
    if (input.cv_folds == 0) return;
    (void)FitOrCancel(input, 2, [&](const FitControl& control) {
      const train::CrossValidationResult result =
          train::CrossValidate(dataset, input.spec, input.cv_folds, "", control);
      if (result.fold_scores.size() != static_cast<size_t>(input.cv_folds)) {
        Fail("cross-validation scored another number of folds than asked");
      }
      return result.mean;
    });
  });
  return fitted;
}

std::vector<std::vector<uint8_t>> ModelPayloadSeeds() {
  (void)OneThread();
  std::vector<std::vector<uint8_t>> seeds;
  const std::pair<Task, int> tasks[] = {
      {Task::kClassification, 2}, {Task::kClassification, 3}, {Task::kRegression, 0}};
  for (const auto& [task, n_classes] : tasks) {
    const data::Dataset dataset = SyntheticData(task, n_classes, 7 + seeds.size());
    for (const std::string& model : models::ModelRegistry::Builtin().Names()) {
      train::TrainSpec spec;
      spec.model = model;
      spec.params = SmallParams(model);
      try {
        const TrainedPipeline pipeline = train::FitPipeline(dataset, spec, FitControl());
        const std::vector<uint8_t> file = pipeline.SaveToBuffer();
        const std::span<const uint8_t> inner = io::UnframePayload(file);
        seeds.emplace_back(inner.begin(), inner.end());
      } catch (const Error& error) {
        if (error.code() != StatusCode::kInvalidArgument) throw;  // a model without this task
      }
    }
  }
  return seeds;
}

std::vector<std::string> CsvSeeds() {
  using namespace std::string_literals;
  return {
      "a,b,label\n1,x,yes\n2.5,\"y, z\",no\nNA,x,yes\n-3e2,,no\n",
      "\xEF\xBB\xBFid;text;y\r\n1;\"he said \"\"hi\"\"\";0.5\r\n2;\"two\nlines\";1.5\r\n"s,
      "x,y\n1,2\n3,4\n\0{\"target\":\"y\",\"task\":\"regression\"}"s,
      "w,x,y\n1,a,c1\n0.5,b,c2\n2,a,c1\n\0{\"target\":\"y\",\"weight_column\":\"w\"}"s,
      "x|y|z\n1|2|3\n?|null|5\n\0{\"delimiter\":\"|\",\"column_types\":{\"x\":\"categorical\"},"
      "\"target\":\"z\",\"drop_columns\":[\"y\"],\"max_rows\":1}"s,
      "1,2\n3,4\n\0{\"has_header\":false}"s,
  };
}

std::vector<std::string> TrainSeeds() {
  using namespace std::string_literals;
  std::vector<std::string> seeds;
  for (const std::string& model : models::ModelRegistry::Builtin().Names()) {
    const nlohmann::json config = {{"model", model}, {"params", SmallParams(model)}};
    for (const char* letter : {"b", "m", "r"}) seeds.push_back(config.dump() + "\0"s + letter);
  }
  const nlohmann::json boosting = {{"n_estimators", 6},
                                   {"learning_rate", 0.3},
                                   {"num_leaves", 4},
                                   {"max_depth", 3},
                                   {"growth", "depth_wise"},
                                   {"reg_lambda", 0.5},
                                   {"reg_alpha", 0.1},
                                   {"min_child_weight", 0.5},
                                   {"min_samples_leaf", 2},
                                   {"min_split_gain", 0.01},
                                   {"subsample", 0.7},
                                   {"colsample_bytree", 0.6},
                                   {"max_bins", 16},
                                   {"early_stopping_rounds", 2},
                                   {"validation_fraction", 0.2},
                                   {"cat_smooth", 1.0},
                                   {"cat_l2", 1.0},
                                   {"min_data_per_group", 2},
                                   {"max_cat_threshold", 3},
                                   {"max_cat_to_onehot", 2},
                                   {"class_weight", "balanced"}};
  const nlohmann::json forest = {{"n_estimators", 4},
                                 {"criterion", "entropy"},
                                 {"max_depth", 4},
                                 {"min_samples_split", 3},
                                 {"min_samples_leaf", 2},
                                 {"max_features", 0.5},
                                 {"max_leaf_nodes", 8},
                                 {"bootstrap", true},
                                 {"oob_score", true},
                                 {"max_bins", 32},
                                 {"class_weight", "balanced_subsample"},
                                 {"max_samples", 0.7},
                                 {"min_impurity_decrease", 1e-3}};
  const nlohmann::json onehot = {{"numeric_imputer", "constant"},
                                 {"numeric_fill_value", -1},
                                 {"categorical_imputer", "constant"},
                                 {"categorical_fill_value", "zz"},
                                 {"scaler", "robust"},
                                 {"encoder", "onehot"},
                                 {"max_onehot_categories", 3},
                                 {"outliers", "iqr"},
                                 {"outlier_threshold", 1.5}};
  const nlohmann::json ordinal = {{"numeric_imputer", "mean"},
                                  {"scaler", "minmax"},
                                  {"encoder", "ordinal"},
                                  {"outliers", "zscore"},
                                  {"outlier_threshold", 2.0}};
  const std::pair<nlohmann::json, const char*> configs[] = {
      {{{"model", "gradient_boosting"}, {"params", boosting}, {"random_state", 5}}, "m"},
      {{{"model", "gradient_boosting"},
        {"params", {{"n_estimators", 4}, {"objective", "absolute_error"}, {"num_leaves", 3}}},
        {"weights", true}},
       "r"},
      {{{"model", "random_forest"}, {"params", forest}, {"weights", true}, {"cv_folds", 2}}, "b"},
      {{{"model", "extra_trees"},
        {"params", {{"n_estimators", 3}, {"criterion", "squared_error"}, {"max_features", "log2"}}},
        {"preprocessing", ordinal}},
       "r"},
      {{{"model", "decision_tree"}, {"params", {{"criterion", "gini"}}}, {"cv_folds", 3}}, "m"},
      {{{"model", "gradient_boosting"},
        {"params", {{"n_estimators", 4}, {"objective", "quantile"}, {"quantile_alpha", 0.8}}}},
       "r"},
      {{{"model", "gradient_boosting"},
        {"params", {{"n_estimators", 4}, {"objective", "huber"}, {"huber_delta", 0.5}}}},
       "r"},
      {{{"model", "gradient_boosting"},
        {"params", {{"n_estimators", 4}, {"objective", "poisson"}, {"base_score", 2.0}}},
        {"weights", true}},
       "p"},
      {{{"model", "gradient_boosting"}, {"params", {{"n_estimators", 4}, {"objective", "gamma"}}}},
       "p"},
      {{{"model", "gradient_boosting"},
        {"params",
         {{"n_estimators", 4}, {"num_leaves", 5}, {"monotone_constraints", {1, 0, -1, 0, 0}}}}},
       "r"},
      {{{"model", "gradient_boosting"},
        {"params",
         {{"n_estimators", 4},
          {"num_leaves", 6},
          {"interaction_constraints", {{0, 2}, {1, 3}}},
          {"monotone_constraints", {0, 0, 1, 0, 0}}}}},
       "m"},
      {{{"model", "gradient_boosting"},
        {"params", {{"n_estimators", 4}, {"colsample_bynode", 0.5}, {"scale_pos_weight", 3.0}}},
        {"weights", true}},
       "b"},
      {{{"model", "gradient_boosting"},
        {"params",
         {{"n_estimators", 6},
          {"boosting", "dart"},
          {"rate_drop", 0.5},
          {"one_drop", true},
          {"sample_type", "weighted"},
          {"normalize_type", "forest"},
          {"subsample", 0.8}}}},
       "r"},
      {{{"model", "gradient_boosting"},
        {"params",
         {{"n_estimators", 6},
          {"learning_rate", 0.5},
          {"data_sample_strategy", "goss"},
          {"top_rate", 0.3},
          {"other_rate", 0.2}}}},
       "m"},
      {{{"model", "gradient_boosting"},
        {"params",
         {{"n_estimators", 8}, {"early_stopping_rounds", 2}, {"eval_metric", "log_loss"}}},
        {"cv_folds", 2}},
       "m"},
      {{{"model", "gradient_boosting"},
        {"params",
         {{"n_estimators", 4}, {"objective", "tweedie"}, {"tweedie_variance_power", 1.2}}}},
       "p"},
      {{{"model", "logistic_regression"},
        {"params", {{"penalty", "elasticnet"}, {"l1_ratio", 0.5}, {"C", 0.5}, {"max_iter", 50}}},
        {"preprocessing", onehot}},
       "b"},
      {{{"model", "elastic_net"},
        {"params", {{"alpha", 0.1}, {"l1_ratio", 0.3}, {"max_iter", 100}}},
        {"preprocessing", ordinal},
        {"weights", true}},
       "r"},
  };
  for (const auto& [config, letter] : configs) seeds.push_back(config.dump() + "\0"s + letter);
  return seeds;
}

std::vector<std::string> StudySeeds() {
  using namespace std::string_literals;
  const std::string space =
      R"({"params":[{"name":"lr","type":"float","low":1e-4,"high":1,"log":true},)"
      R"({"name":"depth","type":"int","low":1,"high":12},)"
      R"({"name":"frac","type":"float","low":0.1,"high":1,"step":0.1},)"
      R"({"name":"leaves","type":"int","low":8,"high":256,"log":true},)"
      R"({"name":"kind","type":"categorical","choices":["gbdt","rf",3,true]},)"
      R"({"name":"trees","type":"int","low":10,"high":500,"step":10,)"
      R"("condition":{"kind":["gbdt","rf"]}}]})";
  return {
      space,
      space + "\0{\"sampler\":\"tpe\",\"n_startup_trials\":3,\"multivariate\":true}"s,
      space + "\0{\"sampler\":\"gp\",\"n_startup_trials\":4,\"direction\":\"maximize\"}"s,
      space + "\0{\"sampler\":\"random\",\"pruner\":\"hyperband\"}"s,
      space + "\0{\"sampler\":\"adaptive\",\"pruner\":\"successive_halving\",\"max_trials\":6}"s,
      R"({"params":[{"name":"a","type":"int","low":0,"high":3},)"
      R"({"name":"b","type":"categorical","choices":["x","y"]}]})"
      "\0{\"sampler\":\"grid\",\"pruner\":\"median\"}"s,
      space +
          "\0{\"enqueue_trials\":[{\"lr\":0.01,\"kind\":\"rf\"}],"
          "\"warm_start\":[{\"params\":{\"lr\":0.1,\"depth\":3,\"frac\":0.5,"
          "\"leaves\":16,\"kind\":3},\"value\":1.5}]}"s,
  };
}

}  // namespace kolosal::fuzz
