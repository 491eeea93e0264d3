package ai.kolosal;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The training configuration (the JSON of kolosal_train_engine_create), built with
 * {@code TrainingConfig.builder().model("logistic_regression").param("C", 1.0).nJobs(2).build()}.
 * The library validates every key and value when the engine is created: an unknown key fails
 * there with a did-you-mean suggestion.
 */
public final class TrainingConfig {
  private final String json;

  private TrainingConfig(String json) {
    this.json = json;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A configuration from JSON text written elsewhere (checked when the engine is created). */
  public static TrainingConfig fromJson(String json) {
    return new TrainingConfig(json);
  }

  /** The JSON text handed to the library. */
  public String toJson() {
    return json;
  }

  @Override
  public String toString() {
    return json;
  }

  /** Builds a {@link TrainingConfig}; keys keep the order they were set in. */
  public static final class Builder {
    private final Map<String, Object> root = new LinkedHashMap<>();
    private final Map<String, Object> params = new LinkedHashMap<>();
    private final Map<String, Object> preprocessing = new LinkedHashMap<>();

    private Builder() {}

    /** The model name, e.g. "logistic_regression", "random_forest" (see `kolosal info`). */
    public Builder model(String name) {
      return set("model", name);
    }

    /** One model parameter, e.g. param("C", 1.0) or param("n_estimators", 200). */
    public Builder param(String name, Object value) {
      params.put(name, value);
      return this;
    }

    /** One preprocessing option, e.g. preprocessing("scaler", "standard"). */
    public Builder preprocessing(String name, Object value) {
      preprocessing.put(name, value);
      return this;
    }

    public Builder nJobs(int threads) {
      return set("n_jobs", threads);
    }

    public Builder randomState(long seed) {
      return set("random_state", seed);
    }

    public Builder cvFolds(int folds) {
      return set("cv_folds", folds);
    }

    public Builder metric(String name) {
      return set("metric", name);
    }

    /** Any other top-level key (strings, numbers, booleans, lists and maps). */
    public Builder set(String key, Object value) {
      root.put(key, value);
      return this;
    }

    public TrainingConfig build() {
      Map<String, Object> all = new LinkedHashMap<>(root);
      if (!params.isEmpty()) {
        all.put("params", new LinkedHashMap<>(params));
      }
      if (!preprocessing.isEmpty()) {
        all.put("preprocessing", new LinkedHashMap<>(preprocessing));
      }
      return new TrainingConfig(Json.write(all));
    }
  }
}
