package io.virtrev.daemon.security;

/**
 * Who made a request, and how we know: {@code token} (bearer token, by its name in the tokens file),
 * {@code cert} (TLS client certificate, by subject DN), {@code unix} (the UNIX socket it came through),
 * {@code anonymous} (no authentication is configured on a loopback listener), or {@code impersonated}:
 * a caller named by a gateway with {@code Impersonate-User} ({@code name} is the header's value, as the
 * gateway's audit names its caller, e.g. {@code token:platform}; {@code gateway} is the authenticated
 * identity that named it, with role {@link Role#GATEWAY}). {@code gateway} is null for everyone else.
 */
public record Identity(String name, Role role, String via, Identity gateway) {
  /** Longest {@code Impersonate-User} value accepted. */
  public static final int MAX_IMPERSONATED_CHARS = 512;

  public Identity {
    if ((gateway != null) != via.equals("impersonated")) {
      throw new IllegalArgumentException("an impersonated identity, and only one, names its gateway: " + via);
    }
  }

  public Identity(String name, Role role, String via) {
    this(name, role, via, null);
  }

  public static Identity anonymous() {
    return new Identity("anonymous", Role.WRITE, "anonymous");
  }

  /**
   * The caller {@code gateway} acts for: a writer (the gateway checked the caller's own role), named
   * {@code user}.
   */
  public static Identity impersonated(String user, Identity gateway) {
    return new Identity(user, Role.WRITE, "impersonated", gateway);
  }

  /** Whether this is {@link #anonymous()}: nobody authenticated. */
  public boolean isAnonymous() {
    return via.equals("anonymous");
  }

  /** The caller as the audit trail names it: {@code via:name}, or an impersonated caller's name as given. */
  @Override
  public String toString() {
    return gateway != null ? name : via + ":" + name;
  }
}
