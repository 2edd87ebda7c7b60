package io.virtrev.versioning;

import java.util.Map;

/**
 * One action on an object other than a domain ({@code POST .../{name}/{verb}}), with its argument:
 * {@code enabled} for {@code autostart}, {@code capacity} (bytes) for {@code resize}, none otherwise.
 * Which verbs a kind accepts is {@link KindMutations#actions()}. Immutable.
 *
 * <ul>
 *   <li>networks: {@code start}, {@code destroy}, {@code autostart} (enabled);
 *   <li>storage pools: {@code start}, {@code destroy}, {@code refresh}, {@code build}, {@code autostart} (enabled);
 *   <li>storage volumes: {@code resize} (capacity, bytes; may shrink);
 *   <li>domain snapshots: {@code revert}.
 * </ul>
 */
public record ObjectAction(String verb, Boolean enabled, Long capacity) {
  public static final String START = "start";
  public static final String DESTROY = "destroy";
  public static final String REFRESH = "refresh";
  public static final String BUILD = "build";
  public static final String AUTOSTART = "autostart";
  public static final String RESIZE = "resize";
  public static final String REVERT = "revert";

  /**
   * @throws StoreException MALFORMED if the verb is missing, {@code autostart} has no {@code enabled},
   *     {@code resize} no non-negative {@code capacity}, or another verb carries an argument
   */
  public ObjectAction {
    if (verb == null || verb.isEmpty()) {
      throw bad("an action needs a verb");
    }
    if (AUTOSTART.equals(verb) && enabled == null) {
      throw bad("autostart needs enabled=true or enabled=false");
    }
    if (RESIZE.equals(verb) && (capacity == null || capacity < 0)) {
      throw bad("resize needs a capacity in bytes (a number >= 0), got " + capacity);
    }
    if (!AUTOSTART.equals(verb) && enabled != null) {
      throw bad(verb + " takes no enabled argument");
    }
    if (!RESIZE.equals(verb) && capacity != null) {
      throw bad(verb + " takes no capacity argument");
    }
  }

  /** An action without argument. */
  public static ObjectAction of(String verb) {
    return new ObjectAction(verb, null, null);
  }

  public static ObjectAction autostart(boolean enabled) {
    return new ObjectAction(AUTOSTART, enabled, null);
  }

  public static ObjectAction resize(long capacityBytes) {
    return new ObjectAction(RESIZE, null, capacityBytes);
  }

  private static StoreException bad(String message) {
    return new StoreException(StoreException.Reason.MALFORMED, message, Map.of(), null);
  }
}
