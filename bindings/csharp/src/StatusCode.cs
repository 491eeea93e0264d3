namespace Kolosal {

/// <summary>The library's stable status codes (kolosal_status in kolosal_c.h).</summary>
public enum StatusCode {
  Ok = 0,
  InvalidArgument = 1,
  Io = 2,
  CorruptModel = 3,
  Cancelled = 4,
  OutOfMemory = 5,
  NotFound = 6,
  FailedPrecondition = 7,
  Unsupported = 8,
  Timeout = 9,
  Internal = 10,
}

/// <summary>Memory order of an input matrix (kolosal_layout).</summary>
public enum Layout {
  RowMajor = 0,
  ColMajor = 1,
}

/// <summary>Kinds of feature importance (kolosal_importance_type).</summary>
public enum ImportanceType {
  /// <summary>Tree models: total loss reduction of the feature's splits.</summary>
  Gain = 0,
  /// <summary>Tree models: number of splits on the feature.</summary>
  Split = 1,
  /// <summary>Linear models: sum over outputs of |coefficient| on the preprocessed inputs.</summary>
  Coefficient = 2,
}

}  // namespace Kolosal
