package io.virtrev.daemon.security;

import java.util.Locale;

/** What an identity may do: {@code read} (list, get, watch, history) or {@code write} (everything). */
public enum Role {
  READ,
  WRITE;

  public boolean allows(Role needed) {
    return this == WRITE || needed == READ;
  }

  public static Role parse(String s) {
    return switch (s.toLowerCase(Locale.ROOT)) {
      case "read" -> READ;
      case "write" -> WRITE;
      default -> throw new IllegalArgumentException("unknown role '" + s + "': use read or write");
    };
  }

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
