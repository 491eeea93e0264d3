using System;
using System.Collections.Concurrent;
using Kolosal.Native;

namespace Kolosal {

/// <summary>
/// Serves named models to concurrent callers (kolosal_inference_engine): once a tree model
/// (gradient_boosting, random_forest, extra_trees, decision_tree) has had JitMinCalls calls of
/// at most JitMaxBatchRows rows, it is compiled to machine code in the background, and compiled
/// calls give exactly the floats <see cref="Model.Predict(float[], long, long)"/> and
/// <see cref="Model.PredictProba(float[], long, long)"/> give. Every member is thread-safe. Dispose
/// it (<c>using</c>); disposing twice is safe, use after Dispose() throws KolosalException
/// (FailedPrecondition), and disposing while other threads predict frees the engine once their
/// calls return (after waiting for compilations in flight).
/// <code>
/// using (var engine = new InferenceEngine(InferenceConfig.Builder().JitMinCalls(20).Build())) {
///   engine.AddModel("credit", model);
///   engine.Warmup("credit");                         // compile now rather than when hot
///   float[] proba = engine.PredictProba("credit", row, 1, row.Length);
///   using (Model served = engine.GetModel("credit")) Console.WriteLine(served.ClassNames()[0]);
///   Console.WriteLine(engine.Stats());
/// }
/// </code>
/// </summary>
/// <remarks>
/// Matrices are rows x cols, row-major unless a <see cref="Layout"/> says otherwise, with columns
/// in training order, as for <see cref="Model"/>. Arrays are pinned for the call (no copy).
/// </remarks>
public sealed class InferenceEngine : NativeResource {
  // The number of classes of each served name (0 for regression), to size PredictProba's output
  // without asking the engine on every call. Changed only under `changing`, together with the
  // native add, load or remove, so that it names exactly the models the engine serves.
  // Every add makes a new Served, so a prediction can tell whether its name changed hands while
  // it ran.
  private readonly ConcurrentDictionary<string, Served> classes =
      new ConcurrentDictionary<string, Served>();

  private sealed class Served {
    internal readonly long Classes;
    internal Served(long classes) { Classes = classes; }
  }
  private readonly object changing = new object();

  /// <summary>An engine with the library's defaults.</summary>
  public InferenceEngine() : this((string)null) {}

  /// <summary>An engine with the given configuration; keys and values are validated here.</summary>
  public InferenceEngine(InferenceConfig config) : this(config?.Json) {}

  /// <summary>An engine from configuration JSON (null or "" = defaults).</summary>
  public InferenceEngine(string configJson)
      : base("InferenceEngine", KolosalC.kolosal_inference_engine_create(configJson),
             KolosalC.kolosal_inference_engine_free) {}

  /// <summary>
  /// Serves <paramref name="model"/> under <paramref name="name"/>. The engine shares the model
  /// (no copy): disposing the Model afterwards is fine, the engine keeps serving it. An empty
  /// name or one already in use throws KolosalException (InvalidArgument).
  /// </summary>
  public void AddModel(string name, Model model) {
    if (model == null) throw new ArgumentNullException(nameof(model));
    IntPtr handle = Acquire();
    try {
      IntPtr modelHandle = model.Acquire();
      try {
        long modelClasses = model.NClasses;
        lock (changing) {
          KolosalC.kolosal_inference_engine_add_model(handle, name, modelHandle);
          classes[name] = new Served(modelClasses);
        }
      } finally {
        model.Release();
      }
    } finally {
      Release();
    }
  }

  /// <summary>
  /// Loads a model file (never runs code from the file) and serves it under
  /// <paramref name="name"/>. Io for a missing file, CorruptModel for a damaged one, and
  /// InvalidArgument for a name as in <see cref="AddModel"/>.
  /// </summary>
  /// <remarks>
  /// The engine reads the file itself (kolosal_inference_engine_load_model); the number of
  /// classes PredictProba needs is then read from the served model. Other adds, loads and removes
  /// wait for the file to be read; predictions do not.
  /// </remarks>
  public void LoadModel(string name, string path) {
    IntPtr handle = Acquire();
    try {
      lock (changing) {
        KolosalC.kolosal_inference_engine_load_model(handle, name, path);
        long modelClasses;
        try {
          modelClasses = ServedClasses(handle, name);
        } catch {
          // Served but unknown here: serve nothing rather than a model PredictProba cannot size.
          try {
            KolosalC.kolosal_inference_engine_remove_model(handle, name);
          } catch (KolosalException) {
            // The first error is the one to report.
          }
          throw;
        }
        classes[name] = new Served(modelClasses);
      }
    } finally {
      Release();
    }
  }

