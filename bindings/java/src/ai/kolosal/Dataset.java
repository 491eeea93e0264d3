package ai.kolosal;

import ai.kolosal.jni.KolosalC;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;

/**
 * A table of features, optionally with labels (kolosal_dataset). Immutable and safe to read from
 * many threads. Close it (try-with-resources); closing twice is safe, use after close throws
 * KolosalException FAILED_PRECONDITION.
 */
public final class Dataset extends NativeResource {
  Dataset(long handle) {
    super("Dataset", handle, KolosalC::kolosal_dataset_free);
  }

  /** Reads a CSV file without labels (for prediction). */
  public static Dataset fromCsv(String path) {
    return new Dataset(KolosalC.kolosal_dataset_from_csv(path, null));
  }

  /** Reads a CSV file; options name the target, delimiter, missing markers, column types. */
  public static Dataset fromCsv(String path, CsvOptions options) {
    return new Dataset(KolosalC.kolosal_dataset_from_csv(path, options.toJson()));
  }

  /** A dataset without labels from a row-major rows x cols matrix (copied; NaN = missing). */
  public static Dataset fromArray(float[] data, long rows, long cols) {
    return fromMatrix(data, rows, cols, null, DatasetOptions.DEFAULT);
  }

  /** As {@link #fromArray(float[], long, long)}, from doubles. */
  public static Dataset fromArray(double[] data, long rows, long cols) {
    return fromMatrix(data, rows, cols, null, DatasetOptions.DEFAULT);
  }

  /** A labelled dataset: labels are class indices (classification) or values (regression). */
  public static Dataset fromArray(float[] data, long rows, long cols, float[] labels) {
    return fromMatrix(data, rows, cols, labels, DatasetOptions.DEFAULT);
  }

  /** As {@link #fromArray(float[], long, long, float[])}, from doubles. */
  public static Dataset fromArray(double[] data, long rows, long cols, double[] labels) {
    return fromMatrix(data, rows, cols, labels, DatasetOptions.DEFAULT);
  }

  /** The general form; labels may be null. */
  public static Dataset fromArray(
      float[] data, long rows, long cols, float[] labels, DatasetOptions options) {
    return fromMatrix(data, rows, cols, labels, options);
  }

  /** The general form, from doubles; labels may be null. */
  public static Dataset fromArray(
      double[] data, long rows, long cols, double[] labels, DatasetOptions options) {
    return fromMatrix(data, rows, cols, labels, options);
  }

  /** From a direct FloatBuffer in native byte order (position 0); labels may be null. */
  public static Dataset fromBuffer(
      FloatBuffer data, long rows, long cols, float[] labels, DatasetOptions options) {
    return fromMatrix(data, rows, cols, labels, options);
  }

  /** From a direct DoubleBuffer in native byte order (position 0); labels may be null. */
  public static Dataset fromBuffer(
      DoubleBuffer data, long rows, long cols, double[] labels, DatasetOptions options) {
    return fromMatrix(data, rows, cols, labels, options);
  }

  private static Dataset fromMatrix(
      Object data, long rows, long cols, Object labels, DatasetOptions options) {
    String json = options.toJson().isEmpty() ? null : options.toJson();
    return new Dataset(
        KolosalC.kolosal_dataset_from_dense(data, rows, cols, options.layout().code, labels, json));
  }

  /** Number of rows. */
  public long rows() {
    long handle = acquire();
    try {
      return KolosalC.kolosal_dataset_n_rows(handle);
    } finally {
      release();
    }
  }

  /** Number of feature columns (the target is not counted). */
  public long cols() {
    long handle = acquire();
    try {
      return KolosalC.kolosal_dataset_n_cols(handle);
    } finally {
      release();
    }
  }

  /** A JSON description: rows, columns (name, type, missing, categories), task, classes. */
  public String describe() {
    long handle = acquire();
    try {
      return KolosalC.kolosal_dataset_describe(handle);
    } finally {
      release();
    }
  }

  /** The labels: class indices for classification, values for regression. */
  public float[] labels() {
    long handle = acquire();
    try {
      float[] out = new float[Math.toIntExact(KolosalC.kolosal_dataset_n_rows(handle))];
      KolosalC.kolosal_dataset_labels(handle, out);
      return out;
    } finally {
      release();
    }
  }

  /**
   * A seeded train/test split (stratified for classification).
   *
   * @return {train, test}; close both
   */
  public Dataset[] trainTestSplit(double testFraction, long seed) {
    long handle = acquire();
    try {
      long[] parts = KolosalC.kolosal_dataset_train_test_split(handle, testFraction, seed);
      return new Dataset[] {new Dataset(parts[0]), new Dataset(parts[1])};
    } finally {
      release();
    }
  }
}
