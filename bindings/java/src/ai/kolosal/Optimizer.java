package ai.kolosal;

import ai.kolosal.jni.KolosalC;
import java.util.Map;

/**
 * A hyperparameter optimization study with an ask/tell interface (kolosal_optimizer): ask for
 * a {@link Trial}, evaluate the objective in Java, tell the result. No callback crosses into the
 * library.
 *
 * <pre>{@code
 * try (Optimizer optimizer = new Optimizer(space, StudyConfig.builder().maxTrials(50).build())) {
 *   while (!optimizer.shouldStop()) {
 *     try (Trial trial = optimizer.ask()) {
 *       double x = trial.getFloat("x");
 *       optimizer.tell(trial, (x - 2) * (x - 2));
 *     }
 *   }
 *   System.out.println(optimizer.bestValue() + " " + optimizer.best());
 * }
 * }</pre>
 *
 * <p>Every method is thread-safe, so several threads may ask and tell at once; {@link #cancel()}
 * is meant for another thread. With a storage URL ("sqlite:///abs/path.db",
 * "postgresql://user@host:port/db") the study outlives the process and is shared with other
 * optimizers of the same study name. Closing twice is safe; use after close throws
 * KolosalException FAILED_PRECONDITION. Trials stay usable after their optimizer is closed.
 */
public final class Optimizer extends NativeResource {
  /** A study in memory. */
  public Optimizer(SearchSpace space, StudyConfig config) {
    this(space, config, null);
  }

  /** A study in the given storage (null or "" = in memory), resumed when it exists there. */
  public Optimizer(SearchSpace space, StudyConfig config, String storageUrl) {
    this(
        space == null ? null : space.toJson(), config == null ? null : config.toJson(), storageUrl);
  }

  /** A study from JSON text: the space, the config (null = defaults) and the storage URL. */
  public Optimizer(String spaceJson, String configJson, String storageUrl) {
    super("Optimizer", KolosalC.kolosal_optimizer_create(spaceJson, configJson, storageUrl),
        KolosalC::kolosal_optimizer_free);
  }

  /** Starts a trial: an enqueued parameter set first, else the sampler's proposal. */
  public Trial ask() {
    long handle = acquire();
    try {
      return new Trial(KolosalC.kolosal_optimizer_ask(handle));
    } finally {
      release();
    }
  }

  /** Ends a running trial as COMPLETE with its objective value (NaN fails it). */
  public void tell(Trial trial, double value) {
    withTrial(trial, (study, ptr) -> KolosalC.kolosal_optimizer_tell(study, ptr, value));
  }

  /** Ends a running trial as PRUNED (after {@link Trial#shouldPrune()} said so). */
  public void tellPruned(Trial trial) {
    withTrial(trial, KolosalC::kolosal_optimizer_tell_pruned);
  }

  /** Ends a running trial as FAILED. */
  public void tellFailed(Trial trial) {
    withTrial(trial, KolosalC::kolosal_optimizer_tell_failed);
  }

  /** A call on this optimizer's handle and a trial's handle. */
  private interface TrialCall {
    void call(long optimizer, long trial);
  }

  private void withTrial(Trial trial, TrialCall call) {
    long handle = acquire();
    try {
      long trialHandle = trial.acquire();
      try {
        call.call(handle, trialHandle);
      } finally {
        trial.release();
      }
    } finally {
      release();
    }
  }

  /** Queues a parameter set ({"name": value}; missing ones are sampled) to be asked first. */
  public void enqueue(Map<String, ?> params) {
    enqueue(Json.write(params));
  }

  /** Queues a parameter set given as JSON text. */
  public void enqueue(String paramsJson) {
    long handle = acquire();
    try {
      KolosalC.kolosal_optimizer_enqueue(handle, paramsJson);
    } finally {
      release();
    }
  }

  /** Adds the finished trials of an earlier study ({@link #history()} JSON); returns how many. */
  public long warmStart(String historyJson) {
    long handle = acquire();
    try {
      return KolosalC.kolosal_optimizer_warm_start(handle, historyJson);
    } finally {
      release();
    }
  }

  /** The best value of the completed trials (FAILED_PRECONDITION while none has completed). */
  public double bestValue() {
    long handle = acquire();
    try {
      return KolosalC.kolosal_optimizer_best_value(handle);
    } finally {
      release();
    }
  }

  /** The best completed trial as JSON: {"number", "value", "params": {...}}. */
  public String best() {
    long handle = acquire();
    try {
      return KolosalC.kolosal_optimizer_best(handle);
    } finally {
      release();
    }
  }

  /** The study's history as JSON (best_params, best_value, best_trial, trials, ...). */
  public String history() {
    long handle = acquire();
    try {
      return KolosalC.kolosal_optimizer_history(handle);
    } finally {
      release();
    }
  }

  /** True once the study is over (max_trials, timeout, convergence, exhausted, cancelled). */
  public boolean shouldStop() {
    long handle = acquire();
    try {
      return KolosalC.kolosal_optimizer_should_stop(handle) != 0;
    } finally {
      release();
    }
  }

  /** "none", "max_trials", "timeout", "converged", "cancelled" or "exhausted". */
  public String stopReason() {
    long handle = acquire();
    try {
      return KolosalC.kolosal_optimizer_stop_reason(handle);
    } finally {
      release();
    }
  }

  /** Marks the study cancelled ({@link #shouldStop()} turns true). Thread-safe. */
  public void cancel() {
    long handle = acquire();
    try {
      KolosalC.kolosal_optimizer_cancel(handle);
    } finally {
      release();
    }
  }
}
