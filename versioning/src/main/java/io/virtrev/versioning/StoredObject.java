package io.virtrev.versioning;

import io.virtrev.api.Domain;
import io.virtrev.api.Revision;
import java.util.Map;

/**
 * The store's view of one object, whatever its kind: the key it is stored under ({@code kind},
 * {@code uid}), the name it is listed and found by (unique within its kind and owner at every
 * revision), the object it belongs to ({@code ownerUid}: a volume's pool, a snapshot's domain; null
 * for kinds that belong to nothing), its revision, and the columns selectors read without parsing the
 * object ({@code state}, {@code labels}). The served JSON travels beside it, in the {@link StoredEvent}'s
 * line. A kind plugs into the store by giving this view of its objects, as {@link #of(Domain)} does.
 */
public record StoredObject(Kind kind, String uid, String name, String ownerUid, Revision resourceVersion,
    String state, Map<String, String> labels) {
  public StoredObject {
    if (kind == null || uid == null || name == null) {
      throw new IllegalArgumentException("a stored object needs a kind, a uid and a name: " + kind + "/" + uid
          + "/" + name);
    }
    labels = labels == null ? Map.of() : labels;
  }

  /** A domain: keyed by its libvirt uuid, owned by nothing. */
  public static StoredObject of(Domain d) {
    return new StoredObject(Kind.DOMAINS, d.uuid(), d.name(), null, d.resourceVersion(), d.status().state(),
        d.metadata().labels());
  }
}
