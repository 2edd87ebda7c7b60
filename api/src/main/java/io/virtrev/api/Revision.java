package io.virtrev.api;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * A store-wide revision: the resource version of the change that produced it.
 *
 * <p>Invariant: {@code value >= 0}. Revision 0 is the empty store before its first commit. On the
 * wire a revision is an opaque decimal string (Kubernetes clients must not do arithmetic on it; the
 * server compares numerically).
 */
public record Revision(long value) implements Comparable<Revision> {
  public static final Revision ZERO = new Revision(0);

  public Revision {
    if (value < 0) {
      throw new IllegalArgumentException("revision < 0: " + value);
    }
  }

  public static Revision of(long value) {
    return value == 0 ? ZERO : new Revision(value);
  }

  /**
   * Parses the wire form: a decimal string of at most 19 digits, no sign, no spaces.
   *
   * @throws ApiException {@link ApiException.Reason#BAD_REQUEST} naming the offending value
   */
  @JsonCreator
  public static Revision parse(String text) {
    if (text == null || text.isEmpty() || text.length() > 19) {
      throw invalid(text);
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        throw invalid(text);
      }
    }
    try {
      return of(Long.parseLong(text));
    } catch (NumberFormatException e) {
      throw invalid(text);
    }
  }

  private static ApiException invalid(String text) {
    return new ApiException(
        ApiException.Reason.BAD_REQUEST,
        "invalid resource version " + quote(text) + ": expected a non-negative decimal integer");
  }

  private static String quote(String text) {
    if (text == null) {
      return "(none)";
    }
    String shown = text.length() > 40 ? text.substring(0, 40) + "..." : text;
    return '"' + shown + '"';
  }

  public boolean isAfter(Revision other) {
    return value > other.value;
  }

  public Revision next() {
    return new Revision(Math.addExact(value, 1));
  }

  @Override
  public int compareTo(Revision o) {
    return Long.compare(value, o.value);
  }

  @JsonValue
  @Override
  public String toString() {
    return Long.toString(value);
  }
}
