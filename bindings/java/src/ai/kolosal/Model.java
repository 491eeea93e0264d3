package ai.kolosal;

import ai.kolosal.jni.KolosalC;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongFunction;

/**
 * A trained pipeline: preprocessing, model and metadata (kolosal_model). Immutable: any number
 * of threads may predict at once. Close it (try-with-resources); closing twice is safe, use
 * after close throws KolosalException FAILED_PRECONDITION, and closing while other threads
 * predict frees the model once their calls return.
 *
 * <p>Matrices are rows x cols, row-major unless a {@link Layout} says otherwise, with columns in
 * training order. float[] and double[] of up to 64 KiB are pinned for the call (no copy), larger
 * ones are copied (a pin would hold up the garbage collector for the whole call); direct
 * FloatBuffer / DoubleBuffer in native byte order are read in place, from position 0 to their
 * limit.
 */
public final class Model extends NativeResource {
  /** Cached kolosal_model_n_classes (a model never changes); -1 until first asked. */
  private volatile long classes = -1;

  Model(long handle) {
    super("Model", handle, KolosalC::kolosal_model_free);
  }

  /** Loads a model file (never runs code from the file). */
  public static Model load(String path) {
    return new Model(KolosalC.kolosal_model_load(path));
  }

  /** Loads a model from the bytes of {@link #toBytes()}. */
  public static Model fromBytes(byte[] bytes) {
    return new Model(KolosalC.kolosal_model_load_buffer(bytes));
  }

  /** Saves the model file (written atomically). */
  public void save(String path) {
    long handle = acquire();
    try {
      KolosalC.kolosal_model_save(handle, path);
    } finally {
      release();
    }
  }

  /** The model's bytes (deterministic for a given model). */
  public byte[] toBytes() {
    long handle = acquire();
    try {
      long size = KolosalC.kolosal_model_save_buffer(handle, null);
      byte[] bytes = new byte[Math.toIntExact(size)];
      KolosalC.kolosal_model_save_buffer(handle, bytes);
      return bytes;
    } finally {
      release();
    }
  }

  /** Metadata as JSON: model type, params, task, classes, features, metrics, version. */
  public String metadata() {
    long handle = acquire();
    try {
      return KolosalC.kolosal_model_metadata(handle);
    } finally {
      release();
    }
  }

  /** Number of input columns the model expects. */
  public long nFeatures() {
    long handle = acquire();
    try {
      return KolosalC.kolosal_model_n_features(handle);
    } finally {
      release();
    }
  }

  /** Number of classes (0 for regression). */
  public long nClasses() {
    long known = classes;
    if (known >= 0) {
      return known;
    }
    long handle = acquire();
    try {
      known = KolosalC.kolosal_model_n_classes(handle);
    } finally {
      release();
    }
    classes = known;
    return known;
  }

  /** The name of class classIndex (e.g. "spam"). */
  public String className(long classIndex) {
    long handle = acquire();
    try {
      return KolosalC.kolosal_model_class_name(handle, classIndex);
    } finally {
      release();
    }
  }

  /** All class names, by class index (empty for regression). */
  public List<String> classNames() {
    return allNames(nClasses(), this::className);
  }

  /** The name of input column featureIndex (training order). */
  public String featureName(long featureIndex) {
    long handle = acquire();
    try {
      return KolosalC.kolosal_model_feature_name(handle, featureIndex);
    } finally {
      release();
    }
  }

  /** All input column names, in training order. */
  public List<String> featureNames() {
    return allNames(nFeatures(), this::featureName);
  }

  private static List<String> allNames(long count, LongFunction<String> name) {
    List<String> names = new ArrayList<>();
    for (long index = 0; index < count; ++index) {
      names.add(name.apply(index));
    }
    return names;
  }

  /**
   * Importance per input column, in training order; the indicator columns of a one-hot encoded
   * column add up. GAIN and SPLIT are for tree models, COEFFICIENT for linear ones; another
   * type throws KolosalException UNSUPPORTED.
   */
  public float[] featureImportance(ImportanceType type) {
    long handle = acquire();
    try {
      float[] out = new float[Math.toIntExact(KolosalC.kolosal_model_n_features(handle))];
      KolosalC.kolosal_model_feature_importance(handle, type.code, out);
      return out;
    } finally {
      release();
    }
  }

  /**
   * Permutation importance on a labelled dataset, as JSON: per input column, the score's drop
   * when that column is shuffled ("features", "importances_mean", "importances_std", with
   * "metric" and "baseline"). configJson: null or {"metric", "n_repeats", "random_state",
   * "n_jobs"}.
   */
  public String permutationImportance(Dataset dataset, String configJson) {
    long handle = acquire();
    try {
      long data = dataset.acquire();
      try {
        return KolosalC.kolosal_model_permutation_importance(handle, data, configJson);
      } finally {
        dataset.release();
      }
    } finally {
      release();
    }
  }

  /** Permutation importance with accuracy or r2 and 5 repeats. */
  public String permutationImportance(Dataset dataset) {
    return permutationImportance(dataset, null);
  }

