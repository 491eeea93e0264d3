package ai.kolosal.jni;

import ai.kolosal.KolosalException;
import ai.kolosal.StatusCode;
import java.nio.Buffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Helpers the generated {@link KolosalC} methods call on the Java side of a native call:
 * UTF-8 strings both ways, and the length checks that keep the library from reading past an
 * array (the library knows rows and cols, but not how long a Java array is).
 */
public final class NativeArrays {
  private NativeArrays() {}

  /** A NUL-terminated UTF-8 copy of {@code text}, or null. */
  public static byte[] utf8(String text) {
    if (text == null) {
      return null;
    }
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    byte[] terminated = new byte[bytes.length + 1];
    System.arraycopy(bytes, 0, terminated, 0, bytes.length);
    return terminated;
  }

  /** Decodes UTF-8 bytes from the library, or null. */
  public static String string(byte[] utf8) {
    return utf8 == null ? null : new String(utf8, StandardCharsets.UTF_8);
  }

  /**
   * Checks that {@code data} (float[], double[], or a direct FloatBuffer / DoubleBuffer in
   * native byte order, at position 0, whose values end at its limit) holds at least rows x cols
   * values. Null, negative sizes and other types are left to the library, which rejects them
   * with its own message.
   */
  public static void checkMatrix(Object data, long rows, long cols) {
    if (data == null || rows < 0 || cols < 0) {
      return;
    }
    long needed;
    try {
      needed = Math.multiplyExact(rows, cols);
    } catch (ArithmeticException overflow) {
      throw invalid("rows x cols overflows: " + rows + " x " + cols);
    }
    long available = length(data);
    if (available >= 0 && available < needed) {
      throw invalid("the array holds " + available + " values, rows x cols = " + rows + " x "
          + cols + " needs " + needed);
    }
  }

  /** Checks that an optional labels array holds at least {@code rows} values. */
  public static void checkVector(Object data, long rows) {
    checkMatrix(data, rows, 1);
  }

  /** The number of values in data, or -1 for a type the library will reject. */
  private static long length(Object data) {
    if (data instanceof float[]) {
      return ((float[]) data).length;
    }
    if (data instanceof double[]) {
      return ((double[]) data).length;
    }
    if (data instanceof FloatBuffer || data instanceof DoubleBuffer) {
      Buffer buffer = (Buffer) data;
      ByteOrder order = data instanceof FloatBuffer ? ((FloatBuffer) data).order()
                                                    : ((DoubleBuffer) data).order();
      if (!buffer.isDirect()) {
        throw invalid("a FloatBuffer or DoubleBuffer must be direct");
      }
      if (order != ByteOrder.nativeOrder()) {
        throw invalid("a FloatBuffer or DoubleBuffer must use the native byte order");
      }
      if (buffer.position() != 0) {
        throw invalid("a FloatBuffer or DoubleBuffer must start at position 0 (use slice())");
      }
      // The values between position (0) and limit; the rest of the capacity is not data.
      return buffer.remaining();
    }
    return -1;
  }

  private static KolosalException invalid(String message) {
    return new KolosalException(StatusCode.INVALID_ARGUMENT, message);
  }
}
