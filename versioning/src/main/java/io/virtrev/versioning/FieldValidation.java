package io.virtrev.versioning;

import java.util.Locale;

/**
 * Kubernetes' {@code fieldValidation} for a define (POST, PUT), mapped onto libvirt's schema check:
 * <ul>
 *   <li>{@code Strict}: define with {@code VIR_DOMAIN_DEFINE_VALIDATE}; XML that does not validate
 *       against libvirt's schema is refused (422) and nothing changes;
 *   <li>{@code Warn}: as Strict, but XML that fails only the schema check is then defined without it,
 *       and the answer carries a {@code Warning} with libvirt's schema message (libvirt drops what it
 *       does not know: compare {@code spec.xml} with what was sent);
 *   <li>{@code Ignore}: define without the schema check (libvirt's plain {@code virDomainDefineXML}):
 *       faster, and unknown elements vanish silently.
 * </ul>
 * Malformed XML and values libvirt cannot parse are refused in every mode.
 */
public enum FieldValidation {
  STRICT("Strict"),
  WARN("Warn"),
  IGNORE("Ignore");

  private final String wireName;

  FieldValidation(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  /** Parses a wire name (case-insensitive, as a convenience for curl users); 400 for anything else. */
  public static FieldValidation parse(String value) {
    for (FieldValidation v : values()) {
      if (v.wireName.equalsIgnoreCase(value.trim())) {
        return v;
      }
    }
    throw new StoreException(StoreException.Reason.MALFORMED, "fieldValidation \"" + value
        + "\" is not one of Strict, Warn, Ignore");
  }

  @Override
  public String toString() {
    return wireName;
  }
}
