package ai.kolosal;

import java.nio.charset.StandardCharsets;

/**
 * A failed Kolosal call: the library's status code and its message, read inside the same
 * native call that failed. Also thrown by the binding itself for a closed handle
 * (FAILED_PRECONDITION) or an array shorter than rows x cols (INVALID_ARGUMENT).
 */
public class KolosalException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int code;

  public KolosalException(StatusCode status, String message) {
    this(status.code(), message);
  }

  public KolosalException(int code, String message) {
    super(message);
    this.code = code;
  }

  /** Called from the JNI wrappers: the message arrives as UTF-8 bytes. */
  KolosalException(int code, byte[] utf8Message) {
    this(code, new String(utf8Message, StandardCharsets.UTF_8));
  }

  /** The status as an enum constant (UNKNOWN for a code newer than this binding). */
  public StatusCode status() {
    return StatusCode.fromCode(code);
  }

  /** The numeric status code, as in kolosal_c.h. */
  public int code() {
    return code;
  }

  @Override
  public String toString() {
    return "KolosalException[" + status().name() + "]: " + getMessage();
  }
}
