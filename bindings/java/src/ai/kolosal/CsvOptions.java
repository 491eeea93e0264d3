package ai.kolosal;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Options of {@link Dataset#fromCsv(String, CsvOptions)} (the options JSON of
 * kolosal_dataset_from_csv): {@code CsvOptions.builder().target("type").build()}.
 * Without a target the dataset has no labels (for prediction).
 */
public final class CsvOptions extends JsonConfig {
  private CsvOptions(String json) {
    super(json);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Shorthand for builder().target(column).build(). */
  public static CsvOptions target(String column) {
    return builder().target(column).build();
  }

  /** Builds {@link CsvOptions}. */
  public static final class Builder extends ObjectBuilder<Builder> {
    private final Map<String, Object> columnTypes = new LinkedHashMap<>();

    private Builder() {}

    public Builder target(String column) {
      return set("target", column);
    }

    /** A numeric column of per-row training weights (needs a target); it leaves the features. */
    public Builder weightColumn(String column) {
      return set("weight_column", column);
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

    @Override
    Builder self() {
      return this;
    }

    public CsvOptions build() {
      return new CsvOptions(write(Map.entry("column_types", columnTypes)));
    }
  }
}
