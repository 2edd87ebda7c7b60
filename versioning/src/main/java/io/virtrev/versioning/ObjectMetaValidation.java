package io.virtrev.versioning;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Kubernetes' rules for labels and annotations (apimachinery {@code ValidateLabels},
 * {@code ValidateAnnotations}): every key a qualified name ({@code [prefix/]name}: the name at most 63
 * characters of alphanumerics, {@code -}, {@code _}, {@code .}, starting and ending alphanumeric; the
 * prefix a DNS-1123 subdomain of at most 253); a label value empty or at most 63 characters of the
 * same kind as a name; annotations at most 256 KiB in all (keys and values, UTF-8). Also, since they
 * are written into XML: no character XML 1.0 cannot carry. Stateless.
 */
public final class ObjectMetaValidation {
  static final int MAX_ANNOTATION_BYTES = 256 * 1024;
  private static final Pattern NAME = Pattern.compile("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]");
  private static final Pattern SUBDOMAIN =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  private static final Pattern XML_CHARS = Pattern.compile("[\\x{9}\\x{A}\\x{D}\\x{20}-\\x{D7FF}\\x{E000}-\\x{FFFD}"
      + "\\x{10000}-\\x{10FFFF}]*");

  private ObjectMetaValidation() {}

  /**
   * @throws StoreException INVALID (422) naming every offending key (or the size), with one
   *     {@code details.causes} entry each
   */
  public static void check(ObjectMetaXml.Maps maps) {
    List<String[]> causes = new ArrayList<>(); // {field, message}
    maps.labels().forEach((k, v) -> {
      key("metadata.labels", k, causes);
      String problem = labelValueProblem(v);
      if (problem != null) {
        causes.add(new String[] {"metadata.labels", "Invalid value: \"" + shown(v) + "\" (label " + shown(k) + "): "
            + problem});
      }
    });
    long bytes = 0;
    for (Map.Entry<String, String> e : maps.annotations().entrySet()) {
      key("metadata.annotations", e.getKey(), causes);
      if (!XML_CHARS.matcher(e.getValue()).matches()) {
        causes.add(new String[] {"metadata.annotations", "Invalid value for annotation " + shown(e.getKey())
            + ": holds a control character XML cannot carry"});
      }
      bytes += e.getKey().getBytes(StandardCharsets.UTF_8).length
          + e.getValue().getBytes(StandardCharsets.UTF_8).length;
    }
    if (bytes > MAX_ANNOTATION_BYTES) {
      causes.add(new String[] {"metadata.annotations", "Too long: may not be more than " + MAX_ANNOTATION_BYTES
          + " bytes (annotations take " + bytes + ")"});
    }
    if (causes.isEmpty()) {
      return;
    }
    List<Map<String, Object>> details = new ArrayList<>();
    List<String> messages = new ArrayList<>();
    for (String[] c : causes) {
      details.add(Map.of("reason", "FieldValueInvalid", "field", c[0], "message", c[1]));
      messages.add(c[0] + ": " + c[1]);
    }
    throw new StoreException(StoreException.Reason.INVALID, "Domain is invalid: " + String.join(", ", messages),
        Map.of("kind", "domains", "causes", details), null);
  }

  private static void key(String field, String k, List<String[]> causes) {
    String problem = keyProblem(k);
    if (problem != null) {
      causes.add(new String[] {field, "Invalid value: \"" + shown(k) + "\": " + problem});
    }
  }

  /** Why {@code v} is not a label value, or null if it is one. */
  static String labelValueProblem(String v) {
    if (v.isEmpty()) {
      return null;
    }
    if (v.length() > 63) {
      return "must be no more than 63 characters";
    }
    return NAME.matcher(v).matches() ? null : "a valid label must be an empty string or consist of alphanumeric"
        + " characters, '-', '_' or '.', and must start and end with an alphanumeric character";
  }

  /** Why {@code k} is not a qualified name, or null if it is one. */
  static String keyProblem(String k) {
    int slash = k.indexOf('/');
    String name = slash < 0 ? k : k.substring(slash + 1);
    if (slash >= 0) {
      String prefix = k.substring(0, slash);
      if (prefix.isEmpty()) {
        return "prefix part must be non-empty";
      }
      if (prefix.length() > 253) {
        return "prefix part must be no more than 253 characters";
      }
      if (!SUBDOMAIN.matcher(prefix).matches()) {
        return "prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters,"
            + " '-' or '.', and must start and end with an alphanumeric character";
      }
    }
    if (name.isEmpty()) {
      return "name part must be non-empty";
    }
    if (name.length() > 63) {
      return "name part must be no more than 63 characters";
    }
    if (!NAME.matcher(name).matches()) {
      return "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with"
          + " an alphanumeric character";
    }
    return null;
  }

  private static String shown(String s) {
    return s.length() > 80 ? s.substring(0, 80) + "..." : s;
  }
}
