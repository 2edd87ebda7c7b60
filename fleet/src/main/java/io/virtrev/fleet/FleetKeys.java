package io.virtrev.fleet;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The fleet's key layout in etcd (docs/fleet.md, "Key layout"), in one place. Every key is under
 * {@link #ROOT}; a kind is its plural resource name ({@code domains}, {@code networks}, ...).
 *
 * <ul>
 *   <li>{@code /virtrev/v1/hosts/<host>}: the host's registration, under a lease;
 *   <li>{@code /virtrev/v1/hosts/<host>/progress}: the last host revision mirrored;
 *   <li>{@code /virtrev/v1/objects/<kind>/<host>/<uid>}: an object as its host serves it.
 * </ul>
 */
public final class FleetKeys {
  public static final String ROOT = "/virtrev/v1/";
  public static final String HOSTS = ROOT + "hosts/";
  public static final String OBJECTS = ROOT + "objects/";

  /** A host name: a DNS label, so that {@code <host>.<name>} splits at the first dot. */
  private static final Pattern HOST = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

  private FleetKeys() {}

  /** Whether {@code host} may name a fleet host. */
  public static boolean validHost(String host) {
    return host != null && HOST.matcher(host).matches();
  }

  /**
   * {@code host} if valid.
   *
   * @throws IllegalArgumentException with the rule, if not
   */
  public static String checkHost(String host) {
    if (!validHost(host)) {
      throw new IllegalArgumentException("host name '" + host + "' is not a DNS label "
          + "(lower-case letters, digits and '-', at most 63, starting and ending with a letter or digit)");
    }
    return host;
  }

  public static String registration(String host) {
    return HOSTS + checkHost(host);
  }

  public static String progress(String host) {
    return HOSTS + checkHost(host) + "/progress";
  }

  /** Every object of every kind of every host. */
  public static String allObjects() {
    return OBJECTS;
  }

  /** Every object of {@code kind}, every host. */
  public static String kind(String kind) {
    return OBJECTS + Objects.requireNonNull(kind) + "/";
  }

  /** Every object of {@code kind} on {@code host}. */
  public static String kindOnHost(String kind, String host) {
    return kind(kind) + checkHost(host) + "/";
  }

  public static String object(String kind, String host, String uid) {
    return kindOnHost(kind, host) + Objects.requireNonNull(uid);
  }

  /** The parts of an object key, or null if {@code key} is not one. */
  public static ObjectKey parse(String key) {
    if (!key.startsWith(OBJECTS)) {
      return null;
    }
    String[] parts = key.substring(OBJECTS.length()).split("/", -1);
    if (parts.length != 3 || parts[0].isEmpty() || !validHost(parts[1]) || parts[2].isEmpty()) {
      return null;
    }
    return new ObjectKey(parts[0], parts[1], parts[2]);
  }

  /** An object key's parts. */
  public record ObjectKey(String kind, String host, String uid) {}

  /** The fleet-wide uid of a host's object (docs/fleet.md, "uid"). */
  public static String fleetUid(String host, String kind, String hostUid) {
    return UUID.nameUUIDFromBytes(("fleet/" + host + "/" + kind + "/" + hostUid).getBytes(StandardCharsets.UTF_8))
        .toString();
  }

  /**
   * The parts of a fleet name {@code <host>.<name>} (split at the first dot: a host name has none), or null
   * if {@code fleetName} is not one (no dot, no valid host before it, nothing after it).
   */
  public static FleetName splitName(String fleetName) {
    int dot = fleetName == null ? -1 : fleetName.indexOf('.');
    if (dot <= 0 || dot == fleetName.length() - 1) {
      return null;
    }
    String host = fleetName.substring(0, dot);
    return validHost(host) ? new FleetName(host, fleetName.substring(dot + 1)) : null;
  }

  /** A fleet name's host and the object's name on that host. */
  public record FleetName(String host, String name) {}

  /** The fleet name of a host's object: {@code <host>.<name>}. */
  public static String fleetName(String host, String name) {
    return host + "." + name;
  }
}