  /**
   * SHAP contributions on a dataset whose columns are matched by name: rows x outputs x
   * (nFeatures + 1) floats, row-major, where outputs is nClasses (1 for regression). Each block of
   * nFeatures + 1 holds one value per input column in training order, then the bias; the value
   * of (row, output, feature) is at (row * outputs + output) * (nFeatures + 1) + feature. A block
   * sums to the output before its link: the class's log-odds for gradient_boosting and
   * logistic_regression (a binary model's class 0 block is the negative of class 1's), the class
   * probability for decision_tree, random_forest and extra_trees, the prediction for regression.
   * A missing column throws KolosalException INVALID_ARGUMENT; a tree model file saved before
   * node covers were stored, UNSUPPORTED.
   */
  public float[] contributions(Dataset dataset) {
    long rows = dataset.rows();
    float[] out = new float[arraySize(rows, Math.max(nClasses(), 1) * (nFeatures() + 1))];
    long handle = acquire();
    try {
      long data = dataset.acquire();
      try {
        KolosalC.kolosal_model_predict_contributions(handle, data, out);
      } finally {
        dataset.release();
      }
    } finally {
      release();
    }
    return out;
  }

  // ---- predict: one value per row (the class index as a float, or the regression value) ----

  public float[] predict(float[] data, long rows, long cols) {
    return predictNew(data, rows, cols, false);
  }

  public float[] predict(double[] data, long rows, long cols) {
    return predictNew(data, rows, cols, false);
  }

  public float[] predict(FloatBuffer data, long rows, long cols) {
    return predictNew(atStart(data), rows, cols, false);
  }

  public float[] predict(DoubleBuffer data, long rows, long cols) {
    return predictNew(atStart(data), rows, cols, false);
  }

  /** Into a caller buffer of at least rows floats, with no allocation. */
  public void predict(float[] data, long rows, long cols, Layout layout, float[] out) {
    predictInto(data, rows, cols, layout, out, false);
  }

  public void predict(double[] data, long rows, long cols, Layout layout, float[] out) {
    predictInto(data, rows, cols, layout, out, false);
  }

  /** On a dataset whose columns are matched by name (extra columns are ignored). */
  public float[] predict(Dataset dataset) {
    return predictDataset(dataset, false);
  }

  // ---- predictProba: rows x nClasses probabilities, row-major ----

  public float[] predictProba(float[] data, long rows, long cols) {
    return predictNew(data, rows, cols, true);
  }

  public float[] predictProba(double[] data, long rows, long cols) {
    return predictNew(data, rows, cols, true);
  }

  public float[] predictProba(FloatBuffer data, long rows, long cols) {
    return predictNew(atStart(data), rows, cols, true);
  }

  public float[] predictProba(DoubleBuffer data, long rows, long cols) {
    return predictNew(atStart(data), rows, cols, true);
  }

  /** Into a caller buffer of at least rows x nClasses floats, with no allocation. */
  public void predictProba(float[] data, long rows, long cols, Layout layout, float[] out) {
    predictInto(data, rows, cols, layout, out, true);
  }

  public void predictProba(double[] data, long rows, long cols, Layout layout, float[] out) {
    predictInto(data, rows, cols, layout, out, true);
  }

  public float[] predictProba(Dataset dataset) {
    return predictDataset(dataset, true);
  }

  /** Scores the model on a labelled dataset with every applicable metric, as JSON. */
  public String evaluate(Dataset dataset) {
    long handle = acquire();
    try {
      long data = dataset.acquire();
      try {
        return KolosalC.kolosal_model_evaluate(handle, data);
      } finally {
        dataset.release();
      }
    } finally {
      release();
    }
  }

  private float[] predictNew(Object data, long rows, long cols, boolean proba) {
    float[] out = new float[outputSize(rows, proba)];
    predictInto(data, rows, cols, Layout.ROW_MAJOR, out, proba);
    return out;
  }

  private void predictInto(
      Object data, long rows, long cols, Layout layout, float[] out, boolean proba) {
    long handle = acquire();
    try {
      if (proba) {
        KolosalC.kolosal_model_predict_proba(handle, data, rows, cols, layout.code, out);
      } else {
        KolosalC.kolosal_model_predict(handle, data, rows, cols, layout.code, out);
      }
    } finally {
      release();
    }
  }

  private float[] predictDataset(Dataset dataset, boolean proba) {
    long rows = dataset.rows();
    float[] out = new float[outputSize(rows, proba)];
    long handle = acquire();
    try {
      long data = dataset.acquire();
      try {
        if (proba) {
          KolosalC.kolosal_model_predict_proba_dataset(handle, data, out);
        } else {
          KolosalC.kolosal_model_predict_dataset(handle, data, out);
        }
      } finally {
        dataset.release();
      }
    } finally {
      release();
    }
    return out;
  }

  /** rows, or rows x nClasses; a negative row count is left to the library to reject. */
  private int outputSize(long rows, boolean proba) {
    return arraySize(rows, proba ? Math.max(nClasses(), 1) : 1);
  }

  /** rows x valuesPerRow, as the length of one Java array. */
  static int arraySize(long rows, long valuesPerRow) {
    try {
      return Math.toIntExact(Math.multiplyExact(Math.max(rows, 0), valuesPerRow));
    } catch (ArithmeticException tooLarge) {
      throw new KolosalException(StatusCode.INVALID_ARGUMENT,
          rows + " rows do not fit in one Java array; predict in batches");
    }
  }

  static FloatBuffer atStart(FloatBuffer data) {
    return data == null || data.position() == 0 ? data : data.slice();
  }

  static DoubleBuffer atStart(DoubleBuffer data) {
    return data == null || data.position() == 0 ? data : data.slice();
  }
}
