package io.virtrev.daemon;

import io.virtrev.fleet.EtcdSettings;
import io.virtrev.fleet.FleetKeys;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * A host's fleet membership (docs/fleet.md, "Mirror"): where its mirror writes and under which name. Null in
 * {@link DaemonConfig} when {@code --fleet-etcd} is not given: then nothing of the fleet runs. Immutable.
 *
 * @param etcd the etcd cluster and how to reach it
 * @param hostName the host's fleet name, a DNS label ({@link FleetKeys#checkHost})
 * @param apiUrl the address registered for gateways to reach this host's API; null: derived at start from the
 *     listener ({@link #apiUrl(boolean, String, int)})
 * @param leaseTtl the registration's lease TTL
 */
public record FleetConfig(EtcdSettings etcd, String hostName, String apiUrl, Duration leaseTtl) {
  public FleetConfig {
    Objects.requireNonNull(etcd, "etcd");
    FleetKeys.checkHost(hostName);
    if (leaseTtl.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalArgumentException("--fleet-lease-ttl must be at least 1s: " + leaseTtl);
    }
    if (apiUrl != null && !(apiUrl.startsWith("http://") || apiUrl.startsWith("https://"))) {
      throw new IllegalArgumentException("--fleet-api-url must be http://HOST:PORT or https://HOST:PORT: " + apiUrl);
    }
  }

  /** This machine's host name up to its first dot, lower-cased: the default {@code --host-name}. */
  public static String defaultHostName() {
    String h = System.getenv("HOSTNAME");
    if (h == null || h.isBlank()) {
      try {
        h = InetAddress.getLocalHost().getHostName();
      } catch (UnknownHostException e) {
        throw new IllegalArgumentException("cannot tell this machine's host name (" + e.getMessage()
            + "): give --host-name");
      }
    }
    int dot = h.indexOf('.');
    return (dot < 0 ? h : h.substring(0, dot)).toLowerCase(Locale.ROOT);
  }

  /** The registered API address: {@link #apiUrl} if given, else derived from the bound listener. */
  public String apiUrl(boolean tls, String listenHost, int boundPort) {
    if (apiUrl != null) {
      return apiUrl;
    }
    String host = listenHost;
    try {
      if (InetAddress.getByName(listenHost).isAnyLocalAddress()) {
        host = InetAddress.getLocalHost().getCanonicalHostName();
      }
    } catch (UnknownHostException e) {
      // keep the listen address as given
    }
    if (host.contains(":")) {
      host = "[" + host + "]";
    }
    return (tls ? "https://" : "http://") + host + ":" + boundPort;
  }
}
