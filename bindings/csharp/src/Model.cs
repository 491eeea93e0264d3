using System;
using System.Collections.Generic;
using Kolosal.Native;

namespace Kolosal {

/// <summary>
/// A trained pipeline: preprocessing, model and metadata (kolosal_model). Immutable: any number
/// of threads may predict at once. Dispose it (<c>using</c>); disposing twice is safe, use after
/// Dispose() throws KolosalException (FailedPrecondition), and disposing while other threads
/// predict frees the model once their calls return.
/// </summary>
/// <remarks>
/// Matrices are rows x cols, row-major unless a <see cref="Layout"/> says otherwise, with columns
/// in training order. Arrays are pinned for the call (no copy).
/// </remarks>
public sealed class Model : NativeResource {
  private long classes = -1;  // kolosal_model_n_classes, cached: a model never changes

  internal Model(IntPtr handle) : base("Model", handle, KolosalC.kolosal_model_free) {}

  /// <summary>Loads a model file (never runs code from the file).</summary>
  public static Model Load(string path) => new Model(KolosalC.kolosal_model_load(path));

  /// <summary>Loads a model from the bytes of <see cref="ToBytes"/>.</summary>
  public static unsafe Model FromBytes(byte[] bytes) {
    fixed (byte* data = bytes) {
      return new Model(KolosalC.kolosal_model_load_buffer((IntPtr)data, bytes?.Length ?? 0));
    }
  }

  /// <summary>Saves the model file (written atomically).</summary>
  public void Save(string path) {
    IntPtr handle = Acquire();
    try {
      KolosalC.kolosal_model_save(handle, path);
    } finally {
      Release();
    }
  }

  /// <summary>The model's bytes (deterministic for a given model).</summary>
  public unsafe byte[] ToBytes() {
    IntPtr handle = Acquire();
    try {
      long size = KolosalC.kolosal_model_save_buffer(handle, IntPtr.Zero, 0);
      var bytes = new byte[size];
      fixed (byte* buffer = bytes) {
        KolosalC.kolosal_model_save_buffer(handle, (IntPtr)buffer, bytes.Length);
      }
      return bytes;
    } finally {
      Release();
    }
  }

  /// <summary>Metadata as JSON: model type, params, task, classes, features, metrics.</summary>
  public string Metadata() {
    IntPtr handle = Acquire();
    try {
      return KolosalC.kolosal_model_metadata(handle);
    } finally {
      Release();
    }
  }

  /// <summary>Number of input columns the model expects.</summary>
  public long NFeatures {
    get {
      IntPtr handle = Acquire();
      try {
        return KolosalC.kolosal_model_n_features(handle);
      } finally {
        Release();
      }
    }
  }

  /// <summary>Number of classes (0 for regression).</summary>
  public long NClasses {
    get {
      long known = System.Threading.Interlocked.Read(ref classes);
      if (known >= 0) return known;
      IntPtr handle = Acquire();
      try {
        known = KolosalC.kolosal_model_n_classes(handle);
      } finally {
        Release();
      }
      System.Threading.Interlocked.Exchange(ref classes, known);
      return known;
    }
  }

  /// <summary>The name of a class (e.g. "spam").</summary>
  public string ClassName(long classIndex) {
    IntPtr handle = Acquire();
    try {
      return KolosalC.kolosal_model_class_name(handle, classIndex);
    } finally {
      Release();
    }
  }

  /// <summary>All class names, by class index (empty for regression).</summary>
  public IReadOnlyList<string> ClassNames() => AllNames(NClasses, ClassName);

  /// <summary>The name of input column featureIndex (training order).</summary>
  public string FeatureName(long featureIndex) {
    IntPtr handle = Acquire();
    try {
      return KolosalC.kolosal_model_feature_name(handle, featureIndex);
    } finally {
      Release();
    }
  }

  /// <summary>All input column names, in training order.</summary>
  public IReadOnlyList<string> FeatureNames() => AllNames(NFeatures, FeatureName);

  private static IReadOnlyList<string> AllNames(long count, Func<long, string> name) {
    var names = new List<string>();
    for (long index = 0; index < count; ++index) names.Add(name(index));
    return names;
  }

