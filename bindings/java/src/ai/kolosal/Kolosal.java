package ai.kolosal;

import ai.kolosal.jni.KolosalC;

/** Library-wide information. */
public final class Kolosal {
  private Kolosal() {}

  /** The native library's version, e.g. "0.1.0". */
  public static String version() {
    return KolosalC.kolosal_version();
  }

  /** Build information as JSON: version, compiler, build type, CPU features detected. */
  public static String buildInfo() {
    return KolosalC.kolosal_build_info();
  }

  /**
   * The number of native handles (datasets, training engines, models, optimizers, trials,
   * inference engines, streaming pipelines) created and not yet freed in this process, for leak
   * checks. {@code close()} frees a handle at once; the Cleaner frees a forgotten one some time
   * after the garbage collector found it.
   */
  public static long liveHandleCount() {
    return KolosalC.kolosal_live_handle_count();
  }

  /** The library's stable name of a status code, e.g. "INVALID_ARGUMENT". */
  public static String statusName(StatusCode status) {
    return KolosalC.kolosal_status_name(status.code());
  }
}
