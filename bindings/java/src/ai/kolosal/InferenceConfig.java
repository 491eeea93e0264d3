package ai.kolosal;

/**
 * The configuration of an {@link InferenceEngine} (the config JSON of
 * kolosal_inference_engine_create), built with {@code InferenceConfig.builder().jitMinCalls(20)
 * .jitCacheSize(8).build()}. Keys left unset keep the library's defaults. The library validates
 * every key and value when the engine is created: an unknown key fails there with a
 * did-you-mean suggestion.
 */
public final class InferenceConfig extends JsonConfig {
  private InferenceConfig(String json) {
    super(json);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A configuration from JSON text written elsewhere (checked when the engine is created). */
  public static InferenceConfig fromJson(String json) {
    return new InferenceConfig(json);
  }

  /** Builds an {@link InferenceConfig}; keys keep the order they were set in. */
  public static final class Builder extends ObjectBuilder<Builder> {
    private Builder() {}

    /** Whether hot tree models are compiled to machine code (default true). */
    public Builder enableJitCompilation(boolean enabled) {
      return set("enable_jit_compilation", enabled);
    }

    /** Calls of at most jitMaxBatchRows rows before a tree model is compiled (default 100). */
    public Builder jitMinCalls(long calls) {
      return set("jit_min_calls", calls);
    }

    /** Compiled models kept; the least recently used is evicted (at least 1, default 32). */
    public Builder jitCacheSize(long models) {
      return set("jit_cache_size", models);
    }

    /** The most rows a call may have to run compiled code and count towards jitMinCalls (4). */
    public Builder jitMaxBatchRows(long rows) {
      return set("jit_max_batch_rows", rows);
    }

    @Override
    Builder self() {
      return this;
    }

    public InferenceConfig build() {
      return new InferenceConfig(write());
    }
  }
}
