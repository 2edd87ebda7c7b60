package io.virtrev.daemon.security;

/**
 * Who made a request, and how we know: {@code token} (bearer token, by its name in the tokens file),
 * {@code cert} (TLS client certificate, by subject DN), {@code unix} (the UNIX socket it came through),
 * or {@code anonymous} (no authentication is configured on a loopback listener).
 */
public record Identity(String name, Role role, String via) {
  public static Identity anonymous() {
    return new Identity("anonymous", Role.WRITE, "anonymous");
  }

  /** Whether this is {@link #anonymous()}: nobody authenticated. */
  public boolean isAnonymous() {
    return via.equals("anonymous");
  }

  @Override
  public String toString() {
    return via + ":" + name;
  }
}