  /// <summary>The classes of the model served under name, from a handle freed at once.</summary>
  private static long ServedClasses(IntPtr handle, string name) {
    IntPtr model = KolosalC.kolosal_inference_engine_model(handle, name);
    try {
      return KolosalC.kolosal_model_n_classes(model);
    } finally {
      KolosalC.kolosal_model_free(model);
    }
  }

  /// <summary>
  /// The model served under <paramref name="name"/>, for its metadata, feature and class counts
  /// and names, or to predict with directly. It shares the served model (no copy) and stays valid
  /// after <see cref="RemoveModel"/> and after the engine is disposed; the caller disposes it
  /// (<c>using</c>), as a Model from <see cref="Model.Load"/>. An unknown name throws
  /// KolosalException (NotFound).
  /// </summary>
  public Model GetModel(string name) {
    IntPtr handle = Acquire();
    try {
      return new Model(KolosalC.kolosal_inference_engine_model(handle, name));
    } finally {
      Release();
    }
  }

  /// <summary>
  /// Stops serving <paramref name="name"/> and drops its compiled code; calls already running
  /// finish. An unknown name throws KolosalException (NotFound).
  /// </summary>
  public void RemoveModel(string name) {
    IntPtr handle = Acquire();
    try {
      lock (changing) {
        KolosalC.kolosal_inference_engine_remove_model(handle, name);
        classes.TryRemove(name, out Served removed);
      }
    } finally {
      Release();
    }
  }

  /// <summary>
  /// Compiles <paramref name="name"/> now and waits, so that its next calls already run compiled
  /// code. True when the model now runs compiled code; false when it stays interpreted (not a
  /// tree model, or the JIT is off). An unknown name throws KolosalException (NotFound).
  /// </summary>
  public bool Warmup(string name) {
    IntPtr handle = Acquire();
    try {
      return KolosalC.kolosal_inference_engine_warmup(handle, name) != 0;
    } finally {
      Release();
    }
  }

  /// <summary>
  /// Statistics as JSON: {"options", "jit_cache": {"capacity", "size", "hits", "misses",
  /// "insertions", "evictions", "code_bytes"}, "models": [{"name", "model_type", "calls", "rows",
  /// "compiled_calls", "interpreted_calls", "jit": {"state", "compilations", "compile_ms",
  /// "code_bytes", "error"}, "latency_us": {"count", "mean", "p50", "p90", "p99", "max"}}]}. The
  /// state is "interpreted", "compiling", "compiled", "evicted", "unsupported", "disabled" or
  /// "failed".
  /// </summary>
  public string Stats() {
    IntPtr handle = Acquire();
    try {
      return KolosalC.kolosal_inference_engine_stats(handle);
    } finally {
      Release();
    }
  }

  // ---- Predict: one value per row (class index as a float, or the regression value) ----
  // An unknown name throws KolosalException (NotFound), a wrong column count InvalidArgument.

  public float[] Predict(string name, float[] data, long rows, long cols) =>
      New(name, data, rows, cols, false);

  public float[] Predict(string name, double[] data, long rows, long cols) =>
      New(name, data, rows, cols, false);

  public float[] Predict(string name, float[,] data) => New(name, data, false);
  public float[] Predict(string name, double[,] data) => New(name, data, false);

  /// <summary>Into a caller buffer of at least rows floats, with no allocation.</summary>
  public void Predict(string name, float[] data, long rows, long cols, Layout layout,
                      float[] output) => Into(name, data, rows, cols, layout, output, false);

  public void Predict(string name, double[] data, long rows, long cols, Layout layout,
                      float[] output) => Into(name, data, rows, cols, layout, output, false);

  // ---- PredictProba: rows x NClasses probabilities, row-major ----
  // A regression model throws KolosalException (FailedPrecondition).

  public float[] PredictProba(string name, float[] data, long rows, long cols) =>
      New(name, data, rows, cols, true);

  public float[] PredictProba(string name, double[] data, long rows, long cols) =>
      New(name, data, rows, cols, true);

