package ai.kolosal;

import ai.kolosal.jni.KolosalC;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Serves named models to concurrent callers (kolosal_inference_engine). Once a tree model
 * (gradient_boosting, random_forest, extra_trees, decision_tree) has had jitMinCalls calls of at
 * most jitMaxBatchRows rows, it is compiled to machine code in the background; compiled calls
 * give exactly the floats {@link Model#predict} and {@link Model#predictProba} give.
 *
 * <pre>{@code
 * try (InferenceEngine engine = new InferenceEngine(InferenceConfig.builder().jitMinCalls(20)
 *          .build())) {
 *   engine.loadModel("credit", "credit.kolosal");
 *   engine.warmup("credit");                            // compile now rather than after 20 calls
 *   float[] proba = engine.predictProba("credit", row, 1, row.length);
 *   System.out.println(engine.stats());                 // JSON: calls, JIT state, latency
 * }
 * }</pre>
 *
 * <p>Every method is thread-safe: any number of threads may predict at once, on one model or
 * many, while others add or remove models. Closing twice is safe; use after close throws
 * KolosalException FAILED_PRECONDITION, and closing while other threads predict frees the
 * engine once their calls return. An unknown name throws KolosalException NOT_FOUND. Inputs
 * are passed as {@link Model}'s are: rows x cols, row-major unless a {@link Layout} says
 * otherwise, float[] and double[] pinned or copied, direct buffers read in place.
 */
public final class InferenceEngine extends NativeResource {
  /**
   * The class count of each name served (0 for regression), which sizes predictProba's output.
   * Adding and removing update it together with the engine, under its lock. Every add makes a
   * new Served, so a prediction can tell whether its name changed hands while it ran.
   */
  private final Map<String, Served> classes = new ConcurrentHashMap<>();

  private static final class Served {
    final long classes;

    Served(long classes) {
      this.classes = classes;
    }
  }

  /** An engine with the library's defaults. */
  public InferenceEngine() {
    this((String) null);
  }

  /** An engine with the given configuration, validated here. */
  public InferenceEngine(InferenceConfig config) {
    this(config == null ? null : config.toJson());
  }

  /** An engine from configuration JSON (null or "" = defaults). */
  public InferenceEngine(String configJson) {
    super("InferenceEngine", KolosalC.kolosal_inference_engine_create(configJson),
        KolosalC::kolosal_inference_engine_free);
  }

  /**
   * Serves model under name. The engine shares the model (no copy): closing the Model
   * afterwards is fine. A name already in use, or an empty one, throws INVALID_ARGUMENT.
   */
  public void addModel(String name, Model model) {
    long handle = acquire();
    try {
      serve(handle, name, model);
    } finally {
      release();
    }
  }

  /**
   * Loads a model file and serves it under name. Throws IO or CORRUPT_MODEL for a bad file and
   * INVALID_ARGUMENT for a bad name, as kolosal_inference_engine_load_model.
   */
  public void loadModel(String name, String path) {
    long handle = acquire();
    try {
      // The load runs under the lock, like add_model in serve(): a removeModel or addModel of the
      // same name cannot come between it and reading the class count, which is then the served
      // model's.
      synchronized (classes) {
        KolosalC.kolosal_inference_engine_load_model(handle, name, path);
        try (Model served = new Model(KolosalC.kolosal_inference_engine_model(handle, name))) {
          classes.put(name, new Served(served.nClasses()));
        } catch (RuntimeException | Error error) {
          unserve(handle, name, error);
          throw error;
        }
      }
    } finally {
      release();
    }
  }

  /** Takes back a model whose class count could not be read, so that none is half-registered. */
  private static void unserve(long handle, String name, Throwable cause) {
    try {
      KolosalC.kolosal_inference_engine_remove_model(handle, name);
    } catch (RuntimeException | Error suppressed) {
      cause.addSuppressed(suppressed);
    }
  }

  /**
   * The model served under name, sharing it (no copy): for its metadata, feature and class
   * counts and names, or to predict with directly. It stays valid after removeModel(name). The
   * caller owns it: close it (try-with-resources). An unknown name throws NOT_FOUND.
   */
  public Model model(String name) {
    long handle = acquire();
    try {
      return new Model(KolosalC.kolosal_inference_engine_model(handle, name));
    } finally {
      release();
    }
  }

  private void serve(long handle, String name, Model model) {
    long modelClasses = model.nClasses();
    long modelHandle = model.acquire();
    try {
      synchronized (classes) {
        KolosalC.kolosal_inference_engine_add_model(handle, name, modelHandle);
        classes.put(name, new Served(modelClasses));
      }
    } finally {
      model.release();
    }
  }

  /** Stops serving name and drops its compiled code; calls already running finish. */
  public void removeModel(String name) {
    long handle = acquire();
    try {
      synchronized (classes) {
        KolosalC.kolosal_inference_engine_remove_model(handle, name);
        classes.remove(name);
      }
    } finally {
      release();
    }
  }

  /**
   * Compiles name's model now and waits, so that its next calls run compiled code. True when it
   * runs compiled code, false when it stays interpreted (not a tree model, or the JIT is off).
   */
  public boolean warmup(String name) {
    long handle = acquire();
    try {
      return KolosalC.kolosal_inference_engine_warmup(handle, name) != 0;
    } finally {
      release();
    }
  }

  /**
   * Statistics as JSON: {"options", "jit_cache": {"capacity", "size", "hits", "misses",
   * "insertions", "evictions", "code_bytes"}, "models": [{"name", "model_type", "calls", "rows",
   * "compiled_calls", "interpreted_calls", "jit": {"state", "compilations", "compile_ms",
   * "code_bytes", "error"}, "latency_us": {"count", "mean", "p50", "p90", "p99", "max"}}]}. The
   * state is "interpreted", "compiling", "compiled", "evicted", "unsupported", "disabled" or
   * "failed".
   */
  public String stats() {
    long handle = acquire();
    try {
      return KolosalC.kolosal_inference_engine_stats(handle);
    } finally {
      release();
    }
  }

  // ---- predict: one value per row (the class index as a float, or the regression value) ----

  public float[] predict(String name, float[] data, long rows, long cols) {
    return predictNew(name, data, rows, cols, false);
  }

  public float[] predict(String name, double[] data, long rows, long cols) {
    return predictNew(name, data, rows, cols, false);
  }

  public float[] predict(String name, FloatBuffer data, long rows, long cols) {
    return predictNew(name, Model.atStart(data), rows, cols, false);
  }

  public float[] predict(String name, DoubleBuffer data, long rows, long cols) {
    return predictNew(name, Model.atStart(data), rows, cols, false);
  }

  /** Into a caller buffer of at least rows floats, with no allocation. */
  public void predict(String name, float[] data, long rows, long cols, Layout layout, float[] out) {
    predictInto(name, data, rows, cols, layout, out, false);
  }

  public void predict(
      String name, double[] data, long rows, long cols, Layout layout, float[] out) {
    predictInto(name, data, rows, cols, layout, out, false);
  }

  // ---- predictProba: rows x nClasses probabilities, row-major; FAILED_PRECONDITION for a
  // regression model ----

  public float[] predictProba(String name, float[] data, long rows, long cols) {
    return predictNew(name, data, rows, cols, true);
  }

  public float[] predictProba(String name, double[] data, long rows, long cols) {
    return predictNew(name, data, rows, cols, true);
  }

  public float[] predictProba(String name, FloatBuffer data, long rows, long cols) {
    return predictNew(name, Model.atStart(data), rows, cols, true);
  }

  public float[] predictProba(String name, DoubleBuffer data, long rows, long cols) {
    return predictNew(name, Model.atStart(data), rows, cols, true);
  }

  /** Into a caller buffer of at least rows x nClasses floats, with no allocation. */
  public void predictProba(
      String name, float[] data, long rows, long cols, Layout layout, float[] out) {
    predictInto(name, data, rows, cols, layout, out, true);
  }

  public void predictProba(
      String name, double[] data, long rows, long cols, Layout layout, float[] out) {
    predictInto(name, data, rows, cols, layout, out, true);
  }

  private float[] predictNew(String name, Object data, long rows, long cols, boolean proba) {
    while (true) {
      Served before = name == null ? null : classes.get(name);
      // A name this engine does not serve gets one value per row: the call then throws NOT_FOUND.
      long valuesPerRow = proba && before != null ? Math.max(before.classes, 1) : 1;
      float[] out = new float[Model.arraySize(rows, valuesPerRow)];
      // When another model was served under this name meanwhile, the call may have used it, with
      // another number of classes per row (too few for the array: an error; too many: rows of
      // the wrong width): predict again.
      try {
        predictInto(name, data, rows, cols, Layout.ROW_MAJOR, out, proba);
      } catch (KolosalException error) {
        if (proba && name != null && classes.get(name) != before) {
          continue;
        }
        throw error;
      }
      if (!proba || name == null || classes.get(name) == before) {
        return out;
      }
    }
  }

  private void predictInto(
      String name, Object data, long rows, long cols, Layout layout, float[] out, boolean proba) {
    long handle = acquire();
    try {
      if (proba) {
        KolosalC.kolosal_inference_engine_predict_proba(
            handle, name, data, rows, cols, layout.code, out);
      } else {
        KolosalC.kolosal_inference_engine_predict(handle, name, data, rows, cols, layout.code, out);
      }
    } finally {
      release();
    }
  }
}
