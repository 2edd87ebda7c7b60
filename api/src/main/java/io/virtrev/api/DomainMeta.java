package io.virtrev.api;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Identity and versioning of a domain, with Kubernetes' object metadata. The uuid is the identity: a
 * rename keeps the uuid and is a MODIFIED change; {@code uid} is the same uuid under Kubernetes' name
 * (served, never read: it cannot differ). {@code generation} counts changes of the desired state (the
 * config XML other than its labels and annotations) and starts at 1; {@code resourceVersion} is the
 * revision of the object's last change of any kind. {@code creationTimestamp} is when the store committed
 * {@code creationRevision} (whole seconds, UTC; null only for objects stored by a virtrevd that did not
 * keep it). {@code labels} and {@code annotations} are read from the config XML's virtrev metadata
 * element; never null (empty when the XML has none), sorted by key, omitted from JSON when empty.
 */
@JsonClassDescription("Identity and versioning of a domain (a subset of Kubernetes' ObjectMeta, plus"
    + " libvirt's uuid).")
@JsonIgnoreProperties(value = {"uid"}, allowGetters = true)
public record DomainMeta(
    @JsonPropertyDescription("The domain's name in libvirt, unique on the host. A rename keeps the uuid.")
    String name,
    @JsonPropertyDescription("libvirt's UUID of the domain: its identity, kept across renames. Addresses the"
        + " domain in every path as its name does. The same value as uid.")
    String uuid,
    @JsonPropertyDescription("The revision of the object's last change of any kind: a store-wide counter,"
        + " opaque to clients (a decimal string). Sent back in a PUT or PATCH, it makes the update conditional"
        + " (409 Conflict if the domain changed since).")
    Revision resourceVersion,
    @JsonPropertyDescription("Counts changes of spec.xml (the desired state), starting at 1. Labels and"
        + " annotations do not count.")
    long generation,
    @JsonPropertyDescription("The revision at which the store first saw this domain.")
    Revision creationRevision,
    @JsonPropertyDescription("When the store first saw this domain (RFC 3339, UTC, whole seconds). A fresh"
        + " data directory stamps it anew.")
    Instant creationTimestamp,
    @JsonPropertyDescription("The user's labels, kept in the domain's own libvirt XML (<metadata>, namespace"
        + " https://virtrev.io/xmlns/domain/v1). Selected by labelSelector.")
    @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, String> labels,
    @JsonPropertyDescription("The user's annotations, kept in the domain's own libvirt XML beside the labels.")
    @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, String> annotations) {

  public DomainMeta {
    creationTimestamp = creationTimestamp == null ? null : creationTimestamp.truncatedTo(ChronoUnit.SECONDS);
    labels = sorted(labels);
    annotations = sorted(annotations);
  }

  /** Without labels or annotations. */
  public DomainMeta(String name, String uuid, Revision resourceVersion, long generation, Revision creationRevision,
      Instant creationTimestamp) {
    this(name, uuid, resourceVersion, generation, creationRevision, creationTimestamp, Map.of(), Map.of());
  }

  /** Kubernetes' name for the uuid. */
  @JsonProperty("uid")
  @JsonPropertyDescription("Kubernetes' name for the uuid: the libvirt UUID, which clients key caches on.")
  public String uid() {
    return uuid;
  }

  public DomainMeta withResourceVersion(Revision rv) {
    return new DomainMeta(name, uuid, rv, generation, creationRevision, creationTimestamp, labels, annotations);
  }

  private static SortedMap<String, String> sorted(Map<String, String> m) {
    if (m == null || m.isEmpty()) {
      return Collections.emptySortedMap();
    }
    TreeMap<String, String> copy = new TreeMap<>();
    m.forEach((k, v) -> {
      if (k == null || v == null) {
        throw new IllegalArgumentException("labels and annotations have no null keys or values: " + k + "=" + v);
      }
      copy.put(k, v);
    });
    return Collections.unmodifiableSortedMap(copy);
  }
}
