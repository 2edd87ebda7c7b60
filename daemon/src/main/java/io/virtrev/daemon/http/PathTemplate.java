package io.virtrev.daemon.http;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A route's path: literal segments, named parameters ({@code {name}}: any non-empty segment) and closed
 * choices ({@code {action}}: one of a fixed list). Immutable.
 *
 * <p>Three renderings, each from the segments alone: the metric label ({@link #label}: a parameter is
 * {@code {id}}, a choice {@code {action}}, so labels form a closed set), the OpenAPI path
 * ({@link #openApiPaths}: a parameter is {@code {name}}, one path per choice), and the endpoint named in
 * messages ({@link #display}: a parameter is {@code {name}}, a choice the value requested).
 */
record PathTemplate(List<Segment> segments) {

  /** One segment of a template. */
  sealed interface Segment permits Literal, Param, Choice {}

  /** Matches exactly {@code text}. */
  record Literal(String text) implements Segment {}

  /** Matches any non-empty segment; its value is the parameter {@code name}. */
  record Param(String name) implements Segment {}

  /** Matches one of {@code values}; its value is the parameter {@code name}. */
  record Choice(String name, List<String> values) implements Segment {
    Choice {
      values = List.copyOf(values);
    }
  }

  PathTemplate {
    segments = List.copyOf(segments);
    List<String> names = new ArrayList<>();
    for (Segment s : segments) {
      String n = s instanceof Param p ? p.name() : s instanceof Choice c ? c.name() : null;
      if (n != null && names.contains(n)) {
        throw new IllegalArgumentException("parameter {" + n + "} twice in " + segments);
      }
      if (n != null) {
        names.add(n);
      }
    }
  }

  /** A template of literal segments only: {@code /a/b} is {@code [a, b]}. */
  static PathTemplate of(String path) {
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException("a path starts with /: " + path);
    }
    List<Segment> s = new ArrayList<>();
    for (String part : path.substring(1).split("/", -1)) {
      s.add(new Literal(part));
    }
    return new PathTemplate(s);
  }

  /** This template with a literal segment after it. */
  PathTemplate literal(String text) {
    return with(new Literal(text));
  }

  /** This template with a parameter segment after it. */
  PathTemplate param(String name) {
    return with(new Param(name));
  }

  /** This template with a choice segment after it. */
  PathTemplate choice(String name, List<String> values) {
    return with(new Choice(name, values));
  }

  private PathTemplate with(Segment s) {
    List<Segment> l = new ArrayList<>(segments);
    l.add(s);
    return new PathTemplate(l);
  }

  /** The parameters of {@code path} (its segments after the leading {@code /}), or null if it does not match. */
  Map<String, String> match(String[] path) {
    if (path.length != segments.size()) {
      return null;
    }
    Map<String, String> params = null;
    for (int i = 0; i < path.length; i++) {
      Segment s = segments.get(i);
      String p = path[i];
      if (s instanceof Literal l) {
        if (!l.text().equals(p)) {
          return null;
        }
      } else if (s instanceof Param param) {
        if (p.isEmpty()) {
          return null;
        }
        params = put(params, param.name(), p);
      } else if (s instanceof Choice c) {
        if (!c.values().contains(p)) {
          return null;
        }
        params = put(params, c.name(), p);
      }
    }
    return params == null ? Map.of() : params;
  }

  private static Map<String, String> put(Map<String, String> params, String name, String value) {
    Map<String, String> m = params == null ? new LinkedHashMap<>() : params;
    m.put(name, value);
    return m;
  }

  /** True if some path matches both templates. */
  boolean overlaps(PathTemplate other) {
    if (segments.size() != other.segments.size()) {
      return false;
    }
    for (int i = 0; i < segments.size(); i++) {
      if (!overlap(segments.get(i), other.segments.get(i))) {
        return false;
      }
    }
    return true;
  }

  private static boolean overlap(Segment a, Segment b) {
    if (a instanceof Param || b instanceof Param) {
      return !(a instanceof Literal l && l.text().isEmpty()) && !(b instanceof Literal l2 && l2.text().isEmpty());
    }
    List<String> av = a instanceof Literal l ? List.of(l.text()) : ((Choice) a).values();
    List<String> bv = b instanceof Literal l ? List.of(l.text()) : ((Choice) b).values();
    return av.stream().anyMatch(bv::contains);
  }

  /** True if every path this template matches starts with {@code prefix}'s segments. */
  boolean startsWith(PathTemplate prefix) {
    return segments.size() >= prefix.segments.size() && segments.subList(0, prefix.segments.size()).equals(prefix.segments);
  }

  /** The metric label: {@code /apis/virtrev.io/v1/domains/{id}/{action}}. */
  String label() {
    StringBuilder b = new StringBuilder();
    for (Segment s : segments) {
      b.append('/').append(s instanceof Literal l ? l.text() : s instanceof Param ? "{id}" : "{" + ((Choice) s).name() + "}");
    }
    return b.toString();
  }

  /** The endpoint for messages: parameters as {@code {name}}, a choice as its value in {@code params}. */
  String display(Map<String, String> params) {
    StringBuilder b = new StringBuilder();
    for (Segment s : segments) {
      b.append('/').append(s instanceof Literal l ? l.text() : s instanceof Param p ? "{" + p.name() + "}"
          : params.get(((Choice) s).name()));
    }
    return b.toString();
  }

  /** The OpenAPI paths: parameters as {@code {name}}, one path per value of each choice. */
  List<String> openApiPaths() {
    List<String> out = List.of("");
    for (Segment s : segments) {
      List<String> next = new ArrayList<>();
      for (String prefix : out) {
        if (s instanceof Choice c) {
          c.values().forEach(v -> next.add(prefix + "/" + v));
        } else {
          next.add(prefix + "/" + (s instanceof Literal l ? l.text() : "{" + ((Param) s).name() + "}"));
        }
      }
      out = next;
    }
    return List.copyOf(out);
  }

  @Override
  public String toString() {
    return label();
  }
}
