package ai.kolosal;

import java.lang.reflect.Array;
import java.util.Map;

/** Writes the JSON text of the config builders: maps, lists, arrays, strings, numbers. */
final class Json {
  /** Text that is already JSON and is written as is. */
  static final class Raw {
    final String text;

    Raw(String text) {
      this.text = text;
    }
  }

  private Json() {}

  static String write(Object value) {
    StringBuilder out = new StringBuilder();
    append(out, value);
    return out.toString();
  }

  private static void append(StringBuilder out, Object value) {
    if (value == null) {
      out.append("null");
    } else if (value instanceof Raw) {
      out.append(((Raw) value).text);
    } else if (value instanceof String || value instanceof Character) {
      appendString(out, value.toString());
    } else if (value instanceof Boolean) {
      out.append(value);
    } else if (value instanceof Number) {
      appendNumber(out, (Number) value);
    } else if (value instanceof Map) {
      appendMap(out, (Map<?, ?>) value);
    } else if (value instanceof Iterable) {
      appendItems(out, (Iterable<?>) value);
    } else if (value.getClass().isArray()) {
      appendArray(out, value);
    } else {
      throw new KolosalException(
          StatusCode.INVALID_ARGUMENT, "cannot write a " + value.getClass().getName() + " as JSON");
    }
  }

  private static void appendNumber(StringBuilder out, Number number) {
    if (number instanceof Double || number instanceof Float) {
      double real = number.doubleValue();
      if (Double.isNaN(real) || Double.isInfinite(real)) {
        throw new KolosalException(StatusCode.INVALID_ARGUMENT, "JSON has no " + real);
      }
    }
    out.append(number);
  }

  private static void appendMap(StringBuilder out, Map<?, ?> map) {
    out.append('{');
    boolean first = true;
    for (Map.Entry<?, ?> entry : map.entrySet()) {
      if (!first) {
        out.append(',');
      }
      first = false;
      appendString(out, String.valueOf(entry.getKey()));
      out.append(':');
      append(out, entry.getValue());
    }
    out.append('}');
  }

  private static void appendItems(StringBuilder out, Iterable<?> items) {
    out.append('[');
    boolean first = true;
    for (Object item : items) {
      if (!first) {
        out.append(',');
      }
      first = false;
      append(out, item);
    }
    out.append(']');
  }

  private static void appendArray(StringBuilder out, Object array) {
    out.append('[');
    for (int index = 0; index < Array.getLength(array); ++index) {
      if (index > 0) {
        out.append(',');
      }
      append(out, Array.get(array, index));
    }
    out.append(']');
  }

  private static void appendString(StringBuilder out, String text) {
    out.append('"');
    for (int index = 0; index < text.length(); ++index) {
      char c = text.charAt(index);
      switch (c) {
        case '"':
          out.append("\\\"");
          break;
        case '\\':
          out.append("\\\\");
          break;
        case '\n':
          out.append("\\n");
          break;
        case '\r':
          out.append("\\r");
          break;
        case '\t':
          out.append("\\t");
          break;
        default:
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
      }
    }
    out.append('"');
  }
}
