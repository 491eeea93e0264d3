using System.Collections.Generic;
using System.Collections.Specialized;

namespace Kolosal {

/// <summary>
/// The training configuration (the JSON of kolosal_train_engine_create):
/// <c>TrainingConfig.Builder().Model("logistic_regression").Param("C", 1.0).NJobs(2).Build()</c>.
/// The library validates every key and value when the engine is created; an unknown key fails
/// there with a did-you-mean suggestion.
/// </summary>
public sealed class TrainingConfig : JsonConfig {
  private TrainingConfig(string json) : base(json) {}

  public static TrainingConfigBuilder Builder() => new TrainingConfigBuilder();

  /// <summary>A configuration from JSON text written elsewhere.</summary>
  public static TrainingConfig FromJson(string json) => new TrainingConfig(json);
}

/// <summary>Builds a <see cref="TrainingConfig"/>; keys keep the order they were set in.</summary>
public sealed class TrainingConfigBuilder : ObjectBuilder<TrainingConfigBuilder> {
  private readonly OrderedDictionary parameters = new OrderedDictionary();
  private readonly OrderedDictionary preprocessing = new OrderedDictionary();

  internal TrainingConfigBuilder() {}

  /// <summary>The model name, e.g. "logistic_regression", "random_forest".</summary>
  public TrainingConfigBuilder Model(string name) => Set("model", name);

  /// <summary>One model parameter, e.g. Param("C", 1.0) or Param("n_estimators", 200).</summary>
  public TrainingConfigBuilder Param(string name, object value) {
    parameters[name] = value;
    return this;
  }

  /// <summary>One preprocessing option, e.g. Preprocessing("scaler", "standard").</summary>
  public TrainingConfigBuilder Preprocessing(string name, object value) {
    preprocessing[name] = value;
    return this;
  }

  public TrainingConfigBuilder NJobs(int threads) => Set("n_jobs", threads);
  public TrainingConfigBuilder RandomState(long seed) => Set("random_state", seed);
  public TrainingConfigBuilder CvFolds(int folds) => Set("cv_folds", folds);
  public TrainingConfigBuilder Metric(string name) => Set("metric", name);

  public TrainingConfig Build() =>
      TrainingConfig.FromJson(Write("params", parameters, "preprocessing", preprocessing) ?? "{}");
}

/// <summary>
/// Options of <see cref="Dataset.FromCsv(string, CsvOptions)"/>:
/// <c>CsvOptions.Builder().Target("type").Build()</c>. Without a target there are no labels.
/// </summary>
public sealed class CsvOptions : JsonConfig {
  internal CsvOptions(string json) : base(json) {}

  public static CsvOptionsBuilder Builder() => new CsvOptionsBuilder();

  /// <summary>Shorthand for Builder().Target(column).Build().</summary>
  public static CsvOptions Target(string column) => Builder().Target(column).Build();
}

/// <summary>Builds <see cref="CsvOptions"/>.</summary>
public sealed class CsvOptionsBuilder : ObjectBuilder<CsvOptionsBuilder> {
  private readonly OrderedDictionary columnTypes = new OrderedDictionary();

  internal CsvOptionsBuilder() {}

  public CsvOptionsBuilder Target(string column) => Set("target", column);

  /// <summary>A numeric column of per-row training weights (needs a target); not a feature.</summary>
  public CsvOptionsBuilder WeightColumn(string column) => Set("weight_column", column);

  /// <summary>"classification" or "regression" (inferred when absent).</summary>
  public CsvOptionsBuilder Task(string task) => Set("task", task);
  public CsvOptionsBuilder Delimiter(char delimiter) => Set("delimiter", delimiter.ToString());
  public CsvOptionsBuilder HasHeader(bool hasHeader) => Set("has_header", hasHeader);
  public CsvOptionsBuilder MissingValues(params string[] markers) => Set("missing_values", markers);
  public CsvOptionsBuilder DropColumns(params string[] columns) => Set("drop_columns", columns);
  public CsvOptionsBuilder MaxRows(long rows) => Set("max_rows", rows);

  /// <summary>"numeric" or "categorical" for one column.</summary>
  public CsvOptionsBuilder ColumnType(string column, string type) {
    columnTypes[column] = type;
    return this;
  }

  public CsvOptions Build() => new CsvOptions(Write("column_types", columnTypes) ?? "{}");
}

/// <summary>
/// Options of the array form of <see cref="Dataset"/>: feature names, target name, task, layout.
/// </summary>
public sealed class DatasetOptions : JsonConfig {
  internal static readonly DatasetOptions Default = new DatasetOptions(null, Layout.RowMajor);

  public Layout Layout { get; }

  internal DatasetOptions(string json, Layout layout) : base(json) {
    Layout = layout;
  }

  public static DatasetOptionsBuilder Builder() => new DatasetOptionsBuilder();
}

/// <summary>Builds <see cref="DatasetOptions"/>.</summary>
public sealed class DatasetOptionsBuilder : ObjectBuilder<DatasetOptionsBuilder> {
  private global::Kolosal.Layout layout = global::Kolosal.Layout.RowMajor;

  internal DatasetOptionsBuilder() {}

  public DatasetOptionsBuilder FeatureNames(params string[] names) => Set("feature_names", names);
  public DatasetOptionsBuilder TargetName(string name) => Set("target_name", name);

  /// <summary>"classification" or "regression" (inferred when absent).</summary>
  public DatasetOptionsBuilder Task(string task) => Set("task", task);

  /// <summary>The feature column that holds per-row training weights; not a feature.</summary>
  public DatasetOptionsBuilder WeightColumn(string column) => Set("weight_column", column);

  /// <summary>Memory order of the matrix (row-major by default).</summary>
  public DatasetOptionsBuilder Layout(global::Kolosal.Layout order) {
    layout = order;
    return this;
  }

  public DatasetOptions Build() => new DatasetOptions(Write(), layout);
}

}  // namespace Kolosal
