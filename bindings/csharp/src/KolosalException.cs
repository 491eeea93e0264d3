using System;

namespace Kolosal {

/// <summary>
/// A failed Kolosal call: the library's status code and message, read inside the same native
/// call that failed. Also thrown by the binding for a disposed handle (FailedPrecondition), an
/// array shorter than rows x cols or an output too large for one array (InvalidArgument).
/// </summary>
[Serializable]
public class KolosalException : Exception {
  /// <summary>The numeric status, as in kolosal_c.h (may be newer than <see cref="StatusCode"/>).</summary>
  public int Code { get; }

  /// <summary>The status as an enum value.</summary>
  public StatusCode Status => (StatusCode)Code;

  public KolosalException(StatusCode status, string message) : this((int)status, message) {}

  public KolosalException(int code, string message) : base(message) {
    Code = code;
  }

  public override string ToString() {
    string name = Enum.IsDefined(typeof(StatusCode), Code) ? Status.ToString() : Code.ToString();
    return "KolosalException[" + name + "]: " + Message;
  }
}

}  // namespace Kolosal
