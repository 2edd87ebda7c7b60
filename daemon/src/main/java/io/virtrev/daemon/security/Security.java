package io.virtrev.daemon.security;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import io.virtrev.api.ApiException;
import java.util.Locale;

/**
 * Who may do what: authenticates a request (bearer token, or the identity its connection carries: a
 * verified client certificate or the UNIX socket it came through) and authorizes it by role.
 *
 * <p>{@code /healthz} and {@code /readyz} are open; {@code /metrics} is open unless configured
 * otherwise; GET and HEAD need {@code read}; everything else needs {@code write}; only {@code gateway} may
 * name another caller with {@code Impersonate-User}. Without any
 * authentication configured, requests on the TCP listener are anonymous writers (the default loopback
 * set-up); a non-loopback listener refuses to start that way (see the daemon's start-up checks). The
 * TLS handshake only asks for a client certificate: a request without one (and without an accepted
 * token) is refused here, per route, with 401 naming that a client certificate is required.
 * Immutable and thread-safe.
 */
public final class Security {
  /** The identity a connection was established with (UNIX socket, client certificate). */
  public static final AttributeKey<Identity> CONNECTION_IDENTITY = AttributeKey.valueOf("virtrev.identity");
  /** Set when a client certificate was presented but no rule accepts it: the reason. */
  public static final AttributeKey<String> CONNECTION_REFUSED = AttributeKey.valueOf("virtrev.refused");
  /** The header a gateway names its caller with (Kubernetes' name for it). */
  public static final String IMPERSONATE_USER = "Impersonate-User";

  private final TokenFile tokens;
  private final boolean clientCerts;
  private final boolean metricsNeedAuth;

  public Security(TokenFile tokens, boolean clientCerts, boolean metricsNeedAuth) {
    this.tokens = tokens;
    this.clientCerts = clientCerts;
    this.metricsNeedAuth = metricsNeedAuth;
  }

  public static Security open() {
    return new Security(null, false, false);
  }

  /** True if requests on TCP must authenticate (tokens or client certificates are configured). */
  public boolean authRequired() {
    return tokens != null || clientCerts;
  }

  /**
   * Who sent a request to {@code path}.
   *
   * @return the identity, or null for open routes (no credentials needed or checked)
   * @throws ApiException UNAUTHORIZED (no or unknown credentials), FORBIDDEN (a refused certificate)
   */
  public Identity authenticate(String path, String authorization, Channel channel) {
    return isOpen(path) ? null : authenticate(authorization, channel);
  }

  /**
   * The caller a request names with {@code Impersonate-User} ({@code impersonate}: the header's values, in
   * order), when {@code who} (the request's {@link #authenticate authenticated} identity) is a
   * {@link Role#GATEWAY}: that caller ({@link Identity#impersonated}, acting with write access; the gateway
   * checked the caller's own role). Without the header, {@code who}. Only a gateway may send it.
   *
   * @throws ApiException as {@link #authenticate(String, String, Channel)} on an open route (the header
   *     still needs a gateway's credentials); FORBIDDEN when an identity that is not a gateway sends the
   *     header; BAD_REQUEST for a header sent twice, empty, longer than
   *     {@link Identity#MAX_IMPERSONATED_CHARS} or with control characters
   */
  public Identity impersonate(Identity who, java.util.List<String> impersonate, String authorization,
      Channel channel) {
    if (impersonate == null || impersonate.isEmpty()) {
      return who;
    }
    if (who == null) {
      who = authenticate(authorization, channel); // an open route: the header still needs a gateway
    }
    if (!who.role().mayImpersonate()) {
      throw new ApiException(ApiException.Reason.FORBIDDEN, who + " has role " + who.role().wireName() + "; only"
          + " the role gateway may send " + IMPERSONATE_USER);
    }
    if (impersonate.size() != 1) {
      throw new ApiException(ApiException.Reason.BAD_REQUEST, IMPERSONATE_USER + " was sent " + impersonate.size()
          + " times; send it once");
    }
    String user = impersonate.get(0).strip();
    if (user.isEmpty() || user.length() > Identity.MAX_IMPERSONATED_CHARS
        || user.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      throw new ApiException(ApiException.Reason.BAD_REQUEST, IMPERSONATE_USER + " must name the caller in 1 to "
          + Identity.MAX_IMPERSONATED_CHARS + " characters without control characters (e.g. token:platform); got "
          + user.length() + " characters");
    }
    return Identity.impersonated(user, who);
  }

  /**
   * Whether {@code who} may send {@code method} to {@code path}: GET and HEAD need {@code read},
   * everything else {@code write}.
   *
   * @throws ApiException FORBIDDEN naming the identity, its role and the role needed
   */
  public void authorize(Identity who, String method, String path) {
    if (who == null) {
      return; // an open route
    }
    Role needed = method.equals("GET") || method.equals("HEAD") ? Role.READ : Role.WRITE;
    if (!who.role().allows(needed)) {
      throw new ApiException(ApiException.Reason.FORBIDDEN, who + " has role " + who.role().wireName() + "; "
          + method + " " + path + " needs " + needed.wireName());
    }
  }

  private boolean isOpen(String path) {
    return path.equals("/healthz") || path.equals("/readyz") || (path.equals("/metrics") && !metricsNeedAuth);
  }

  private Identity authenticate(String authorization, Channel channel) {
    String refused = channel.attr(CONNECTION_REFUSED).get();
    if (refused != null) {
      throw new ApiException(ApiException.Reason.FORBIDDEN, refused);
    }
    if (authorization != null && !authorization.isBlank()) {
      if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
        throw new ApiException(ApiException.Reason.UNAUTHORIZED, "unsupported Authorization scheme: use Bearer <token>");
      }
      if (tokens == null) {
        throw new ApiException(ApiException.Reason.UNAUTHORIZED, "bearer tokens are not configured on this daemon");
      }
      return tokens.lookup(authorization.substring(7).strip()).orElseThrow(() ->
          new ApiException(ApiException.Reason.UNAUTHORIZED, "invalid bearer token"));
    }
    Identity conn = channel.attr(CONNECTION_IDENTITY).get();
    if (conn != null) {
      return conn;
    }
    if (clientCerts && tokens == null) {
      throw new ApiException(ApiException.Reason.UNAUTHORIZED,
          "a client certificate is required: none was presented in the TLS handshake");
    }
    if (authRequired()) {
      throw new ApiException(ApiException.Reason.UNAUTHORIZED, "authentication required: send Authorization: Bearer <token>"
          + (clientCerts ? " or a client certificate" : ""));
    }
    return Identity.anonymous();
  }

  @Override
  public String toString() {
    return (tokens == null ? "no tokens" : tokens.size() + " tokens") + (clientCerts ? ", client certificates" : "")
        + (metricsNeedAuth ? ", metrics need auth" : "").toLowerCase(Locale.ROOT);
  }
}
