#include "kolosal/prep/pipeline.hpp"

#include <algorithm>
#include <array>
#include <limits>
#include <unordered_map>

#include "kolosal/core/config.hpp"
#include "kolosal/core/error.hpp"
#include "kolosal/prep/detail/enum_names.hpp"
#include "kolosal/prep/detail/pipeline_state.hpp"
#include "kolosal/prep/imputer.hpp"
#include "kolosal/prep/one_hot_encoder.hpp"
#include "kolosal/prep/ordinal_encoder.hpp"
#include "kolosal/prep/outlier_clipper.hpp"
#include "kolosal/prep/scaler.hpp"

namespace kolosal::prep {
namespace {

using Steps = std::vector<std::unique_ptr<Transformer>>;

enum class Encoding { kOneHot, kOrdinal, kNative };

constexpr std::array<detail::EnumName<Encoding>, 3> kEncodingNames{{
    {Encoding::kOneHot, "onehot"},
    {Encoding::kOrdinal, "ordinal"},
    {Encoding::kNative, "native"},
}};

constexpr std::string_view kNone = "none";

void AddEncoders(const PreprocessingConfig& config, Steps& steps) {
  switch (detail::ParseEnum(kEncodingNames, config.encoder, "encoder")) {
    case Encoding::kOneHot:
      steps.push_back(std::make_unique<OneHotEncoder>(config.max_onehot_categories));
      // The columns with too many categories for one-hot encoding.
      steps.push_back(std::make_unique<OrdinalEncoder>());
      return;
    case Encoding::kOrdinal:
      steps.push_back(std::make_unique<OrdinalEncoder>());
      return;
    case Encoding::kNative:
      return;
  }
}

// The unfitted steps `config` asks for, in pipeline order. Throws Error(kInvalidArgument) for
// an unknown option name or a bad value.
Steps MakeSteps(const PreprocessingConfig& config) {
  Steps steps;
  if (config.outliers != kNone) {
    steps.push_back(std::make_unique<OutlierClipper>(ParseOutlierMethod(config.outliers),
                                                     config.outlier_threshold));
  }
  const ImputerOptions imputer{
      ParseNumericImputation(config.numeric_imputer), static_cast<float>(config.numeric_fill_value),
      ParseCategoricalImputation(config.categorical_imputer), config.categorical_fill_value};
  if (imputer.numeric != NumericImputation::kNone ||
      imputer.categorical != CategoricalImputation::kNone) {
    steps.push_back(std::make_unique<Imputer>(imputer));
  }
  if (config.scaler != kNone) {
    steps.push_back(std::make_unique<Scaler>(ParseScalerMethod(config.scaler)));
  }
  AddEncoders(config, steps);
  return steps;
}

PreprocessingConfig ReadConfig(const msgpack::object& object) {
  const nlohmann::json json = nlohmann::json::parse(io::ReadAs<std::string>(object, "config"),
                                                    nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) io::ThrowCorrupt("the preprocessing config is not valid JSON");
  return PreprocessingConfig::FromJson(json);
}

// A dataset with the schema's columns and no rows: running it through the steps yields the
// output features without any data.
data::Dataset EmptyDataset(const data::Schema& schema) {
  std::vector<data::Column> columns;
  for (const data::ColumnSchema& column : schema.columns) {
    columns.push_back(column.type == data::ColumnType::kNumeric
                          ? data::Column::Numeric(column.name, {})
                          : data::Column::Categorical(column.name, {}, column.categories));
  }
  return data::Dataset(std::move(columns), std::nullopt);
}

bool SameFeatures(const std::vector<data::FeatureInfo>& a,
                  const std::vector<data::FeatureInfo>& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                    [](const data::FeatureInfo& x, const data::FeatureInfo& y) {
                      return x.name == y.name && x.categorical == y.categorical &&
                             x.n_categories == y.n_categories;
                    });
}

data::FeatureInfo DescribeColumn(const data::Column& column) {
  if (column.is_numeric()) return {column.name, false, 0};
  return {column.name, true, static_cast<int32_t>(column.categories.size())};
}

// Writes rows [row_begin, row_end) of `column` into matrix column `col`.
void WriteColumn(const data::Column& column, int64_t col, int64_t row_begin, int64_t row_end,
                 data::FeatureMatrix& matrix) {
  float* out = matrix.values.data() + col;
  const int64_t stride = matrix.cols;
  if (column.is_numeric()) {
    const float* values = column.values.data();
    for (int64_t row = row_begin; row < row_end; ++row) out[row * stride] = values[row];
    return;
  }
  constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();
  const auto n_categories = static_cast<int32_t>(column.categories.size());
  const int32_t* codes = column.codes.data();
  for (int64_t row = row_begin; row < row_end; ++row) {
    const int32_t code = codes[row];
    out[row * stride] = code >= 0 && code < n_categories ? static_cast<float>(code) : kNaN;
  }
}

}  // namespace

