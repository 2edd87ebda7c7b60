package io.virtrev.daemon.security;

import java.util.Locale;

/**
 * What an identity may do: {@code read} (list, get, watch, history), {@code write} (everything), or
 * {@code gateway} (everything a writer may, and name the caller it acts for with {@code Impersonate-User}:
 * a fleet gateway, docs/fleet.md "Credentials").
 */
public enum Role {
  READ,
  WRITE,
  GATEWAY;

  public boolean allows(Role needed) {
    return switch (needed) {
      case READ -> true;
      case WRITE -> this != READ;
      case GATEWAY -> this == GATEWAY;
    };
  }

  /** Whether this role may act for another caller ({@code Impersonate-User}). */
  public boolean mayImpersonate() {
    return this == GATEWAY;
  }

  public static Role parse(String s) {
    return switch (s.toLowerCase(Locale.ROOT)) {
      case "read" -> READ;
      case "write" -> WRITE;
      case "gateway" -> GATEWAY;
      default -> throw new IllegalArgumentException("unknown role '" + s + "': use read, write or gateway");
    };
  }

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
