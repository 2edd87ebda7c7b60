package io.virtrev.daemon.http;

/**
 * Makes a value from a request (path, URI, message quoting one) safe to put on a log line: control
 * characters (C0, DEL, C1, U+2028/U+2029), the backslash and the double quote are escaped
 * ({@code \n}, {@code \u001b}, {@code \\}, {@code \"}), so one event stays one line and a quoted value
 * cannot end early; values longer than a limit are cut, saying how much was cut. Stateless.
 */
public final class LogSafe {
  /** The longest value (in chars, before escaping) put on a log line by {@link #value(String)}. */
  public static final int MAX_CHARS = 512;

  private LogSafe() {}

  public static String value(String s) {
    return value(s, MAX_CHARS);
  }

  /** {@code s} escaped, cut to its first {@code max} chars ({@code "null"} for null). */
  public static String value(String s, int max) {
    if (s == null) {
      return "null";
    }
    int n = Math.min(s.length(), max);
    StringBuilder out = new StringBuilder(n + 16);
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      switch (c) {
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\\' -> out.append("\\\\");
        case '"' -> out.append("\\\"");
        default -> {
          if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == '\u2028' || c == '\u2029') {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    if (s.length() > n) {
      out.append("...[").append(s.length() - n).append(" more chars]");
    }
    return out.toString();
  }
}
