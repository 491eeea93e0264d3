using System.Collections.Generic;
using System.Collections.Specialized;

namespace Kolosal {

/// <summary>
/// A hyperparameter search space (the space JSON of kolosal_optimizer_create, docs/hpo.md):
/// <c>SearchSpace.Builder().Float("x", -5, 5).Int("n", 1, 9).Categorical("kernel", "rbf",
/// "linear").Float("gamma", 1e-4, 1, log: true).When("kernel", "rbf").Build()</c>. The library
/// validates it when an optimizer is created (low above high, log with a non-positive bound and
/// unknown keys are errors there).
/// </summary>
public sealed class SearchSpace : JsonConfig {
  private SearchSpace(string json) : base(json) {}

  public static SearchSpaceBuilder Builder() => new SearchSpaceBuilder();

  /// <summary>A space from JSON text written elsewhere ({"params": [...]}).</summary>
  public static SearchSpace FromJson(string json) => new SearchSpace(json);
}

/// <summary>Builds a <see cref="SearchSpace"/>; parameters keep the order they were added in.</summary>
public sealed class SearchSpaceBuilder {
  private readonly List<OrderedDictionary> parameters = new List<OrderedDictionary>();

  internal SearchSpaceBuilder() {}

  /// <summary>A float parameter in [low, high], uniform or (log: true) log-uniform.</summary>
  public SearchSpaceBuilder Float(string name, double low, double high, bool log = false) {
    OrderedDictionary param = Add(name, "float");
    param["low"] = low;
    param["high"] = high;
    if (log) param["log"] = true;
    return this;
  }

  /// <summary>An int parameter on the grid low, low + step, ... up to high.</summary>
  public SearchSpaceBuilder Int(string name, long low, long high, long step = 1) {
    OrderedDictionary param = Add(name, "int");
    param["low"] = low;
    param["high"] = high;
    param["step"] = step;
    return this;
  }

  /// <summary>A categorical parameter: strings, numbers or booleans.</summary>
  public SearchSpaceBuilder Categorical(string name, params object[] choices) {
    Add(name, "categorical")["choices"] = choices;
    return this;
  }

  /// <summary>
  /// Makes the last parameter conditional: active only when <paramref name="parent"/> (an
  /// earlier parameter) takes one of <paramref name="values"/>.
  /// </summary>
  public SearchSpaceBuilder When(string parent, params object[] values) {
    if (parameters.Count == 0) {
      throw new KolosalException(StatusCode.InvalidArgument,
                                 "search space: add a parameter before its condition");
    }
    OrderedDictionary last = parameters[parameters.Count - 1];
    if (!(last["condition"] is OrderedDictionary condition)) {
      condition = new OrderedDictionary();
      last["condition"] = condition;
    }
    condition[parent] = values;
    return this;
  }

  public SearchSpace Build() {
    var root = new OrderedDictionary {{"params", parameters}};
    return SearchSpace.FromJson(Kolosal.Json.Write(root));
  }

  private OrderedDictionary Add(string name, string type) {
    var param = new OrderedDictionary {{"name", name}, {"type", type}};
    parameters.Add(param);
    return param;
  }
}

/// <summary>
/// The study configuration of an <see cref="Optimizer"/> (docs/hpo.md):
/// <c>StudyConfig.Builder().MaxTrials(50).Strategy("TPE").RandomState(7).Build()</c>. The
/// library validates every key when the optimizer is created; an unknown key fails there with a
/// did-you-mean suggestion.
/// </summary>
public sealed class StudyConfig : JsonConfig {
  private StudyConfig(string json) : base(json) {}

  public static StudyConfigBuilder Builder() => new StudyConfigBuilder();

  /// <summary>A configuration from JSON text written elsewhere.</summary>
  public static StudyConfig FromJson(string json) => new StudyConfig(json);
}

/// <summary>Builds a <see cref="StudyConfig"/>; keys keep the order they were set in.</summary>
public sealed class StudyConfigBuilder : ObjectBuilder<StudyConfigBuilder> {

