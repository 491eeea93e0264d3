package ai.kolosal;

import java.util.Arrays;

/**
 * Options of the array form of {@link Dataset} (the options JSON of kolosal_dataset_from_dense):
 * feature names, target name, task and weight column.
 */
public final class DatasetOptions extends JsonConfig {
  private final Layout layout;

  private DatasetOptions(String json, Layout layout) {
    super(json);
    this.layout = layout;
  }

  /** Defaults: no names, row-major, task inferred. */
  static final DatasetOptions DEFAULT = new DatasetOptions("", Layout.ROW_MAJOR);

  public static Builder builder() {
    return new Builder();
  }

  /** Memory order of the matrix. */
  public Layout layout() {
    return layout;
  }

  /** Builds {@link DatasetOptions}. */
  public static final class Builder extends ObjectBuilder<Builder> {
    private Layout layout = Layout.ROW_MAJOR;

    private Builder() {}

    public Builder featureNames(String... names) {
      return set("feature_names", Arrays.asList(names));
    }

    public Builder targetName(String name) {
      return set("target_name", name);
    }

    /** "classification" or "regression" (inferred when absent). */
    public Builder task(String task) {
      return set("task", task);
    }

    /** The feature column that holds per-row training weights; it leaves the features. */
    public Builder weightColumn(String name) {
      return set("weight_column", name);
    }

    /** Memory order of the matrix (row-major by default). */
    public Builder layout(Layout order) {
      layout = order;
      return this;
    }

    @Override
    Builder self() {
      return this;
    }

    public DatasetOptions build() {
      return new DatasetOptions(write(), layout);
    }
  }
}
