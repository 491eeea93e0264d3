using System;
using System.Collections;
using System.Globalization;
using System.Text;

namespace Kolosal {

/// <summary>Writes the JSON text of the config builders.</summary>
internal static class Json {
  /// <summary>Text that is already JSON and is written as is.</summary>
  internal sealed class Raw {
    public string Text { get; }

    public Raw(string text) {
      Text = text;
    }
  }

  public static string Write(object value) {
    var output = new StringBuilder();
    Append(output, value);
    return output.ToString();
  }

  private static void Append(StringBuilder output, object value) {
    if (value == null) {
      output.Append("null");
    } else if (value is Raw) {
      output.Append(((Raw)value).Text);
    } else if (value is string) {
      AppendString(output, (string)value);
    } else if (value is char) {
      AppendString(output, value.ToString());
    } else if (value is bool) {
      output.Append((bool)value ? "true" : "false");
    } else if (value is double || value is float) {
      AppendReal(output, Convert.ToDouble(value, CultureInfo.InvariantCulture));
    } else if (IsInteger(value) || value is decimal) {
      output.Append(((IFormattable)value).ToString(null, CultureInfo.InvariantCulture));
    } else if (value is IDictionary) {
      AppendMap(output, (IDictionary)value);
    } else if (value is IEnumerable) {
      AppendItems(output, (IEnumerable)value);
    } else {
      throw new KolosalException(StatusCode.InvalidArgument,
                                 "cannot write a " + value.GetType() + " as JSON");
    }
  }

  private static bool IsInteger(object value) {
    return value is int || value is long || value is short || value is byte || value is sbyte ||
           value is uint || value is ulong || value is ushort;
  }

  private static void AppendReal(StringBuilder output, double real) {
    if (double.IsNaN(real) || double.IsInfinity(real)) {
      throw new KolosalException(StatusCode.InvalidArgument, "JSON has no " + real);
    }
    string text = real.ToString("R", CultureInfo.InvariantCulture);
    output.Append(text);
    if (text.IndexOfAny(new[] {'.', 'E', 'e'}) < 0) output.Append(".0");
  }

  private static void AppendMap(StringBuilder output, IDictionary map) {
    output.Append('{');
    bool first = true;
    foreach (DictionaryEntry entry in map) {
      if (!first) output.Append(',');
      first = false;
      AppendString(output, Convert.ToString(entry.Key, CultureInfo.InvariantCulture));
      output.Append(':');
      Append(output, entry.Value);
    }
    output.Append('}');
  }

  private static void AppendItems(StringBuilder output, IEnumerable items) {
    output.Append('[');
    bool first = true;
    foreach (object item in items) {
      if (!first) output.Append(',');
      first = false;
      Append(output, item);
    }
    output.Append(']');
  }

  private static void AppendString(StringBuilder output, string text) {
    output.Append('"');
    foreach (char c in text) {
      switch (c) {
        case '"': output.Append("\\\""); break;
        case '\\': output.Append("\\\\"); break;
        case '\n': output.Append("\\n"); break;
        case '\r': output.Append("\\r"); break;
        case '\t': output.Append("\\t"); break;
        default:
          if (c < 0x20) {
            output.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
          } else {
            output.Append(c);
          }
          break;
      }
    }
    output.Append('"');
  }
}

}  // namespace Kolosal