  public float[] PredictProba(string name, float[,] data) => New(name, data, true);
  public float[] PredictProba(string name, double[,] data) => New(name, data, true);

  /// <summary>Into a caller buffer of at least rows x NClasses floats, with no allocation.</summary>
  public void PredictProba(string name, float[] data, long rows, long cols, Layout layout,
                           float[] output) => Into(name, data, rows, cols, layout, output, true);

  public void PredictProba(string name, double[] data, long rows, long cols, Layout layout,
                           float[] output) => Into(name, data, rows, cols, layout, output, true);

  private float[] New(string name, float[] data, long rows, long cols, bool proba) =>
      Sized(name, rows, proba,
            output => Into(name, data, rows, cols, Layout.RowMajor, output, proba));

  private float[] New(string name, double[] data, long rows, long cols, bool proba) =>
      Sized(name, rows, proba,
            output => Into(name, data, rows, cols, Layout.RowMajor, output, proba));

  private unsafe float[] New(string name, float[,] data, bool proba) =>
      Sized(name, data.GetLength(0), proba, output => {
        fixed (float* values = data) {
          Raw(name, (IntPtr)values, kolosal_dtype.KOLOSAL_FLOAT32, data.GetLength(0),
              data.GetLength(1), Layout.RowMajor, output, proba);
        }
      });

  private unsafe float[] New(string name, double[,] data, bool proba) =>
      Sized(name, data.GetLength(0), proba, output => {
        fixed (double* values = data) {
          Raw(name, (IntPtr)values, kolosal_dtype.KOLOSAL_FLOAT64, data.GetLength(0),
              data.GetLength(1), Layout.RowMajor, output, proba);
        }
      });

  /// <summary>
  /// A new output of rows, or rows x the classes of <paramref name="name"/>, filled by
  /// <paramref name="predict"/>. A name this engine does not serve counts one value per row: the
  /// library then reports it (NotFound). When another model was served under the name while the
  /// call ran, the call may have used it, with another number of classes (too few for the
  /// output: an error; too many: rows of the wrong width): it predicts again.
  /// </summary>
  private bool Changed(string name, Served before) {
    classes.TryGetValue(name, out Served now);
    return !ReferenceEquals(now, before);
  }

  private float[] Sized(string name, long rows, bool proba, Action<float[]> predict) {
    while (true) {
      Served before = null;
      if (proba && name != null) classes.TryGetValue(name, out before);
      long perRow = before == null ? 1 : Math.Max(before.Classes, 1);
      var output = new float[Model.ArraySize(rows, perRow)];
      try {
        predict(output);
      } catch (KolosalException) when (proba && name != null && Changed(name, before)) {
        continue;  // too few values per row for the model served now
      }
      if (!proba || name == null || !Changed(name, before)) return output;
    }
  }

  private unsafe void Into(string name, float[] data, long rows, long cols, Layout layout,
                           float[] output, bool proba) {
    NativeArrays.CheckMatrix(data?.Length, rows, cols);
    fixed (float* values = data) {
      Raw(name, (IntPtr)values, kolosal_dtype.KOLOSAL_FLOAT32, rows, cols, layout, output, proba);
    }
  }

  private unsafe void Into(string name, double[] data, long rows, long cols, Layout layout,
                           float[] output, bool proba) {
    NativeArrays.CheckMatrix(data?.Length, rows, cols);
    fixed (double* values = data) {
      Raw(name, (IntPtr)values, kolosal_dtype.KOLOSAL_FLOAT64, rows, cols, layout, output, proba);
    }
  }

  /// <summary>The one place that calls predict; data is already pinned.</summary>
  private unsafe void Raw(string name, IntPtr data, kolosal_dtype dtype, long rows, long cols,
                          Layout layout, float[] output, bool proba) {
    IntPtr handle = Acquire();
    try {
      fixed (float* outputs = output) {
        long capacity = output?.Length ?? 0;
        if (proba) {
          KolosalC.kolosal_inference_engine_predict_proba(handle, name, data, dtype, rows, cols,
                                                          (kolosal_layout)layout, (IntPtr)outputs,
                                                          capacity);
        } else {
          KolosalC.kolosal_inference_engine_predict(handle, name, data, dtype, rows, cols,
                                                    (kolosal_layout)layout, (IntPtr)outputs,
                                                    capacity);
        }
      }
    } finally {
      Release();
    }
  }
}

}  // namespace Kolosal
