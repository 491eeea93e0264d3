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

}  // namespace Kolosal