PreprocessingConfig PreprocessingConfig::FromJson(const nlohmann::json& json) {
  const PreprocessingConfig defaults;
  constexpr double kFloatMax = std::numeric_limits<float>::max();
  ConfigReader reader(json, "preprocessing");
  PreprocessingConfig config;
  config.numeric_imputer =
      reader.GetChoice("numeric_imputer", defaults.numeric_imputer,
                       {"none", "mean", "median", "most_frequent", "constant"});
  config.numeric_fill_value =
      reader.GetDouble("numeric_fill_value", defaults.numeric_fill_value, -kFloatMax, kFloatMax);
  config.categorical_imputer = reader.GetChoice("categorical_imputer", defaults.categorical_imputer,
                                                {"none", "most_frequent", "constant"});
  config.categorical_fill_value =
      reader.GetString("categorical_fill_value", defaults.categorical_fill_value);
  config.scaler =
      reader.GetChoice("scaler", defaults.scaler, {"none", "standard", "minmax", "robust"});
  config.encoder = reader.GetChoice("encoder", defaults.encoder, {"onehot", "ordinal", "native"});
  config.max_onehot_categories = static_cast<int>(reader.GetInt(
      "max_onehot_categories", defaults.max_onehot_categories, 0, std::numeric_limits<int>::max()));
  config.outliers = reader.GetChoice("outliers", defaults.outliers, {"none", "iqr", "zscore"});
  config.outlier_threshold =
      reader.GetDouble("outlier_threshold", defaults.outlier_threshold, 0.0, 1e6);
  reader.Finish();
  return config;
}

nlohmann::json PreprocessingConfig::ToJson() const {
  return {
      {"numeric_imputer", numeric_imputer},
      {"numeric_fill_value", numeric_fill_value},
      {"categorical_imputer", categorical_imputer},
      {"categorical_fill_value", categorical_fill_value},
      {"scaler", scaler},
      {"encoder", encoder},
      {"max_onehot_categories", max_onehot_categories},
      {"outliers", outliers},
      {"outlier_threshold", outlier_threshold},
  };
}

Pipeline::Pipeline(PreprocessingConfig config) : config_(std::move(config)) {
  // Builds the steps once only to reject a bad config now rather than at fit time.
  static_cast<void>(MakeSteps(config_));
}

Pipeline::~Pipeline() = default;

data::FeatureMatrix Pipeline::FitTransform(const data::Dataset& dataset) {
  if (dataset.n_features() == 0) ThrowInvalidArgument("preprocessing: the dataset has no columns");
  if (dataset.n_rows() == 0) ThrowInvalidArgument("preprocessing: the dataset has no rows");
  data::Schema schema = data::Schema::Of(dataset);
  data::Dataset working = schema.Align(dataset);
  working.clear_labels();
  Steps steps = MakeSteps(config_);
  for (const std::unique_ptr<Transformer>& step : steps) {
    step->Fit(working);
    step->Transform(working);
  }
  data::FeatureMatrix matrix = ToFeatureMatrix(working);
  // Only a fit that got this far replaces the previous state.
  schema_ = std::move(schema);
  steps_ = std::move(steps);
  output_features_ = matrix.features;
  return matrix;
}

data::FeatureMatrix Pipeline::Transform(const data::Dataset& dataset) const {
  CheckFitted();
  return ApplySteps(schema_.Align(dataset));
}

data::FeatureMatrix Pipeline::TransformByPosition(const data::Dataset& dataset) const {
  CheckFitted();
  return ApplySteps(schema_.AlignByPosition(dataset));
}

std::vector<int64_t> Pipeline::SourceColumns() const {
  CheckFitted();
  // Every step keeps column names except one-hot encoding, which names its indicator columns
  // "<column>=<category>".
  std::unordered_map<std::string, int64_t> source_of;
  for (size_t idx = 0; idx < schema_.columns.size(); ++idx) {
    const std::string& name = schema_.columns[idx].name;
    source_of.emplace(name, static_cast<int64_t>(idx));
    for (const std::unique_ptr<Transformer>& step : steps_) {
      const auto* encoder = dynamic_cast<const OneHotEncoder*>(step.get());
      const std::vector<std::string>* categories =
          encoder == nullptr ? nullptr : encoder->Categories(name);
      if (categories == nullptr) continue;
      for (const std::string& category : *categories) {
        source_of.emplace(name + "=" + category, static_cast<int64_t>(idx));
      }
    }
  }
  std::vector<int64_t> sources;
  sources.reserve(output_features_.size());
  for (const data::FeatureInfo& feature : output_features_) {
    const auto found = source_of.find(feature.name);
    if (found == source_of.end()) {
      throw Error(StatusCode::kInternal,
                  "output feature '" + feature.name + "' has no input column");
    }
    sources.push_back(found->second);
  }
  return sources;
}

