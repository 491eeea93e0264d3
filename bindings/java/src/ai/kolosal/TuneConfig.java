package ai.kolosal;

/**
 * What {@link TrainingEngine#tune} does (the tune config JSON of kolosal_train_engine_tune),
 * built with {@code TuneConfig.builder().nTrials(30).strategy("ADAPTIVE").studyName("spam")
 * .build()}. The engine's model, fixed params, cv_folds and metric come from its
 * {@link TrainingConfig}. Unknown keys fail in tune() with a did-you-mean suggestion.
 */
public final class TuneConfig extends JsonConfig {
  private TuneConfig(String json) {
    super(json);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A configuration from JSON text written elsewhere. */
  public static TuneConfig fromJson(String json) {
    return new TuneConfig(json);
  }

  /** Builds a {@link TuneConfig}; keys keep the order they were set in. */
  public static final class Builder extends ObjectBuilder<Builder> {
    private Builder() {}

    /** Trials to run in this call (default 20 unless maxTrials is set). */
    public Builder nTrials(long trials) {
      return set("n_trials", trials);
    }

    /** Trials in the whole study, earlier calls included (default: no cap). */
    public Builder maxTrials(long trials) {
      return set("max_trials", trials);
    }

    /** The space to search instead of the model's default one. */
    public Builder searchSpace(SearchSpace space) {
      return set("search_space", new Json.Raw(space.toJson()));
    }

    public Builder strategy(String strategy) {
      return set("optimization_strategy", strategy);
    }

    public Builder timeout(double seconds) {
      return set("optimization_timeout", seconds);
    }

    public Builder pruner(String pruner) {
      return set("pruner", pruner);
    }

    public Builder studyName(String name) {
      return set("study_name", name);
    }

    public Builder randomState(long seed) {
      return set("random_state", seed);
    }

    /** Trials run at a time. */
    public Builder parallelTrials(int trials) {
      return set("n_jobs", trials);
    }

    @Override
    Builder self() {
      return this;
    }

    public TuneConfig build() {
      return new TuneConfig(write());
    }
  }
}
