package io.virtrev.versioning;

import io.virtrev.api.Domain;
import io.virtrev.api.Revision;
import java.util.HashMap;
import java.util.Map;

/**
 * What a conditional request expects of the stored object, and how a mismatch is reported: 412
 * PreconditionFailed for HTTP's {@code If-Match}, 409 Conflict for Kubernetes'
 * {@code metadata.resourceVersion} and delete {@code preconditions}.
 *
 * @param resourceVersion the RV the client last saw; null = any
 * @param uid the uuid the client expects; null = any
 * @param onMismatch {@link StoreException.Reason#PRECONDITION_FAILED} or {@link StoreException.Reason#CONFLICT}
 * @param also another precondition that must hold too, checked after this one, failing its own way
 *     (null: none)
 * @param generation the {@code metadata.generation} the client's XML was read at, from its edit-base
 *     marker ({@link io.virtrev.api.EditBase}); null = any. Only the config XML counts: a state change
 *     (start, stop) since the read does not fail it.
 */
public record Precondition(Revision resourceVersion, String uid, StoreException.Reason onMismatch, Precondition also,
    Long generation) {
  public static final Precondition NONE = new Precondition(null, null, StoreException.Reason.CONFLICT, null, null);

  public Precondition(Revision resourceVersion, String uid, StoreException.Reason onMismatch) {
    this(resourceVersion, uid, onMismatch, null, null);
  }

  /** The domain's config XML must still be at {@code generation} (409 Conflict otherwise). */
  public static Precondition generation(long generation) {
    return new Precondition(null, null, StoreException.Reason.CONFLICT, null, generation);
  }

  public boolean isNone() {
    return resourceVersion == null && uid == null && also == null && generation == null;
  }

  /** Both preconditions together: each keeps its own way of failing (412 or 409); this one first. */
  public Precondition and(Precondition other) {
    if (other.isNone()) {
      return this;
    }
    if (isNone()) {
      return other;
    }
    if (resourceVersion != null && other.resourceVersion != null && !resourceVersion.equals(other.resourceVersion)) {
      throw new StoreException(StoreException.Reason.MALFORMED, "two different resource versions given: "
          + resourceVersion + " and " + other.resourceVersion);
    }
    return new Precondition(resourceVersion, uid, onMismatch, also == null ? other : also.and(other), generation);
  }

  /** Throws the mismatch error unless {@code current} satisfies this precondition. */
  public void check(Domain current) {
    check(Kind.DOMAINS, current.metadata());
  }

  /** Throws the mismatch error unless the object of {@code kind} with metadata {@code current} satisfies this precondition. */
  public void check(Kind kind, io.virtrev.api.DomainMeta current) {
    checkThis(kind, current);
    if (also != null) {
      also.check(kind, current);
    }
  }

  private void checkThis(Kind kind, io.virtrev.api.DomainMeta current) {
    String noun = singular(kind);
    if (uid != null && !Uuids.normalize(uid).equals(current.uuid())) {
      throw mismatch(kind, current, "uid precondition failed: expected " + uid + ", the " + noun + "'s uid is "
          + current.uuid());
    }
    if (resourceVersion != null && !resourceVersion.equals(current.resourceVersion())) {
      String verb = onMismatch == StoreException.Reason.CONFLICT ? "Operation cannot be fulfilled on " + noun
          : "precondition failed for " + noun;
      throw mismatch(kind, current, verb + " \"" + current.name() + "\": the object has been modified (resourceVersion "
          + resourceVersion + " expected, current is " + current.resourceVersion()
          + "); read it again and retry with the new resourceVersion");
    }
    if (generation != null && generation != current.generation()) {
      throw mismatch(kind, current, "Operation cannot be fulfilled on " + noun + " \"" + current.name()
          + "\": its XML changed since generation " + generation + " was read (now generation "
          + current.generation() + ", resourceVersion " + current.resourceVersion() + "), by virsh or another"
          + " client; nothing was changed. Read the " + noun + " again and re-apply your change (the"
          + " <?virtrev-base?> line of spec.xml names the generation an edit is based on)");
    }
  }

  /** How messages name one object of {@code kind}. */
  static String singular(Kind kind) {
    return switch (kind) {
      case DOMAINS -> "domain";
      case NETWORKS -> "network";
      case STORAGE_POOLS -> "storage pool";
      case STORAGE_VOLUMES -> "storage volume";
      case DOMAIN_SNAPSHOTS -> "domain snapshot";
    };
  }

  private StoreException mismatch(Kind kind, io.virtrev.api.DomainMeta current, String message) {
    Map<String, Object> details = new HashMap<>();
    details.put("name", current.name());
    details.put("uid", current.uuid());
    details.put("kind", kind.key());
    details.put("currentResourceVersion", current.resourceVersion().toString());
    if (generation != null) {
      details.put("currentGeneration", current.generation());
    }
    return new StoreException(onMismatch, message, details, null);
  }
}
