package io.virtrev.versioning;

import io.virtrev.api.Domain;
import java.util.Comparator;

/**
 * A position in list order: name, then uuid (names are unique at every revision, the uuid only breaks
 * ties defensively). The order is {@link String#compareTo}, the same as {@link Snapshot#items()}.
 */
public record ListKey(String name, String uuid) implements Comparable<ListKey> {
  static final Comparator<ListKey> ORDER = Comparator.comparing(ListKey::name).thenComparing(ListKey::uuid);

  public ListKey {
    if (name == null || uuid == null) {
      throw new IllegalArgumentException("list key needs a name and a uuid: " + name + "/" + uuid);
    }
  }

  public static ListKey of(Domain d) {
    return new ListKey(d.name(), d.uuid());
  }

  @Override
  public int compareTo(ListKey o) {
    return ORDER.compare(this, o);
  }
}
