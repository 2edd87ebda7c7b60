package io.virtrev.daemon.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.virtrev.api.ApiException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a domain read (list, get, watch) answers with, chosen from the request's {@code Accept} as the
 * Kubernetes apiserver chooses: clauses by q-value (highest first; {@code q=0} is "never"), then the more
 * specific ({@code type/sub} before {@code type/*} before {@code *}{@code /*}), then by position; the
 * first clause that names something the endpoint serves wins. A clause with {@code as=Table} must name
 * {@code g=meta.k8s.io} and {@code v=v1} or {@code v1beta1}; any other conversion ({@code as=...},
 * another group or version) is a clause the endpoint cannot serve. No (or an empty) {@code Accept}
 * means JSON. Nothing acceptable: 406 NotAcceptable naming what the endpoint serves.
 */
enum Representation {
  JSON("application/json"),
  TABLE_V1("application/json;as=Table;v=v1;g=meta.k8s.io"),
  TABLE_V1BETA1("application/json;as=Table;v=v1beta1;g=meta.k8s.io"),
  XML("application/xml"),
  EVENT_STREAM("text/event-stream"),
  TEXT("text/plain");

  static final String TABLE_GROUP = "meta.k8s.io";
  /** What a list serves. */
  static final Set<Representation> LIST = EnumSet.of(JSON, TABLE_V1, TABLE_V1BETA1);
  /** What a get of one domain serves (its XML too). */
  static final Set<Representation> GET = EnumSet.of(JSON, TABLE_V1, TABLE_V1BETA1, XML);
  /** What mutations, history and discovery serve: JSON documents only. */
  static final Set<Representation> JSON_ONLY = EnumSet.of(JSON);
  /** What health checks, metrics and diffs serve. */
  static final Set<Representation> TEXT_ONLY = EnumSet.of(TEXT);
  /** What a watch serves (Server-Sent Events carry objects only). */
  static final Set<Representation> WATCH = EnumSet.of(JSON, TABLE_V1, TABLE_V1BETA1, EVENT_STREAM);

  private final String mediaType;

  Representation(String mediaType) {
    this.mediaType = mediaType;
  }

  /** The Content-Type of an answer in this representation. */
  String mediaType() {
    return mediaType;
  }

  boolean isTable() {
    return this == TABLE_V1 || this == TABLE_V1BETA1;
  }

  /** The Table's {@code apiVersion} ({@code meta.k8s.io/v1} or {@code meta.k8s.io/v1beta1}). */
  String tableApiVersion() {
    return TABLE_GROUP + (this == TABLE_V1BETA1 ? "/v1beta1" : "/v1");
  }

  /** The representation {@code req}'s Accept header prefers among {@code offered}; 406 if none. */
  static Representation negotiate(HttpRequest req, Set<Representation> offered) {
    return negotiate(req.headers().get(HttpHeaderNames.ACCEPT), offered);
  }

  static Representation negotiate(String accept, Set<Representation> offered) {
    if (accept == null || accept.isBlank()) {
      return JSON;
    }
    List<Clause> clauses = new ArrayList<>();
    String[] parts = accept.split(",");
    for (int i = 0; i < parts.length; i++) {
      Clause c = Clause.parse(parts[i], i);
      if (c != null && c.q > 0) {
        clauses.add(c);
      }
    }
    clauses.sort(ORDER);
    for (Clause c : clauses) {
      for (Representation r : values()) { // declaration order: JSON first for wildcards
        if (offered.contains(r) && c.accepts(r)) {
          return r;
        }
      }
    }
    throw new ApiException(ApiException.Reason.NOT_ACCEPTABLE, "Accept \"" + LogSafe.value(accept)
        + "\" names nothing this endpoint serves; it serves: "
        + offered.stream().map(Representation::mediaType).collect(Collectors.joining(", ")),
        Map.of("accept", offered.stream().map(Representation::mediaType).toList()), null);
  }

  /** Highest q first, then the more specific, then the earlier in the header. */
  private static final Comparator<Clause> ORDER = Comparator.comparingDouble((Clause c) -> c.q).reversed()
      .thenComparing(Comparator.comparingInt(Clause::specificity).reversed())
      .thenComparingInt(c -> c.position);

  /** One media range of an Accept header. */
  private record Clause(String type, String subtype, Map<String, String> params, double q, int position) {

    /** Null for a clause that is not a media range at all (ignored, as Go's parser does). */
    static Clause parse(String text, int position) {
      String[] segs = text.split(";");
      String range = segs[0].trim().toLowerCase(Locale.ROOT);
      int slash = range.indexOf('/');
      if (slash <= 0 || slash == range.length() - 1) {
        return null;
      }
      Map<String, String> params = new java.util.HashMap<>();
      double q = 1;
      for (int i = 1; i < segs.length; i++) {
        String p = segs[i].trim();
        int eq = p.indexOf('=');
        if (eq <= 0) {
          continue;
        }
        String k = p.substring(0, eq).trim().toLowerCase(Locale.ROOT);
        String v = p.substring(eq + 1).trim();
        if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
          v = v.substring(1, v.length() - 1);
        }
        if (k.equals("q")) {
          try {
            q = Double.parseDouble(v);
          } catch (NumberFormatException e) {
            q = 0; // an unreadable weight: the clause is not taken
          }
        } else {
          params.put(k, v);
        }
      }
      return new Clause(range.substring(0, slash), range.substring(slash + 1), Map.copyOf(params), q, position);
    }

    private boolean matchesType(String mediaType) {
      String[] ts = mediaType.split(";")[0].split("/");
      return (type.equals("*") || type.equals(ts[0])) && (subtype.equals("*") || subtype.equals(ts[1]));
    }

    int specificity() {
      return (type.equals("*") ? 0 : 2) + (subtype.equals("*") ? 0 : 1);
    }

    boolean accepts(Representation r) {
      if (!matchesType(r.mediaType) && !(r == XML && matchesType("text/xml"))) {
        return false;
      }
      String as = params.get("as");
      if (as == null) {
        return !r.isTable() && !params.containsKey("g") && !params.containsKey("v");
      }
      if (!r.isTable() || !as.equals("Table") || !TABLE_GROUP.equals(params.get("g"))) {
        return false;
      }
      return (r == TABLE_V1 ? "v1" : "v1beta1").equals(params.get("v"));
    }
  }
}
