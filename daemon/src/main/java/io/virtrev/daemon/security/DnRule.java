package io.virtrev.daemon.security;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A client-certificate rule {@code ROLE:DN-PATTERN}: a certificate whose subject DN (RFC 2253, e.g.
 * {@code CN=platform,O=Example}) matches the pattern gets the role. {@code *} in the pattern matches any
 * run of characters within one attribute value (it does not cross an unescaped comma), like libvirt's
 * {@code tls_allowed_dn_list}. A certificate no rule matches is refused.
 */
public record DnRule(Role role, String pattern, Pattern regex) {

  public static DnRule parse(String spec) {
    int colon = spec.indexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException("client DN rule '" + spec + "': expected ROLE:DN-PATTERN, e.g. write:CN=platform,O=Example");
    }
    Role role = Role.parse(spec.substring(0, colon).strip());
    String pattern = spec.substring(colon + 1).strip();
    // '*' stays inside one attribute value: it never spans an unescaped ',' (so CN=*,O=Example cannot
    // be satisfied by a CN whose value is "x\\,O=Example").
    String re = Arrays.stream(pattern.split("\\*", -1)).map(Pattern::quote)
        .collect(Collectors.joining("(?:[^,\\\\]|\\\\.)*"));
    return new DnRule(role, pattern, Pattern.compile(re));
  }

  /** The role of the first rule that matches {@code dn}. */
  public static Optional<Role> roleFor(List<DnRule> rules, String dn) {
    for (DnRule r : rules) {
      if (r.regex().matcher(dn).matches()) {
        return Optional.of(r.role());
      }
    }
    return Optional.empty();
  }
}