bool Pipeline::PassesNumbersThrough() const {
  if (schema_.columns.empty() || output_features_.size() != schema_.columns.size()) return false;
  if (config_.outliers != kNone || config_.numeric_imputer != kNone || config_.scaler != kNone) {
    return false;
  }
  return std::all_of(
      schema_.columns.begin(), schema_.columns.end(),
      [](const data::ColumnSchema& column) { return column.type == data::ColumnType::kNumeric; });
}

void Pipeline::CheckFitted() const {
  if (schema_.columns.empty()) {
    throw Error(StatusCode::kFailedPrecondition, "the preprocessing pipeline is not fitted");
  }
}

data::FeatureMatrix Pipeline::ApplySteps(data::Dataset aligned) const {
  for (const std::unique_ptr<Transformer>& step : steps_) step->Transform(aligned);
  data::FeatureMatrix matrix = ToFeatureMatrix(aligned);
  if (!output_features_.empty() && matrix.cols != static_cast<int64_t>(output_features_.size())) {
    throw Error(StatusCode::kInternal, "preprocessing produced " + std::to_string(matrix.cols) +
                                           " features, expected " +
                                           std::to_string(output_features_.size()));
  }
  return matrix;
}

void Pipeline::Save(io::Packer& packer) const {
  CheckFitted();
  packer.pack_map(4);
  io::PackKey(packer, "config");
  packer.pack(config_.ToJson().dump());
  io::PackKey(packer, "schema");
  detail::PackSchema(packer, schema_);
  io::PackKey(packer, "steps");
  detail::PackSteps(packer, steps_);
  io::PackKey(packer, "output_features");
  detail::PackFeatures(packer, output_features_);
}

Pipeline Pipeline::Load(const msgpack::object& state) {
  try {
    Pipeline pipeline(ReadConfig(io::Field(state, "config")));
    pipeline.schema_ = detail::ReadSchema(io::Field(state, "schema"));
    pipeline.steps_ = detail::ReadSteps(io::Field(state, "steps"));
    // Replaying the steps on an empty batch checks that they fit the schema and that they
    // produce the features the file promises.
    const data::FeatureMatrix replay = pipeline.ApplySteps(EmptyDataset(pipeline.schema_));
    pipeline.output_features_ = detail::ReadFeatures(io::Field(state, "output_features"));
    if (!SameFeatures(replay.features, pipeline.output_features_)) {
      io::ThrowCorrupt("the steps do not produce the recorded output features");
    }
    return pipeline;
  } catch (const Error& error) {
    if (error.code() == StatusCode::kCorruptModel) throw;
    io::ThrowCorrupt("preprocessing pipeline: " + std::string(error.what()));
  }
}

data::FeatureMatrix ToFeatureMatrix(const data::Dataset& dataset) {
  data::FeatureMatrix matrix;
  matrix.rows = dataset.n_rows();
  matrix.cols = dataset.n_features();
  matrix.values.resize(static_cast<size_t>(matrix.rows * matrix.cols));
  matrix.features.reserve(dataset.columns().size());
  for (const data::Column& column : dataset.columns()) {
    matrix.features.push_back(DescribeColumn(column));
  }
  // Column-by-column writes over blocks of rows small enough that the block's output rows stay
  // in cache while every column is written into them.
  constexpr int64_t kBlockBytes = int64_t{1} << 18;
  const int64_t block_rows = std::max<int64_t>(
      64, kBlockBytes / std::max<int64_t>(1, matrix.cols * static_cast<int64_t>(sizeof(float))));
  for (int64_t row_begin = 0; row_begin < matrix.rows; row_begin += block_rows) {
    const int64_t row_end = std::min(matrix.rows, row_begin + block_rows);
    for (int64_t col = 0; col < matrix.cols; ++col) {
      WriteColumn(dataset.column(col), col, row_begin, row_end, matrix);
    }
  }
  return matrix;
}

}  // namespace kolosal::prep