  /// <summary>
  /// Importance per input column, in training order; the indicator columns of a one-hot encoded
  /// column add up. Gain and Split are for tree models, Coefficient for linear ones; another type
  /// throws KolosalException (Unsupported).
  /// </summary>
  public unsafe float[] FeatureImportance(ImportanceType type) {
    IntPtr handle = Acquire();
    try {
      var output = new float[KolosalC.kolosal_model_n_features(handle)];
      fixed (float* values = output) {
        KolosalC.kolosal_model_feature_importance(handle, (kolosal_importance_type)type,
                                                  (IntPtr)values, output.Length);
      }
      return output;
    } finally {
      Release();
    }
  }

  /// <summary>
  /// Permutation importance on a labelled dataset, as JSON: per input column, the score's drop
  /// when that column is shuffled ("features", "importances_mean", "importances_std", with
  /// "metric" and "baseline"). configJson: null or {"metric", "n_repeats", "random_state",
  /// "n_jobs"}.
  /// </summary>
  public string PermutationImportance(Dataset dataset, string configJson = null) {
    IntPtr handle = Acquire();
    try {
      IntPtr data = dataset.Acquire();
      try {
        return KolosalC.kolosal_model_permutation_importance(handle, data, configJson);
      } finally {
        dataset.Release();
      }
    } finally {
      Release();
    }
  }

  /// <summary>
  /// SHAP contributions on a dataset whose columns are matched by name: rows x outputs x
  /// (NFeatures + 1) floats, row-major, where outputs is NClasses (1 for regression). Each block
  /// of NFeatures + 1 holds one value per input column in training order, then the bias; the
  /// value of (row, output, feature) is at (row * outputs + output) * (NFeatures + 1) + feature.
  /// A block sums to the output before its link: the class's log-odds for gradient_boosting and
  /// logistic_regression (a binary model's class 0 block is the negative of class 1's), the
  /// class probability for decision_tree, random_forest and extra_trees, the prediction for
  /// regression. A missing column throws KolosalException (InvalidArgument); a tree model file
  /// saved before node covers were stored, Unsupported.
  /// </summary>
  public unsafe float[] Contributions(Dataset dataset) {
    var output = new float[ArraySize(dataset.Rows, Math.Max(NClasses, 1) * (NFeatures + 1))];
    IntPtr handle = Acquire();
    try {
      IntPtr data = dataset.Acquire();
      try {
        fixed (float* outputs = output) {
          KolosalC.kolosal_model_predict_contributions(handle, data, (IntPtr)outputs,
                                                       output.Length);
        }
      } finally {
        dataset.Release();
      }
    } finally {
      Release();
    }
    return output;
  }

  // ---- Predict: one value per row (class index as a float, or the regression value) ----

  public float[] Predict(float[] data, long rows, long cols) => New(data, rows, cols, false);
  public float[] Predict(double[] data, long rows, long cols) => New(data, rows, cols, false);
  public float[] Predict(float[,] data) => New(data, false);
  public float[] Predict(double[,] data) => New(data, false);

  /// <summary>Into a caller buffer of at least rows floats, with no allocation.</summary>
  public void Predict(float[] data, long rows, long cols, Layout layout, float[] output) =>
      Into(data, rows, cols, layout, output, false);

  public void Predict(double[] data, long rows, long cols, Layout layout, float[] output) =>
      Into(data, rows, cols, layout, output, false);

  /// <summary>On a dataset whose columns are matched by name (extra columns are ignored).</summary>
  public float[] Predict(Dataset dataset) => OnDataset(dataset, false);

  // ---- PredictProba: rows x NClasses probabilities, row-major ----

  public float[] PredictProba(float[] data, long rows, long cols) => New(data, rows, cols, true);
  public float[] PredictProba(double[] data, long rows, long cols) => New(data, rows, cols, true);
  public float[] PredictProba(float[,] data) => New(data, true);
  public float[] PredictProba(double[,] data) => New(data, true);

  /// <summary>Into a caller buffer of at least rows x NClasses floats, with no allocation.</summary>
  public void PredictProba(float[] data, long rows, long cols, Layout layout, float[] output) =>
      Into(data, rows, cols, layout, output, true);

  public void PredictProba(double[] data, long rows, long cols, Layout layout, float[] output) =>
      Into(data, rows, cols, layout, output, true);

  public float[] PredictProba(Dataset dataset) => OnDataset(dataset, true);

  /// <summary>Scores the model on a labelled dataset with every applicable metric, as JSON.</summary>
  public string Evaluate(Dataset dataset) {
    IntPtr handle = Acquire();
    try {
      IntPtr data = dataset.Acquire();
      try {
        return KolosalC.kolosal_model_evaluate(handle, data);
      } finally {
        dataset.Release();
      }
    } finally {
      Release();
    }
  }

