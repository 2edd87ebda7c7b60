package io.virtrev.api;

/**
 * A libvirt domain as observed at one revision. Immutable; a change is a new instance with a new
 * {@code metadata.resourceVersion}.
 */
public record Domain(String apiVersion, String kind, DomainMeta metadata, DomainSpec spec, DomainStatus status) {
  public static final String API_VERSION = "virtrev.io/v1";
  public static final String KIND = "Domain";

  public Domain {
    if (metadata == null || spec == null || status == null) {
      throw new IllegalArgumentException("metadata, spec and status are required");
    }
  }

  public static Domain of(DomainMeta metadata, DomainSpec spec, DomainStatus status) {
    return new Domain(API_VERSION, KIND, metadata, spec, status);
  }

  public Domain withMetadata(DomainMeta m) {
    return new Domain(apiVersion, kind, m, spec, status);
  }

  public String uuid() {
    return metadata.uuid();
  }

  public String name() {
    return metadata.name();
  }

  public Revision resourceVersion() {
    return metadata.resourceVersion();
  }
}
