package ai.kolosal;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The training configuration (the JSON of kolosal_train_engine_create), built with
 * {@code TrainingConfig.builder().model("logistic_regression").param("C", 1.0).nJobs(2).build()}.
 * The library validates every key and value when the engine is created: an unknown key fails
 * there with a did-you-mean suggestion.
 */
public final class TrainingConfig extends JsonConfig {
  private TrainingConfig(String json) {
    super(json);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A configuration from JSON text written elsewhere (checked when the engine is created). */
  public static TrainingConfig fromJson(String json) {
    return new TrainingConfig(json);
  }

  /** Builds a {@link TrainingConfig}; keys keep the order they were set in. */
  public static final class Builder extends ObjectBuilder<Builder> {
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

    @Override
    Builder self() {
      return this;
    }

    public TrainingConfig build() {
      return new TrainingConfig(
          write(Map.entry("params", params), Map.entry("preprocessing", preprocessing)));
    }
  }
}
