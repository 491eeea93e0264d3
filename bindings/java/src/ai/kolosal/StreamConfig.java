package ai.kolosal;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The configuration of a {@link StreamingPipeline} (the config JSON of kolosal_stream_create),
 * built with {@code StreamConfig.builder().chunkRows(10000).maxChunksInFlight(4).build()}. Keys
 * left unset keep the library's defaults. The library validates every key and value when the
 * pipeline is created: an unknown key fails there with a did-you-mean suggestion.
 */
public final class StreamConfig extends JsonConfig {
  private StreamConfig(String json) {
    super(json);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A configuration from JSON text written elsewhere (checked when the pipeline is created). */
  public static StreamConfig fromJson(String json) {
    return new StreamConfig(json);
  }

  /** Builds a {@link StreamConfig}; keys keep the order they were set in. */
  public static final class Builder extends ObjectBuilder<Builder> {
    private final Map<String, Object> csv = new LinkedHashMap<>();

    private Builder() {}

    /** Rows per chunk; 0 (the default) sizes chunks to the memory budget. */
    public Builder chunkRows(long rows) {
      return set("chunk_rows", rows);
    }

    /** The memory the chunks in flight may take, in MiB (default 256). */
    public Builder memoryBudgetMb(long megabytes) {
      return set("memory_budget_mb", megabytes);
    }

    /** The most chunks read and not yet written; reading waits beyond it (1 to 1024, default 4). */
    public Builder maxChunksInFlight(long chunks) {
      return set("max_chunks_in_flight", chunks);
    }

    /** Threads that predict chunks (0, the default, uses every core). */
    public Builder nJobs(int threads) {
      return set("n_jobs", threads);
    }

    /**
     * One probability column per class, named by the class, instead of a "prediction" column
     * (default false). A regression model then fails with INVALID_ARGUMENT.
     */
    public Builder probabilities(boolean probabilities) {
      return set("probabilities", probabilities);
    }

    /**
     * SHAP contributions instead of predictions (default false): for each output, one column per
     * input column and "bias" ("class:column" for classification), the values of
     * {@link Model#contributions}. Cannot be combined with probabilities.
     */
    public Builder contributions(boolean contributions) {
      return set("contributions", contributions);
    }

    /** The input's field delimiter (default ','). */
    public Builder delimiter(char delimiter) {
      csv.put("delimiter", String.valueOf(delimiter));
      return this;
    }

    /** The input's quote character (default '"'). */
    public Builder quote(char quote) {
      csv.put("quote", String.valueOf(quote));
      return this;
    }

    /** The input fields read as missing values. */
    public Builder missingValues(String... markers) {
      csv.put("missing_values", Arrays.asList(markers));
      return this;
    }

    @Override
    Builder self() {
      return this;
    }

    public StreamConfig build() {
      return new StreamConfig(write(Map.entry("csv", csv)));
    }
  }
}
