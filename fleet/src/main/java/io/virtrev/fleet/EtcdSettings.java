package io.virtrev.fleet;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How to reach an etcd cluster: its client URLs, TLS files and user. Immutable; checked when made.
 *
 * @param endpoints client URLs ({@code http://host:port} or {@code https://host:port}), at least one
 * @param ca PEM bundle the members' certificates are checked against (null: the JVM's trust store; only
 *     with https endpoints)
 * @param cert client certificate chain (PEM) presented to etcd, with {@code key}; null for none
 * @param key the client certificate's private key (PKCS#8 PEM), with {@code cert}
 * @param user etcd user name for etcd's own authentication (null: none)
 * @param passwordFile file holding that user's password (first line), with {@code user}
 * @param callTimeout the bound of every unary call (put, txn, range): a call that has no answer by then fails
 */
public record EtcdSettings(List<String> endpoints, Path ca, Path cert, Path key, String user, Path passwordFile,
    Duration callTimeout) {

  public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofSeconds(5);

  public EtcdSettings {
    endpoints = List.copyOf(Objects.requireNonNull(endpoints, "endpoints"));
    if (endpoints.isEmpty()) {
      throw new IllegalArgumentException("no etcd endpoint given");
    }
    boolean tls = false;
    for (String e : endpoints) {
      URI u;
      try {
        u = URI.create(e);
      } catch (IllegalArgumentException ex) {
        throw new IllegalArgumentException("etcd endpoint '" + e + "' must be http://HOST:PORT or https://HOST:PORT");
      }
      if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme())) || u.getHost() == null
          || u.getPort() < 0) {
        throw new IllegalArgumentException("etcd endpoint '" + e + "' must be http://HOST:PORT or https://HOST:PORT");
      }
      if (u.getUserInfo() != null) {
        throw new IllegalArgumentException("etcd endpoint '" + u.getScheme() + "://" + u.getHost() + ":" + u.getPort()
            + "' carries a user in its URL: give it with the etcd user and password-file settings instead");
      }
      tls |= "https".equals(u.getScheme());
    }
    if ((cert == null) != (key == null)) {
      throw new IllegalArgumentException("an etcd client certificate needs both its certificate and its key");
    }
    if ((ca != null || cert != null) && !tls) {
      throw new IllegalArgumentException("etcd TLS files given but no endpoint is https://");
    }
    if ((user == null) != (passwordFile == null)) {
      throw new IllegalArgumentException("an etcd user needs both its name and its password file");
    }
    callTimeout = callTimeout == null ? DEFAULT_CALL_TIMEOUT : callTimeout;
    if (callTimeout.isNegative() || callTimeout.isZero()) {
      throw new IllegalArgumentException("etcd call timeout must be positive, got " + callTimeout);
    }
  }

  /** Plain endpoints, no TLS, no user. */
  public static EtcdSettings of(List<String> endpoints) {
    return new EtcdSettings(endpoints, null, null, null, null, null, null);
  }

  /** Comma-separated endpoints, as the command line takes them. */
  public static EtcdSettings parse(String csv) {
    return of(split(csv));
  }

  /** The URLs of {@code csv}, trimmed, empty parts dropped. */
  public static List<String> split(String csv) {
    return java.util.Arrays.stream(csv.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  public boolean tls() {
    return endpoints.get(0).startsWith("https://");
  }
}
