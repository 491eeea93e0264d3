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

  /// <summary>Fits preprocessing and model on a labelled dataset.</summary>
  public Model Fit(Dataset dataset) {
    IntPtr handle = Acquire();
    try {
      IntPtr data = dataset.Acquire();
      try {
        return new Model(KolosalC.kolosal_train_engine_fit(handle, data));
      } finally {
        dataset.Release();
      }
    } finally {
      Release();
    }
  }

  /// <summary>
  /// K-fold cross-validated score ("cv_folds" and "metric" of the configuration), as JSON:
  /// {"metric", "greater_is_better", "fold_scores", "mean", "std"}.
  /// </summary>
  public string CrossValidate(Dataset dataset) {
    IntPtr handle = Acquire();
    try {
      IntPtr data = dataset.Acquire();
      try {
        return KolosalC.kolosal_train_engine_cross_validate(handle, data);
      } finally {
        dataset.Release();
      }
    } finally {
      Release();
    }
  }

  /// <summary>Asks a running fit to stop (it then throws Cancelled). Thread-safe.</summary>
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

  /// <summary>The library's stable name of a status code, e.g. "INVALID_ARGUMENT".</summary>
  public static string StatusName(StatusCode status) => KolosalC.kolosal_status_name((int)status);
}

}  // namespace Kolosal
