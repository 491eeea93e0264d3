package ai.kolosal;

import ai.kolosal.jni.KolosalC;
import ai.kolosal.jni.NativeArrays;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Fits models with one configuration (kolosal_train_engine). One fit or cross-validation runs
 * at a time (a second concurrent call throws FAILED_PRECONDITION); {@link #cancel()} may be
 * called from another thread. Closing while a fit runs frees the engine once the fit returns.
 */
public final class TrainingEngine extends NativeResource {
  /** The JNI global reference to the current progress listener (0 = none). */
  private final AtomicLong listener;

  /** An engine with the given configuration; the model name and params are validated here. */
  public TrainingEngine(TrainingConfig config) {
    this(config.toJson());
  }

  /** An engine from configuration JSON (null or "" = defaults). */
  public TrainingEngine(String configJson) {
    this(KolosalC.kolosal_train_engine_create(configJson), new AtomicLong());
  }

  private TrainingEngine(long handle, AtomicLong listener) {
    // The release function must not refer to this object (the Cleaner runs it once this
    // object is unreachable): it gets the listener holder, not the engine.
    super("TrainingEngine", handle, engine -> {
      KolosalC.kolosal_train_engine_free(engine);
      KolosalC.kolosal_java_release_listener(listener.getAndSet(0));
    });
    this.listener = listener;
  }

  /**
   * Sets (or clears, with null) the listener called during fit and crossValidate. Not to be
   * called while a fit runs on this engine.
   */
  public void setProgressListener(ProgressListener progress) {
    long handle = acquire();
    try {
      long reference = KolosalC.kolosal_java_train_engine_set_progress(handle, progress);
      KolosalC.kolosal_java_release_listener(listener.getAndSet(reference));
    } finally {
      release();
    }
  }

  /** Called from the native progress callback (see kolosal_java.i). */
  @SuppressWarnings("unused")
  private static boolean progress(ProgressListener progress, double fraction, byte[] stage) {
    return progress.onProgress(fraction, NativeArrays.string(stage));
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

  /**
   * Tunes the engine's model by cross-validation ("cv_folds" and "metric" of the configuration)
   * over the model's default search space (or the config's), then refits the best params on the
   * whole dataset. The model's {@link Model#metadata()} holds the study summary under "tuning".
   * The progress listener gets stage "tuning" after each trial; {@link #cancel()} stops it.
   */
  public Model tune(Dataset dataset, TuneConfig config) {
    return tune(dataset, config, null);
  }

  /**
   * Like {@link #tune(Dataset, TuneConfig)}, with the study in a storage ("sqlite:///abs/path.db"
   * or "postgresql://..."): a study of the same name there is resumed and extended.
   */
  public Model tune(Dataset dataset, TuneConfig config, String storageUrl) {
    long handle = acquire();
    try {
      long data = dataset.acquire();
      try {
        return new Model(KolosalC.kolosal_train_engine_tune(
            handle, data, config == null ? null : config.toJson(), storageUrl));
      } finally {
        dataset.release();
      }
    } finally {
      release();
    }
  }

  /** Asks a running fit, cross-validation or tuning to stop (it then throws CANCELLED). */
  public void cancel() {
    long handle = acquire();
    try {
      KolosalC.kolosal_train_engine_cancel(handle);
    } finally {
      release();
    }
  }
}
