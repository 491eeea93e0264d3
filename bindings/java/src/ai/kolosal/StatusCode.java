package ai.kolosal;

/** The library's stable status codes (kolosal_status in kolosal_c.h). */
public enum StatusCode {
  OK(0),
  INVALID_ARGUMENT(1),
  IO(2),
  CORRUPT_MODEL(3),
  CANCELLED(4),
  OUT_OF_MEMORY(5),
  NOT_FOUND(6),
  FAILED_PRECONDITION(7),
  UNSUPPORTED(8),
  TIMEOUT(9),
  INTERNAL(10),
  /** A code this version of the binding does not know (added in a later library release). */
  UNKNOWN(-1);

  private final int code;

  StatusCode(int code) {
    this.code = code;
  }

  /** The numeric value, as in kolosal_c.h. */
  public int code() {
    return code;
  }

  /** The constant for a numeric code; UNKNOWN for a code this binding does not know. */
  public static StatusCode fromCode(int code) {
    for (StatusCode status : values()) {
      if (status.code == code) {
        return status;
      }
    }
    return UNKNOWN;
  }
}
