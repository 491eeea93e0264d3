using System;
using Kolosal.Native;

namespace Kolosal {

/// <summary>
/// Fits models with one configuration (kolosal_train_engine). One fit or cross-validation runs
/// at a time (a second concurrent call throws FailedPrecondition); Cancel() may be called from
/// another thread. Disposing while a fit runs frees the engine once the fit returns.
/// </summary>
public sealed class TrainingEngine : NativeResource {
  /// <summary>An engine with the given configuration; model name and params are validated here.</summary>
  public TrainingEngine(TrainingConfig config) : this(config?.Json) {}

  /// <summary>An engine from configuration JSON (null or "" = defaults).</summary>
  public TrainingEngine(string configJson)
      : base("TrainingEngine", KolosalC.kolosal_train_engine_create(configJson),
             KolosalC.kolosal_train_engine_free) {}

  // The delegate the native side calls; kept here so that the GC does not collect it while set.
  private ProgressCallback progressCallback;
  // An exception thrown by the handler: it cancels the fit and is rethrown by Fit.
  private Exception progressError;

  /// <summary>
  /// Sets (or clears, with null) the handler called during Fit and CrossValidate. Not to be
  /// called while a fit runs on this engine. An exception thrown by the handler cancels the fit
  /// and comes out of Fit / CrossValidate unchanged.
  /// </summary>
  public void SetProgress(ProgressHandler handler) {
    ProgressCallback callback = null;
    if (handler != null) {
      callback = (fraction, stage, userData) => {
        try {
          return handler(fraction, stage) ? 1 : 0;
        } catch (Exception error) {
          // An exception must not unwind through native frames: keep it for Fit to rethrow.
          progressError = error;
          return 1;
        }
      };
    }
    IntPtr handle = Acquire();
    try {
      KolosalC.kolosal_csharp_train_engine_set_progress(handle, callback);
      progressCallback = callback;
    } finally {
      Release();
    }
  }

  /// <summary>Fits preprocessing and model on a labelled dataset.</summary>
  public Model Fit(Dataset dataset) {
    return WithDataset(dataset,
                       (engine, data) => new Model(KolosalC.kolosal_train_engine_fit(engine, data)));
  }

  /// <summary>
  /// K-fold cross-validated score ("cv_folds" and "metric" of the configuration), as JSON:
  /// {"metric", "greater_is_better", "fold_scores", "mean", "std"}.
  /// </summary>
  public string CrossValidate(Dataset dataset) {
    return WithDataset(dataset, KolosalC.kolosal_train_engine_cross_validate);
  }

  /// <summary>
  /// Tunes the engine's model by cross-validation ("cv_folds" and "metric" of the configuration)
  /// over the model's default search space (or the config's), then refits the best params on
  /// the whole dataset. The model's Metadata() holds the study summary under "tuning". With a
  /// storage URL ("sqlite:///abs/path.db", "postgresql://...") a study of the same name there
  /// is resumed and extended. The progress handler gets stage "tuning" after each trial;
  /// Cancel() stops it.
  /// </summary>
  public Model Tune(Dataset dataset, TuneConfig config = null, string storageUrl = null) {
    return WithDataset(dataset, (engine, data) => new Model(
        KolosalC.kolosal_train_engine_tune(engine, data, config?.Json, storageUrl)));
  }

  private T WithDataset<T>(Dataset dataset, Func<IntPtr, IntPtr, T> call) {
    IntPtr handle = Acquire();
    try {
      IntPtr data = dataset.Acquire();
      try {
        progressError = null;
        return call(handle, data);
      } catch (KolosalException) when (progressError != null) {
        Exception error = progressError;
        progressError = null;
        System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(error).Throw();
        throw;  // not reached
      } finally {
        dataset.Release();
        GC.KeepAlive(progressCallback);
      }
    } finally {
      Release();
    }
  }

  /// <summary>Asks a running fit, cross-validation or tuning to stop (it then throws Cancelled).
  /// Thread-safe.</summary>
  public void Cancel() {
    IntPtr handle = Acquire();
    try {
      KolosalC.kolosal_train_engine_cancel(handle);
    } finally {
      Release();
    }
  }
}

/// <summary>Library-wide information.</summary>
public static class Library {
  /// <summary>The native library's version, e.g. "0.1.0".</summary>
  public static string Version => KolosalC.kolosal_version();

  /// <summary>Build information as JSON: version, compiler, build type, CPU features.</summary>
  public static string BuildInfo => KolosalC.kolosal_build_info();

  /// <summary>
  /// The number of native handles (datasets, training engines, models, optimizers, trials,
  /// inference engines, streaming pipelines) created and not yet freed in this process, for leak
  /// checks. <c>Dispose()</c> frees a handle at once; the finalizer frees a forgotten one after the
  /// garbage collector found it.
  /// </summary>
  public static long LiveHandleCount => KolosalC.kolosal_live_handle_count();

  /// <summary>The library's stable name of a status code, e.g. "INVALID_ARGUMENT".</summary>
  public static string StatusName(StatusCode status) => KolosalC.kolosal_status_name((int)status);
}

}  // namespace Kolosal
