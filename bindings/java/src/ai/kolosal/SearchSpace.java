package ai.kolosal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A hyperparameter search space (the JSON of kolosal_optimizer_create, docs/hpo.md), built with
 * {@code SearchSpace.builder().floatParam("x", -5, 5).intParam("n", 1, 9)
 * .categorical("kernel", "rbf", "linear").logFloatParam("gamma", 1e-4, 1).when("kernel", "rbf")
 * .build()}. The library validates it when an optimizer is created (low above high, log with a
 * non-positive bound and unknown keys are errors there).
 */
public final class SearchSpace extends JsonConfig {
  private SearchSpace(String json) {
    super(json);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A space from JSON text written elsewhere ({"params": [...]}). */
  public static SearchSpace fromJson(String json) {
    return new SearchSpace(json);
  }

  /** Builds a {@link SearchSpace}; parameters keep the order they were added in. */
  public static final class Builder {
    private final List<Map<String, Object>> params = new ArrayList<>();

    private Builder() {}

    /** A float parameter, uniform in [low, high]. */
    public Builder floatParam(String name, double low, double high) {
      return add(name, "float").bounds(low, high);
    }

    /** A float parameter, log-uniform in [low, high] (low must be positive). */
    public Builder logFloatParam(String name, double low, double high) {
      floatParam(name, low, high);
      last().put("log", true);
      return this;
    }

    /** An int parameter in [low, high]. */
    public Builder intParam(String name, long low, long high) {
      return add(name, "int").bounds(low, high);
    }

    /** An int parameter on the grid low, low + step, ... up to high. */
    public Builder intParam(String name, long low, long high, long step) {
      intParam(name, low, high);
      last().put("step", step);
      return this;
    }

    /** A categorical parameter: strings, numbers or booleans. */
    public Builder categorical(String name, Object... choices) {
      add(name, "categorical");
      last().put("choices", Arrays.asList(choices));
      return this;
    }

    /**
     * Makes the last parameter conditional: active only when {@code parent} (an earlier
     * parameter) takes one of {@code values}. Several calls add several parents.
     */
    @SuppressWarnings("unchecked")
    public Builder when(String parent, Object... values) {
      Map<String, Object> condition = (Map<String, Object>) last().computeIfAbsent(
          "condition", key -> new LinkedHashMap<String, Object>());
      condition.put(parent, Arrays.asList(values));
      return this;
    }

    public SearchSpace build() {
      Map<String, Object> root = new LinkedHashMap<>();
      root.put("params", params);
      return new SearchSpace(Json.write(root));
    }

    private Builder add(String name, String type) {
      Map<String, Object> param = new LinkedHashMap<>();
      param.put("name", name);
      param.put("type", type);
      params.add(param);
      return this;
    }

    private Builder bounds(Object low, Object high) {
      last().put("low", low);
      last().put("high", high);
      return this;
    }

    private Map<String, Object> last() {
      if (params.isEmpty()) {
        throw new KolosalException(
            StatusCode.INVALID_ARGUMENT, "search space: add a parameter before its options");
      }
      return params.get(params.size() - 1);
    }
  }
}