  private float[] New(float[] data, long rows, long cols, bool proba) {
    var output = new float[OutputSize(rows, proba)];
    Into(data, rows, cols, Layout.RowMajor, output, proba);
    return output;
  }

  private float[] New(double[] data, long rows, long cols, bool proba) {
    var output = new float[OutputSize(rows, proba)];
    Into(data, rows, cols, Layout.RowMajor, output, proba);
    return output;
  }

  private unsafe float[] New(float[,] data, bool proba) {
    var output = new float[OutputSize(data.GetLength(0), proba)];
    fixed (float* values = data) {
      Raw((IntPtr)values, kolosal_dtype.KOLOSAL_FLOAT32, data.GetLength(0), data.GetLength(1),
          Layout.RowMajor, output, proba);
    }
    return output;
  }

  private unsafe float[] New(double[,] data, bool proba) {
    var output = new float[OutputSize(data.GetLength(0), proba)];
    fixed (double* values = data) {
      Raw((IntPtr)values, kolosal_dtype.KOLOSAL_FLOAT64, data.GetLength(0), data.GetLength(1),
          Layout.RowMajor, output, proba);
    }
    return output;
  }

  private unsafe void Into(float[] data, long rows, long cols, Layout layout, float[] output,
                           bool proba) {
    NativeArrays.CheckMatrix(data?.Length, rows, cols);
    fixed (float* values = data) {
      Raw((IntPtr)values, kolosal_dtype.KOLOSAL_FLOAT32, rows, cols, layout, output, proba);
    }
  }

  private unsafe void Into(double[] data, long rows, long cols, Layout layout, float[] output,
                           bool proba) {
    NativeArrays.CheckMatrix(data?.Length, rows, cols);
    fixed (double* values = data) {
      Raw((IntPtr)values, kolosal_dtype.KOLOSAL_FLOAT64, rows, cols, layout, output, proba);
    }
  }

  /// <summary>The one place that calls predict; data is already pinned.</summary>
  private unsafe void Raw(IntPtr data, kolosal_dtype dtype, long rows, long cols, Layout layout,
                          float[] output, bool proba) {
    IntPtr handle = Acquire();
    try {
      fixed (float* outputs = output) {
        long capacity = output?.Length ?? 0;
        if (proba) {
          KolosalC.kolosal_model_predict_proba(handle, data, dtype, rows, cols,
                                               (kolosal_layout)layout, (IntPtr)outputs, capacity);
        } else {
          KolosalC.kolosal_model_predict(handle, data, dtype, rows, cols, (kolosal_layout)layout,
                                         (IntPtr)outputs, capacity);
        }
      }
    } finally {
      Release();
    }
  }

  private unsafe float[] OnDataset(Dataset dataset, bool proba) {
    var output = new float[OutputSize(dataset.Rows, proba)];
    IntPtr handle = Acquire();
    try {
      IntPtr data = dataset.Acquire();
      try {
        fixed (float* outputs = output) {
          if (proba) {
            KolosalC.kolosal_model_predict_proba_dataset(handle, data, (IntPtr)outputs,
                                                         output.Length);
          } else {
            KolosalC.kolosal_model_predict_dataset(handle, data, (IntPtr)outputs, output.Length);
          }
        }
      } finally {
        dataset.Release();
      }
    } finally {
      Release();
    }
    return output;
  }

  /// <summary>rows, or rows x NClasses; a negative row count is left to the library.</summary>
  private long OutputSize(long rows, bool proba) {
    return ArraySize(rows, proba ? Math.Max(NClasses, 1) : 1);
  }

  /// <summary>
  /// rows x valuesPerRow, the length of one output array; KolosalException (InvalidArgument)
  /// when that overflows or is more than one array can hold.
  /// </summary>
  internal static long ArraySize(long rows, long valuesPerRow) {
    long size;
    try {
      size = checked(Math.Max(rows, 0) * valuesPerRow);
    } catch (OverflowException) {
      size = long.MaxValue;
    }
    if (size > int.MaxValue) {
      throw new KolosalException(StatusCode.InvalidArgument,
                                 rows + " rows x " + valuesPerRow +
                                     " values do not fit in one array; predict in batches");
    }
    return size;
  }
}

}  // namespace Kolosal
