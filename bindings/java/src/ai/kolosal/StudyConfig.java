package ai.kolosal;

/**
 * The study configuration of an {@link Optimizer} (the config JSON of kolosal_optimizer_create,
 * docs/hpo.md), built with {@code StudyConfig.builder().maxTrials(50).strategy("TPE")
 * .randomState(7).build()}. The library validates every key when the optimizer is created: an
 * unknown key fails there with a did-you-mean suggestion.
 */
public final class StudyConfig extends JsonConfig {
  private StudyConfig(String json) {
    super(json);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A configuration from JSON text written elsewhere. */
  public static StudyConfig fromJson(String json) {
    return new StudyConfig(json);
  }

  /** Builds a {@link StudyConfig}; keys keep the order they were set in. */
  public static final class Builder extends ObjectBuilder<Builder> {
    private Builder() {}

    /** Trials in the whole study (a resumed study counts its old ones). */
    public Builder maxTrials(long trials) {
      return set("max_trials", trials);
    }

    /** Seconds from the optimizer's creation; 0 = none. */
    public Builder timeout(double seconds) {
      return set("optimization_timeout", seconds);
    }

    /** OPTUNA, TPE, GRID_SEARCH, RANDOM_SEARCH, BAYESIAN_OPTIMIZATION, ADAPTIVE, ... */
    public Builder strategy(String strategy) {
      return set("optimization_strategy", strategy);
    }

    /** "minimize" (the default) or "maximize". */
    public Builder direction(String direction) {
      return set("direction", direction);
    }

    public Builder randomState(long seed) {
      return set("random_state", seed);
    }

    /** "median", "successive_halving", "hyperband" or "none". */
    public Builder pruner(String pruner) {
      return set("pruner", pruner);
    }

    /** Stop after this many trials without improvement (0 = off). */
    public Builder earlyStoppingPatience(long trials) {
      return set("early_stopping_patience", trials);
    }

    /** The study's name inside its storage (resumed when it exists). */
    public Builder studyName(String name) {
      return set("study_name", name);
    }

    @Override
    Builder self() {
      return this;
    }

    public StudyConfig build() {
      return new StudyConfig(write());
    }
  }
}