  internal StudyConfigBuilder() {}

  /// <summary>Trials in the whole study (a resumed study counts its old ones).</summary>
  public StudyConfigBuilder MaxTrials(long trials) => Set("max_trials", trials);
  /// <summary>Seconds from the optimizer's creation; 0 = none.</summary>
  public StudyConfigBuilder Timeout(double seconds) => Set("optimization_timeout", seconds);
  /// <summary>OPTUNA, TPE, GRID_SEARCH, RANDOM_SEARCH, BAYESIAN_OPTIMIZATION, ADAPTIVE, ...</summary>
  public StudyConfigBuilder Strategy(string strategy) => Set("optimization_strategy", strategy);
  /// <summary>"minimize" (the default) or "maximize".</summary>
  public StudyConfigBuilder Direction(string direction) => Set("direction", direction);
  public StudyConfigBuilder RandomState(long seed) => Set("random_state", seed);
  /// <summary>"median", "successive_halving", "hyperband" or "none".</summary>
  public StudyConfigBuilder Pruner(string pruner) => Set("pruner", pruner);
  /// <summary>Stop after this many trials without improvement (0 = off).</summary>
  public StudyConfigBuilder EarlyStoppingPatience(long trials) =>
      Set("early_stopping_patience", trials);
  /// <summary>The study's name inside its storage (resumed when it exists).</summary>
  public StudyConfigBuilder StudyName(string name) => Set("study_name", name);

  public StudyConfig Build() => StudyConfig.FromJson(Write() ?? "{}");
}

/// <summary>
/// What <see cref="TrainingEngine.Tune"/> does (the tune config of kolosal_train_engine_tune):
/// <c>TuneConfig.Builder().NTrials(30).Strategy("ADAPTIVE").StudyName("spam").Build()</c>. The
/// engine's model, fixed params, cv_folds and metric come from its TrainingConfig. Unknown keys
/// fail in Tune with a did-you-mean suggestion.
/// </summary>
public sealed class TuneConfig : JsonConfig {
  private TuneConfig(string json) : base(json) {}

  public static TuneConfigBuilder Builder() => new TuneConfigBuilder();

  /// <summary>A configuration from JSON text written elsewhere.</summary>
  public static TuneConfig FromJson(string json) => new TuneConfig(json);
}

/// <summary>Builds a <see cref="TuneConfig"/>; keys keep the order they were set in.</summary>
public sealed class TuneConfigBuilder : ObjectBuilder<TuneConfigBuilder> {

  internal TuneConfigBuilder() {}

  /// <summary>Trials to run in this call (default 20 unless MaxTrials is set).</summary>
  public TuneConfigBuilder NTrials(long trials) => Set("n_trials", trials);
  /// <summary>Trials in the whole study, earlier calls included (default: no cap).</summary>
  public TuneConfigBuilder MaxTrials(long trials) => Set("max_trials", trials);
  /// <summary>The space to search instead of the model's default one.</summary>
  public TuneConfigBuilder SearchSpace(SearchSpace space) =>
      Set("search_space", new Kolosal.Json.Raw(space.Json));
  public TuneConfigBuilder Strategy(string strategy) => Set("optimization_strategy", strategy);
  public TuneConfigBuilder Timeout(double seconds) => Set("optimization_timeout", seconds);
  public TuneConfigBuilder Pruner(string pruner) => Set("pruner", pruner);
  public TuneConfigBuilder StudyName(string name) => Set("study_name", name);
  public TuneConfigBuilder RandomState(long seed) => Set("random_state", seed);
  /// <summary>Trials run at a time.</summary>
  public TuneConfigBuilder ParallelTrials(int trials) => Set("n_jobs", trials);

  public TuneConfig Build() => TuneConfig.FromJson(Write() ?? "{}");
}

}  // namespace Kolosal
