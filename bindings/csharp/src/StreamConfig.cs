using System.Collections.Specialized;

namespace Kolosal {

/// <summary>
/// The configuration of a <see cref="StreamingPipeline"/> (the JSON of kolosal_stream_create):
/// <c>StreamConfig.Builder().ChunkRows(10000).MaxChunksInFlight(4).Build()</c>. The library
/// validates every key and value when the stream is created; an unknown key fails there with a
/// did-you-mean suggestion.
/// </summary>
public sealed class StreamConfig : JsonConfig {
  private StreamConfig(string json) : base(json) {}

  public static StreamConfigBuilder Builder() => new StreamConfigBuilder();

  /// <summary>A configuration from JSON text written elsewhere.</summary>
  public static StreamConfig FromJson(string json) => new StreamConfig(json);
}

/// <summary>Builds a <see cref="StreamConfig"/>; keys keep the order they were set in.</summary>
public sealed class StreamConfigBuilder : ObjectBuilder<StreamConfigBuilder> {
  private readonly OrderedDictionary csv = new OrderedDictionary();

  internal StreamConfigBuilder() {}

  /// <summary>Rows per chunk; 0 (the default) sizes chunks to the memory budget.</summary>
  public StreamConfigBuilder ChunkRows(long rows) => Set("chunk_rows", rows);
  /// <summary>Memory the stream may add to the process's resident set (default 256).</summary>
  public StreamConfigBuilder MemoryBudgetMb(long megabytes) => Set("memory_budget_mb", megabytes);
  /// <summary>Chunks read but not yet written; at that many, reading waits (default 4).</summary>
  public StreamConfigBuilder MaxChunksInFlight(long chunks) => Set("max_chunks_in_flight", chunks);
  /// <summary>Threads; 0 (the default) means all cores.</summary>
  public StreamConfigBuilder NJobs(int threads) => Set("n_jobs", threads);
  /// <summary>Write one probability column per class (named by the class) instead of a
  /// "prediction" column (default false; classification models only).</summary>
  public StreamConfigBuilder Probabilities(bool probabilities) =>
      Set("probabilities", probabilities);
  /// <summary>Write SHAP contributions instead (default false): for each output, one column per
  /// input column and "bias" ("class:column" for classification), the values of
  /// <see cref="Model.Contributions"/>. Cannot be combined with probabilities.</summary>
  public StreamConfigBuilder Contributions(bool contributions) =>
      Set("contributions", contributions);

  /// <summary>The input's field delimiter (default ',').</summary>
  public StreamConfigBuilder Delimiter(char delimiter) => Csv("delimiter", delimiter.ToString());
  /// <summary>The input's quote character (default '"').</summary>
  public StreamConfigBuilder Quote(char quote) => Csv("quote", quote.ToString());
  /// <summary>Input fields read as missing values (NaN).</summary>
  public StreamConfigBuilder MissingValues(params string[] markers) =>
      Csv("missing_values", markers);

  /// <summary>One option of the "csv" object (how the input is read).</summary>
  public StreamConfigBuilder Csv(string name, object value) {
    csv[name] = value;
    return this;
  }

  public StreamConfig Build() => StreamConfig.FromJson(Write("csv", csv) ?? "{}");
}

}  // namespace Kolosal
