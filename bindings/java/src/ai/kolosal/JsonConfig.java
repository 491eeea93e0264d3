package ai.kolosal;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * JSON text handed to the library as a config or options argument. The library checks it when
 * the call that takes it runs: an unknown key fails there with a did-you-mean suggestion.
 */
public abstract class JsonConfig {
  private final String json;

  JsonConfig(String json) {
    this.json = json;
  }

  /** The JSON text handed to the library. */
  public String toJson() {
    return json;
  }

  @Override
  public String toString() {
    return json;
  }

  /**
   * Builds a JSON object whose keys keep the order they were set in.
   *
   * @param <B> the concrete builder, returned by every setter for chaining
   */
  public abstract static class ObjectBuilder<B extends ObjectBuilder<B>> {
    private final Map<String, Object> root = new LinkedHashMap<>();

    ObjectBuilder() {}

    /** Any other key (strings, numbers, booleans, lists and maps). */
    public B set(String key, Object value) {
      root.put(key, value);
      return self();
    }

    abstract B self();

    /** The keys set so far, then each non-empty nested map under its name. */
    @SafeVarargs
    final String write(Map.Entry<String, Map<String, Object>>... nested) {
      Map<String, Object> all = new LinkedHashMap<>(root);
      for (Map.Entry<String, Map<String, Object>> entry : nested) {
        if (!entry.getValue().isEmpty()) {
          all.put(entry.getKey(), new LinkedHashMap<>(entry.getValue()));
        }
      }
      return Json.write(all);
    }
  }
}
