package io.virtrev.daemon.security;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A client-certificate rule {@code ROLE:DN-PATTERN}: a certificate whose subject DN matches the
 * pattern gets the role. The pattern is a list of {@code TYPE=VALUE} attributes separated by commas
 * ({@code CN=platform,O=Example}); it matches a DN with exactly these attributes in any order (Java
 * prints a DN in RFC 2253 order, the reverse of {@code openssl -subj /CN=platform/O=Example}). Types
 * compare case-insensitively. {@code *} in a value matches any run of characters within that value
 * (it never crosses an unescaped {@code ,} or {@code +}), like libvirt's {@code tls_allowed_dn_list}.
 * A certificate no rule matches is refused. Immutable.
 */
public record DnRule(Role role, String pattern, List<Attribute> attributes) {

  /** One {@code TYPE=VALUE} of a pattern: the upper-case type and the value as a regex. */
  public record Attribute(String type, Pattern value) {}

  public DnRule {
    attributes = List.copyOf(attributes);
  }

  public static DnRule parse(String spec) {
    int colon = spec.indexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException("client DN rule '" + spec + "': expected ROLE:DN-PATTERN, e.g. write:CN=platform,O=Example");
    }
    Role role = Role.parse(spec.substring(0, colon).strip());
    String pattern = spec.substring(colon + 1).strip();
    List<Attribute> attrs = new ArrayList<>();
    for (String rdn : splitRdns(pattern)) {
      int eq = rdn.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("client DN rule '" + spec + "': '" + rdn
            + "' is not TYPE=VALUE, e.g. CN=platform");
      }
      // '*' stays inside one attribute value: it never spans an unescaped ',' or '+' (so CN=*,O=Example
      // cannot be satisfied by a CN whose value is "x\\,O=Example").
      String re = java.util.Arrays.stream(rdn.substring(eq + 1).strip().split("\\*", -1)).map(Pattern::quote)
          .collect(Collectors.joining("(?:[^,+\\\\]|\\\\.)*"));
      attrs.add(new Attribute(type(rdn.substring(0, eq)), Pattern.compile(re)));
    }
    return new DnRule(role, pattern, attrs);
  }

  /** The role of the first rule that matches {@code dn} (RFC 2253, as Java prints it). */
  public static Optional<Role> roleFor(List<DnRule> rules, String dn) {
    List<String> rdns = splitRdns(dn);
    for (DnRule r : rules) {
      if (r.matches(rdns)) {
        return Optional.of(r.role());
      }
    }
    return Optional.empty();
  }

  private boolean matches(List<String> rdns) {
    return rdns.size() == attributes.size() && assign(rdns, 0, new boolean[rdns.size()]);
  }

  /** Whether attributes from {@code i} on can each take a distinct unused RDN (backtracking; DNs are short). */
  private boolean assign(List<String> rdns, int i, boolean[] used) {
    if (i == attributes.size()) {
      return true;
    }
    Attribute a = attributes.get(i);
    for (int j = 0; j < rdns.size(); j++) {
      String rdn = rdns.get(j);
      int eq = rdn.indexOf('=');
      if (used[j] || eq <= 0 || !type(rdn.substring(0, eq)).equals(a.type())
          || !a.value().matcher(rdn.substring(eq + 1)).matches()) {
        continue;
      }
      used[j] = true;
      if (assign(rdns, i + 1, used)) {
        return true;
      }
      used[j] = false;
    }
    return false;
  }

  private static String type(String t) {
    return t.strip().toUpperCase(Locale.ROOT);
  }

  /** Splits a DN at its unescaped commas. */
  private static List<String> splitRdns(String dn) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    for (int i = 0; i < dn.length(); i++) {
      char c = dn.charAt(i);
      if (c == '\\' && i + 1 < dn.length()) {
        cur.append(c).append(dn.charAt(++i));
      } else if (c == ',') {
        out.add(cur.toString());
        cur.setLength(0);
      } else {
        cur.append(c);
      }
    }
    out.add(cur.toString());
    return out;
  }
}
