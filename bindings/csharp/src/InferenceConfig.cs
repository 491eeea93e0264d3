namespace Kolosal {

/// <summary>
/// The configuration of an <see cref="InferenceEngine"/> (the JSON of
/// kolosal_inference_engine_create): <c>InferenceConfig.Builder().JitMinCalls(20).Build()</c>.
/// The library validates every key and value when the engine is created; an unknown key fails
/// there with a did-you-mean suggestion.
/// </summary>
public sealed class InferenceConfig : JsonConfig {
  private InferenceConfig(string json) : base(json) {}

  public static InferenceConfigBuilder Builder() => new InferenceConfigBuilder();

  /// <summary>A configuration from JSON text written elsewhere.</summary>
  public static InferenceConfig FromJson(string json) => new InferenceConfig(json);
}

/// <summary>Builds an <see cref="InferenceConfig"/>; keys keep the order they were set in.</summary>
public sealed class InferenceConfigBuilder : ObjectBuilder<InferenceConfigBuilder> {

  internal InferenceConfigBuilder() {}

  /// <summary>Compile hot tree models to machine code (default true).</summary>
  public InferenceConfigBuilder EnableJitCompilation(bool enable) =>
      Set("enable_jit_compilation", enable);
  /// <summary>Calls of at most JitMaxBatchRows rows before a model compiles (default 100).</summary>
  public InferenceConfigBuilder JitMinCalls(long calls) => Set("jit_min_calls", calls);
  /// <summary>Compiled models kept; the least recently used is evicted (default 32, at least 1).</summary>
  public InferenceConfigBuilder JitCacheSize(long models) => Set("jit_cache_size", models);
  /// <summary>Rows up to which a call runs compiled code; larger calls run the interpreter's batch
  /// walk (default 4).</summary>
  public InferenceConfigBuilder JitMaxBatchRows(long rows) => Set("jit_max_batch_rows", rows);

  public InferenceConfig Build() => InferenceConfig.FromJson(Write() ?? "{}");
}

}  // namespace Kolosal
