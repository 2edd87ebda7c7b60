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

  boolean flag(String name) {
    Optional<String> v = get(name);
    if (v.isEmpty()) {
      return false;
    }
    return switch (v.get()) {
      case "true", "1", "" -> true;
      case "false", "0" -> false;
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

  static ApiException bad(String message) {
    return new ApiException(ApiException.Reason.BAD_REQUEST, message);
  }
}
