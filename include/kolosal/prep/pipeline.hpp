#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "kolosal/data/dataset.hpp"
#include "kolosal/data/feature_matrix.hpp"
#include "kolosal/data/schema.hpp"
#include "kolosal/io/msgpack_io.hpp"
#include "kolosal/prep/transformer.hpp"

namespace kolosal::prep {

/// Which preprocessing steps a pipeline runs, in this order: align to schema, outlier clipping,
/// imputation, scaling, categorical encoding, then conversion to a dense matrix.
struct PreprocessingConfig {
  std::string numeric_imputer = "median";  // none | mean | median | most_frequent | constant
  double numeric_fill_value = 0.0;         // for "constant"
  std::string categorical_imputer = "most_frequent";  // none | most_frequent | constant
  std::string categorical_fill_value = "missing";     // for "constant"
  std::string scaler = "standard";                    // none | standard | minmax | robust
  std::string encoder = "onehot";                     // onehot | ordinal | native
  int max_onehot_categories = 100;  // above this, a column is ordinal-encoded instead
  std::string outliers = "none";    // none | iqr | zscore
  double outlier_threshold = 0.0;   // 0 = the default (1.5 for iqr, 3 for zscore)

  /// Parses {"numeric_imputer": ..., ...}; unknown keys are errors with a suggestion.
  static PreprocessingConfig FromJson(const nlohmann::json& config);
  nlohmann::json ToJson() const;
};

/// The fitted chain of transformers plus the schema of its input. Saved inside the model file.
class Pipeline {
 public:
  Pipeline() = default;
  /// Throws Error(kInvalidArgument) for an unknown option name or a bad value in `config`.
  explicit Pipeline(PreprocessingConfig config);
  Pipeline(Pipeline&&) noexcept = default;
  Pipeline& operator=(Pipeline&&) noexcept = default;
  ~Pipeline();

  /// Fits every step on the feature columns of `dataset` and returns the transformed matrix.
  /// Throws Error(kInvalidArgument) for a dataset without rows or columns, or with two columns
  /// of the same name; on failure the pipeline keeps its previous state.
  data::FeatureMatrix FitTransform(const data::Dataset& dataset);
  /// Aligns `dataset` to the training schema (by column name) and transforms it. Thread-safe.
  /// Throws Error(kFailedPrecondition) before a fit, Error(kInvalidArgument) for a missing column.
  data::FeatureMatrix Transform(const data::Dataset& dataset) const;
  /// For nameless dense input: takes columns by position (see Schema::AlignByPosition).
  data::FeatureMatrix TransformByPosition(const data::Dataset& dataset) const;

  /// True when TransformByPosition gives back its input's numbers unchanged, in the same order:
  /// the pipeline is fitted, every input column is numeric, and no step changes numbers (no
  /// clipping, numeric imputation or scaling). Callers with rows in training order can then
  /// skip the dataset and the transform.
  bool PassesNumbersThrough() const;

  const data::Schema& input_schema() const { return schema_; }
  const std::vector<data::FeatureInfo>& output_features() const { return output_features_; }
  const PreprocessingConfig& config() const { return config_; }
  /// For each output feature, the index of the input column it comes from (one-hot indicator
  /// columns point at their categorical column). Throws Error(kFailedPrecondition) before a fit.
  std::vector<int64_t> SourceColumns() const;

  /// Writes {"config", "schema", "steps": [{"type", "state"}, ...]}. Throws
  /// Error(kFailedPrecondition) before a fit.
  void Save(io::Packer& packer) const;
  /// Throws Error(kCorruptModel) for any malformed state.
  static Pipeline Load(const msgpack::object& state);

 private:
  void CheckFitted() const;
  data::FeatureMatrix ApplySteps(data::Dataset aligned) const;

  PreprocessingConfig config_;
  data::Schema schema_;
  std::vector<std::unique_ptr<Transformer>> steps_;
  std::vector<data::FeatureInfo> output_features_;
};

/// Converts the (fully numeric or natively categorical) columns of a dataset into a dense
/// row-major matrix. Categorical columns become their codes as floats (missing -> NaN).
data::FeatureMatrix ToFeatureMatrix(const data::Dataset& dataset);

}  // namespace kolosal::prep
