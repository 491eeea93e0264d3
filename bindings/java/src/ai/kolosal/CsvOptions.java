package ai.kolosal;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Options of {@link Dataset#fromCsv(String, CsvOptions)} (the options JSON of
 * kolosal_dataset_from_csv): {@code CsvOptions.builder().target("type").build()}.
 * Without a target the dataset has no labels (for prediction).
 */
public final class CsvOptions {
  private final String json;

  private CsvOptions(String json) {
    this.json = json;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Shorthand for builder().target(column).build(). */
  public static CsvOptions target(String column) {
    return builder().target(column).build();
  }

  public String toJson() {
    return json;
  }

  @Override
  public String toString() {
    return json;
  }

  /** Builds {@link CsvOptions}. */
  public static final class Builder {
    private final Map<String, Object> root = new LinkedHashMap<>();
    private final Map<String, Object> columnTypes = new LinkedHashMap<>();

    private Builder() {}

    public Builder target(String column) {
      return set("target", column);
    }

    /** "classification" or "regression" (inferred when absent). */
    public Builder task(String task) {
      return set("task", task);
    }

    public Builder delimiter(char delimiter) {
      return set("delimiter", String.valueOf(delimiter));
    }

    public Builder hasHeader(boolean hasHeader) {
      return set("has_header", hasHeader);
    }

    public Builder missingValues(String... markers) {
      return set("missing_values", Arrays.asList(markers));
    }

    /** "numeric" or "categorical" for one column. */
    public Builder columnType(String column, String type) {
      columnTypes.put(column, type);
      return this;
    }

    public Builder dropColumns(String... columns) {
      return set("drop_columns", Arrays.asList(columns));
    }

    public Builder maxRows(long rows) {
      return set("max_rows", rows);
    }

    /** Any other key. */
    public Builder set(String key, Object value) {
      root.put(key, value);
      return this;
    }

    public CsvOptions build() {
      Map<String, Object> all = new LinkedHashMap<>(root);
      if (!columnTypes.isEmpty()) {
        all.put("column_types", new LinkedHashMap<>(columnTypes));
      }
      return new CsvOptions(Json.write(all));
    }
  }
}
