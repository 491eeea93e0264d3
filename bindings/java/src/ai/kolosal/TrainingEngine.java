package ai.kolosal;

import ai.kolosal.jni.KolosalC;

/**
 * Fits models with one configuration (kolosal_train_engine). One fit or cross-validation runs
 * at a time (a second concurrent call throws FAILED_PRECONDITION); {@link #cancel()} may be
 * called from another thread. Closing while a fit runs frees the engine once the fit returns.
 */
public final class TrainingEngine extends NativeResource {
  /** An engine with the given configuration; the model name and params are validated here. */
  public TrainingEngine(TrainingConfig config) {
    this(config.toJson());
  }

  /** An engine from configuration JSON (null or "" = defaults). */
  public TrainingEngine(String configJson) {
    super("TrainingEngine", KolosalC.kolosal_train_engine_create(configJson),
        KolosalC::kolosal_train_engine_free);
  }

  /** Fits preprocessing and model on a labelled dataset. */
  public Model fit(Dataset dataset) {
    long handle = acquire();
    try {
      long data = dataset.acquire();
      try {
        return new Model(KolosalC.kolosal_train_engine_fit(handle, data));
      } finally {
        dataset.release();
      }
    } finally {
      release();
    }
  }

  /**
   * K-fold cross-validated score ("cv_folds" and "metric" of the configuration), as JSON:
   * {"metric", "greater_is_better", "fold_scores", "mean", "std"}.
   */
  public String crossValidate(Dataset dataset) {
    long handle = acquire();
    try {
      long data = dataset.acquire();
      try {
        return KolosalC.kolosal_train_engine_cross_validate(handle, data);
      } finally {
        dataset.release();
      }
    } finally {
      release();
    }
  }

  /** Asks a running fit or cross-validation to stop (it then throws CANCELLED). Thread-safe. */
  public void cancel() {
    long handle = acquire();
    try {
      KolosalC.kolosal_train_engine_cancel(handle);
    } finally {
      release();
    }
  }
}
