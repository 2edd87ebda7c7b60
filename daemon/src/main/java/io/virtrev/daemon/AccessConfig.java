package io.virtrev.daemon;

import io.virtrev.daemon.http.AuditLog;
import io.virtrev.daemon.security.TlsSettings;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Who can reach the daemon and how.
 *
 * @param tokensFile bearer tokens with roles (null: none)
 * @param tls TLS for the TCP listener, with optional client certificates (null: plain HTTP)
 * @param unixSocket a UNIX socket whose peers are writers (null: none)
 * @param unixSocketReadOnly a UNIX socket whose peers are readers (null: none)
 * @param socketMode file mode of the sockets, e.g. {@code rw-rw----}
 * @param socketGroup group of the sockets (null: the daemon's)
 * @param metrics whether {@code /metrics} is served
 * @param metricsNeedAuth whether {@code /metrics} needs a reader's credentials
 * @param insecure allow a non-loopback TCP listener without TLS and authentication
 * @param auditFile where the audit trail is appended as JSON lines (null: the log only)
 * @param auditRefusedInterval refused requests are recorded in full once per client per interval and
 *     otherwise counted, one summary per client per interval
 */
public record AccessConfig(Path tokensFile, TlsSettings tls, Path unixSocket, Path unixSocketReadOnly,
    String socketMode, String socketGroup, boolean metrics, boolean metricsNeedAuth, boolean insecure,
    Path auditFile, Duration auditRefusedInterval) {

  public AccessConfig {
    if (auditRefusedInterval.isZero() || auditRefusedInterval.isNegative()) {
      throw new IllegalArgumentException("auditRefusedInterval must be positive: " + auditRefusedInterval);
    }
    if (unixSocket != null && unixSocketReadOnly != null
        && unixSocket.toAbsolutePath().normalize().equals(unixSocketReadOnly.toAbsolutePath().normalize())) {
      throw new IllegalArgumentException("the read-write and the read-only UNIX socket are the same path: "
          + unixSocket);
    }
  }

  /** The pre-existing fields; the refusal interval at its default. */
  public AccessConfig(Path tokensFile, TlsSettings tls, Path unixSocket, Path unixSocketReadOnly,
      String socketMode, String socketGroup, boolean metrics, boolean metricsNeedAuth, boolean insecure,
      Path auditFile) {
    this(tokensFile, tls, unixSocket, unixSocketReadOnly, socketMode, socketGroup, metrics, metricsNeedAuth,
        insecure, auditFile, AuditLog.DEFAULT_REFUSED_INTERVAL);
  }

  public static AccessConfig defaults() {
    return new AccessConfig(null, null, null, null, "rw-rw----", null, true, false, false, null);
  }

  public AccessConfig withTokens(Path f) {
    return new AccessConfig(f, tls, unixSocket, unixSocketReadOnly, socketMode, socketGroup, metrics, metricsNeedAuth,
        insecure, auditFile, auditRefusedInterval);
  }

  public AccessConfig withTls(TlsSettings t) {
    return new AccessConfig(tokensFile, t, unixSocket, unixSocketReadOnly, socketMode, socketGroup, metrics,
        metricsNeedAuth, insecure, auditFile, auditRefusedInterval);
  }

  public AccessConfig withUnixSockets(Path rw, Path ro, String mode, String group) {
    return new AccessConfig(tokensFile, tls, rw, ro, mode, group, metrics, metricsNeedAuth, insecure, auditFile,
        auditRefusedInterval);
  }

  public AccessConfig withInsecure(boolean b) {
    return new AccessConfig(tokensFile, tls, unixSocket, unixSocketReadOnly, socketMode, socketGroup, metrics,
        metricsNeedAuth, b, auditFile, auditRefusedInterval);
  }

  public AccessConfig withAudit(Path f) {
    return new AccessConfig(tokensFile, tls, unixSocket, unixSocketReadOnly, socketMode, socketGroup, metrics,
        metricsNeedAuth, insecure, f, auditRefusedInterval);
  }

  public AccessConfig withAuditRefusedInterval(Duration d) {
    return new AccessConfig(tokensFile, tls, unixSocket, unixSocketReadOnly, socketMode, socketGroup, metrics,
        metricsNeedAuth, insecure, auditFile, d);
  }
}
