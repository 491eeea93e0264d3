package ai.kolosal;

/** Kinds of feature importance (kolosal_importance_type). */
public enum ImportanceType {
  /** Tree models: total loss reduction of the feature's splits. */
  GAIN(0),
  /** Tree models: number of splits on the feature. */
  SPLIT(1),
  /** Linear models: sum over outputs of |coefficient| on the preprocessed inputs. */
  COEFFICIENT(2);

  final int code;

  ImportanceType(int code) {
    this.code = code;
  }
}
