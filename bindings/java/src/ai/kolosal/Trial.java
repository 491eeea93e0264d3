package ai.kolosal;

import ai.kolosal.jni.KolosalC;

/**
 * One trial of an {@link Optimizer} (kolosal_trial): its number and parameters, and the
 * intermediate values it reports for pruning. Thread-safe. It keeps its study alive, so it
 * stays usable after the optimizer is closed. Closing it (try-with-resources) frees the handle
 * only: tell the optimizer how the trial ended first. Use after close throws KolosalException
 * FAILED_PRECONDITION.
 */
public final class Trial extends NativeResource {
  Trial(long handle) {
    super("Trial", handle, KolosalC::kolosal_trial_free);
  }

  /** The trial's number in its study (0, 1, ...; distinct across processes). */
  public long number() {
    long handle = acquire();
    try {
      return KolosalC.kolosal_trial_number(handle);
    } finally {
      release();
    }
  }

  /** True when the parameter exists and its conditions hold in this trial. */
  public boolean hasParam(String name) {
    long handle = acquire();
    try {
      return KolosalC.kolosal_trial_has_param(handle, name) != 0;
    } finally {
      release();
    }
  }

  /** A float (or int) parameter; NOT_FOUND for an unknown or inactive one. */
  public double getFloat(String name) {
    long handle = acquire();
    try {
      return KolosalC.kolosal_trial_get_float(handle, name);
    } finally {
      release();
    }
  }

  /** An int parameter. */
  public long getInt(String name) {
    long handle = acquire();
    try {
      return KolosalC.kolosal_trial_get_int(handle, name);
    } finally {
      release();
    }
  }

  /** A categorical parameter's choice as text (numbers and booleans as their JSON text). */
  public String getCategorical(String name) {
    long handle = acquire();
    try {
      return KolosalC.kolosal_trial_get_categorical(handle, name);
    } finally {
      release();
    }
  }

  /** The active parameters as JSON: {"x": 1.5, "n": 3, "kernel": "rbf"}. */
  public String params() {
    long handle = acquire();
    try {
      return KolosalC.kolosal_trial_params(handle);
    } finally {
      release();
    }
  }

  /** Records an intermediate objective value at {@code step} (>= 0). */
  public void report(long step, double value) {
    long handle = acquire();
    try {
      KolosalC.kolosal_trial_report(handle, step, value);
    } finally {
      release();
    }
  }

  /** True when the study's pruner says to stop now (then call {@link Optimizer#tellPruned}). */
  public boolean shouldPrune() {
    long handle = acquire();
    try {
      return KolosalC.kolosal_trial_should_prune(handle) != 0;
    } finally {
      release();
    }
  }
}
