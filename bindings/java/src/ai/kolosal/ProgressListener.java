package ai.kolosal;

/**
 * Called during {@link TrainingEngine#fit} and {@link TrainingEngine#crossValidate}, on the
 * thread that runs them, with the fraction done and a stage name.
 */
@FunctionalInterface
public interface ProgressListener {
  /**
   * @param fraction progress in [0, 1]
   * @param stage what is running, e.g. "fit"
   * @return true to cancel the fit (it then throws KolosalException CANCELLED)
   */
  boolean onProgress(double fraction, String stage);
}
