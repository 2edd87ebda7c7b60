package io.virtrev.daemon.http;

import io.netty.handler.codec.http.QueryStringDecoder;
import io.virtrev.api.ApiException;
import io.virtrev.api.Revision;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Typed access to query parameters; a malformed value is a 400 naming the parameter and the value. */
final class Query {
  private final Map<String, List<String>> params;

  Query(QueryStringDecoder decoder) {
    this.params = decoder.parameters();
  }

  /** The names of every parameter given (see {@link QueryParams#check}). */
  java.util.Set<String> names() {
    return params.keySet();
  }

  Optional<String> get(String name) {
    List<String> v = params.get(name);
    if (v == null || v.isEmpty()) {
      return Optional.empty();
    }
    if (v.size() > 1) {
      throw bad("query parameter " + name + " given " + v.size() + " times; give it once");
    }
    return Optional.of(v.get(0));
  }

  /**
   * A boolean parameter: absent is false; the empty value and the spellings of Go's
   * {@code strconv.ParseBool}, which kube-apiserver uses ({@code true}, {@code True}, {@code TRUE},
   * {@code t}, {@code T}, {@code 1} and their false counterparts), are accepted: the Python client
   * sends {@code watch=True}.
   */
  boolean flag(String name) {
    Optional<String> v = get(name);
    if (v.isEmpty()) {
      return false;
    }
    return switch (v.get()) {
      case "true", "True", "TRUE", "t", "T", "1", "" -> true;
      case "false", "False", "FALSE", "f", "F", "0" -> false;
      default -> throw bad("query parameter " + name + "=" + v.get() + " is not a boolean (true or false)");
    };
  }

  /** The revision named by {@code name}; empty if absent or empty. */
  Optional<Revision> revision(String name) {
    Optional<String> v = get(name);
    if (v.isEmpty() || v.get().isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Revision.parse(v.get()));
    } catch (ApiException e) {
      throw bad("query parameter " + name + ": " + e.getMessage());
    }
  }

  Optional<Long> positiveLong(String name) {
    Optional<String> v = get(name);
    if (v.isEmpty()) {
      return Optional.empty();
    }
    try {
      long n = Long.parseLong(v.get());
      if (n < 0) {
        throw new NumberFormatException();
      }
      return Optional.of(n);
    } catch (NumberFormatException e) {
      throw bad("query parameter " + name + "=" + v.get() + " is not a non-negative integer");
    }
  }

  private static final java.util.regex.Pattern GO_DURATION =
      java.util.regex.Pattern.compile("([0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(ns|us|\u00b5s|ms|s|m|h)");

  /**
   * A Go duration as client-go writes {@code timeout} ({@code 32s}, {@code 1m0s}, {@code 500ms}, {@code 0});
   * empty if absent. Negative or malformed: 400 naming the parameter and the value.
   */
  Optional<java.time.Duration> goDuration(String name) {
    Optional<String> v = get(name);
    if (v.isEmpty()) {
      return Optional.empty();
    }
    String text = v.get();
    if (text.equals("0")) {
      return Optional.of(java.time.Duration.ZERO);
    }
    java.util.regex.Matcher m = GO_DURATION.matcher(text);
    double nanos = 0;
    int at = 0;
    while (at < text.length() && m.find(at) && m.start() == at) {
      double n = Double.parseDouble(m.group(1));
      nanos += n * switch (m.group(2)) {
        case "ns" -> 1d;
        case "us", "\u00b5s" -> 1e3;
        case "ms" -> 1e6;
        case "s" -> 1e9;
        case "m" -> 60e9;
        default -> 3600e9;
      };
      at = m.end();
    }
    if (at == 0 || at != text.length() || nanos > Long.MAX_VALUE) {
      throw bad("query parameter " + name + "=" + LogSafe.value(text) + " is not a duration (e.g. 30s, 1m0s, 500ms)");
    }
    return Optional.of(java.time.Duration.ofNanos((long) nanos));
  }

  /**
   * The bound on a wait of {@code req}: its {@code timeout} if shorter than {@code limit} (and not zero),
   * else {@code limit}.
   */
  static java.time.Duration bound(io.netty.handler.codec.http.HttpRequest req, java.time.Duration limit) {
    return new Query(new QueryStringDecoder(req.uri())).goDuration(QueryParams.TIMEOUT)
        .filter(t -> !t.isZero() && t.compareTo(limit) < 0).orElse(limit);
  }

  static ApiException bad(String message) {
    return new ApiException(ApiException.Reason.BAD_REQUEST, message);
  }
}
