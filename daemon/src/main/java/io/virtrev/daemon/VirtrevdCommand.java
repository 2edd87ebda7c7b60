package io.virtrev.daemon;

import ch.qos.logback.classic.Level;
import io.virtrev.libvirt.LibvirtDomainSource;
import io.virtrev.libvirt.LibvirtSourceConfig;
import io.virtrev.versioning.FieldValidation;
import io.virtrev.versioning.ReconcilerConfig;
import io.virtrev.versioning.StoreConfig;
import io.virtrev.versioning.StoreException;
import io.virtrev.daemon.security.DnRule;
import io.virtrev.daemon.security.TlsSettings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** The {@code virtrevd} command line. Every setting has a flag; {@code --help} lists them with defaults. */
@Command(name = "virtrevd", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    subcommands = {HashTokenCommand.class, FleetCommand.class},
    sortOptions = false, usageHelpWidth = 100,
    description = {
        "Versions libvirt domains: every observed change gets a store-wide, monotonically increasing",
        "resource version; serves list / get / watch over HTTP with Kubernetes semantics.", ""},
    footer = {"", "Every option can also come from the environment (VIRTREV_DATA_DIR for --data-dir, ...) or from the",
        "--config file (data-dir=...); flags win over the environment, which wins over the file.",
        "Durations: 500ms, 30s, 5m, 1h or ISO-8601 (PT30S). SIGHUP re-reads the TLS certificate and key.",
        "Docs: docs/api.md, docs/watch-semantics.md, docs/architecture.md"})
final class VirtrevdCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--connect", paramLabel = "URI", defaultValue = "qemu:///system",
      description = "libvirt connection URI (default: ${DEFAULT-VALUE})")
  String connect;

  @Option(names = "--listen", scope = ScopeType.INHERIT, paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:8474",
      description = "HTTP address to listen on; port 0 picks a free port (default: ${DEFAULT-VALUE})")
  String listen;

  @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "./virtrev-data",
      description = "directory of the durable store (created if missing; default: ${DEFAULT-VALUE})")
  Path dataDir;

  @Option(names = "--resync-period", paramLabel = "DURATION", defaultValue = "30s",
      description = "full re-read of all domains; catches changes libvirt emits no event for (default: ${DEFAULT-VALUE})")
  Duration resyncPeriod;

  @Option(names = "--history-retention", paramLabel = "N", defaultValue = "100000",
      description = "revisions kept for watch resume; older ones are compacted (default: ${DEFAULT-VALUE})")
  long historyRetention;

  @Option(names = "--event-log-capacity", paramLabel = "N", defaultValue = "100000",
      description = "most of the newest revisions kept in memory for watchers (with --event-log-bytes, the tighter"
          + " limit wins); older ones are read from disk (default: ${DEFAULT-VALUE})")
  int eventLogCapacity;

  @Option(names = "--event-log-bytes", paramLabel = "BYTES", defaultValue = "67108864",
      description = "most memory the newest revisions kept for watchers take (their watch lines plus 256 bytes"
          + " each); the oldest go first, the newest stays (default: ${DEFAULT-VALUE})")
  long eventLogBytes;

  @Option(names = "--history-cache-bytes", paramLabel = "BYTES", defaultValue = "16777216",
      description = "most memory of history pages read from disk for watchers behind the in-memory revisions,"
          + " shared by all such watchers; 0: none (default: ${DEFAULT-VALUE})")
  long historyCacheBytes;

  @Option(names = "--max-body-bytes", scope = ScopeType.INHERIT, paramLabel = "BYTES", defaultValue = "1048576",
      description = "largest accepted request body, 413 beyond (default: ${DEFAULT-VALUE})")
  int maxBodyBytes;

  @Option(names = "--watch-timeout-max", scope = ScopeType.INHERIT, paramLabel = "DURATION", defaultValue = "30m",
      description = "longest a watch stays open; each gets a random timeout in [max/2, max] unless it asks"
          + " for less with timeoutSeconds (default: ${DEFAULT-VALUE})")
  Duration watchTimeoutMax;

  @Option(names = "--too-large-wait", paramLabel = "DURATION", defaultValue = "3s",
      description = "how long a request for a revision not reached yet waits before 504 (default: ${DEFAULT-VALUE})")
  Duration tooLargeWait;

  @Option(names = "--mutation-timeout", paramLabel = "DURATION", defaultValue = "60s",
      description = "how long a mutating request waits for libvirt before 504; the change may still happen"
          + " and then shows up on watches (default: ${DEFAULT-VALUE})")
  Duration mutationTimeout;

  @Option(names = "--field-validation", paramLabel = "MODE", defaultValue = "Strict",
      converter = FieldValidationConverter.class,
      description = "how POST and PUT check XML against libvirt's schema when the request has no"
          + " fieldValidation: Strict (refuse, 422), Warn (define anyway, with a Warning) or Ignore (no check;"
          + " libvirt drops unknown elements silently) (default: ${DEFAULT-VALUE})")
  FieldValidation fieldValidation;

  /** Kubernetes' wire names (Strict, Warn, Ignore), case-insensitive. */
  static final class FieldValidationConverter implements picocli.CommandLine.ITypeConverter<FieldValidation> {
    @Override
    public FieldValidation convert(String value) {
      try {
        return FieldValidation.parse(value);
      } catch (io.virtrev.api.ApiException e) {
        throw new picocli.CommandLine.TypeConversionException(e.getMessage());
      }
    }
  }

  @Option(names = "--watch-bookmark-interval", scope = ScopeType.INHERIT, paramLabel = "DURATION", defaultValue = "60s",
      description = "an idle watch with allowWatchBookmarks gets a BOOKMARK this often (default: ${DEFAULT-VALUE})")
  Duration bookmarkInterval;

  @Option(names = "--max-watchers", scope = ScopeType.INHERIT, paramLabel = "N", defaultValue = "10000",
      description = "most concurrent watches, 429 beyond (default: ${DEFAULT-VALUE})")
  int maxWatchers;

  @Option(names = "--watch-buffer-bytes", scope = ScopeType.INHERIT, paramLabel = "BYTES", defaultValue = "65536",
      description = "unsent bytes a watch may hold before it pauses until its client reads (default: ${DEFAULT-VALUE})")
  int watchBufferBytes;

  @Option(names = "--max-connections", scope = ScopeType.INHERIT, paramLabel = "N", defaultValue = "16384",
      description = "most open connections per listener; past it only /healthz and /readyz are answered"
          + " (see --connection-reserve) (default: ${DEFAULT-VALUE})")
  int maxConnections;

  @Option(names = "--max-connections-per-address", scope = ScopeType.INHERIT, paramLabel = "N", defaultValue = "0",
      description = "most open connections per client IP address and listener, treated as --max-connections;"
          + " 0: no limit (default: ${DEFAULT-VALUE})")
  int maxConnectionsPerAddress;

  @Option(names = "--connection-reserve", scope = ScopeType.INHERIT, paramLabel = "N", defaultValue = "16",
      description = "connections per listener past the limits that may ask /healthz or /readyz once (anything"
          + " else: 503); past them a connection gets a fixed 503 and is closed (default: ${DEFAULT-VALUE})")
  int connectionReserve;

  @Option(names = "--header-timeout", scope = ScopeType.INHERIT, paramLabel = "DURATION", defaultValue = "10s",
      description = "a request head (and a new connection's TLS handshake) must arrive within this, else the"
          + " connection is closed (default: ${DEFAULT-VALUE})")
  Duration headerTimeout;

  @Option(names = "--idle-timeout", scope = ScopeType.INHERIT, paramLabel = "DURATION", defaultValue = "90s",
      description = "a connection with no request in flight (watches never count as idle) is closed after this"
          + " without a byte; also the longest pause inside a request body (default: ${DEFAULT-VALUE})")
  Duration idleTimeout;

  @Option(names = "--max-pipelined-requests", scope = ScopeType.INHERIT, paramLabel = "N", defaultValue = "8",
      description = "most requests a connection may have waiting behind the one being answered; past it the"
          + " connection is not read until one is answered (default: ${DEFAULT-VALUE})")
  int maxPipelinedRequests;

  @Option(names = "--log-level", scope = ScopeType.INHERIT, paramLabel = "LEVEL", defaultValue = "info",
      description = "error, warn, info, debug or trace (default: ${DEFAULT-VALUE})")
  String logLevel;

  @Option(names = "--log-format", scope = ScopeType.INHERIT, paramLabel = "FORMAT", defaultValue = "text",
      description = "text (one line per event) or json (one JSON object per line, Logback's JsonEncoder)"
          + " (default: ${DEFAULT-VALUE})")
  String logFormat;

  @Option(names = "--history-max-age", paramLabel = "DURATION", defaultValue = "168h",
      description = "revisions older than this are compacted too (as are those beyond --history-retention;"
          + " the newest is always kept); 0s: no age limit (default: ${DEFAULT-VALUE})")
  Duration historyMaxAge;

  @Option(names = "--compaction-chunk", paramLabel = "N", defaultValue = "1000",
      description = "most history rows deleted per compaction transaction; commits interleave between chunks"
          + " (default: ${DEFAULT-VALUE})")
  int compactionChunk;

  @Option(names = "--retry-max-delay", paramLabel = "DURATION", defaultValue = "30s",
      description = "longest wait between retries of a failed resync (a libvirt read error, or a commit the store"
          + " could not make, e.g. on a full disk); the wait starts at 1s and doubles (default: ${DEFAULT-VALUE})")
  Duration retryMaxDelay;

  @Option(names = "--config", scope = ScopeType.INHERIT, paramLabel = "FILE",
      description = "a properties file of settings (key = option name without dashes, e.g. listen=0.0.0.0:8474);"
          + " precedence: flags, then VIRTREV_* environment variables, then this file, then the defaults")
  Path configFile;

  @Option(names = "--tokens-file", scope = ScopeType.INHERIT, paramLabel = "FILE",
      description = "bearer tokens with roles, lines of NAME read|write sha256:HEX (see hash-token); enables token auth")
  Path tokensFile;

  @Option(names = "--tls-cert", scope = ScopeType.INHERIT, paramLabel = "PEM", description = "TLS certificate chain for the TCP listener (with --tls-key)")
  Path tlsCert;

  @Option(names = "--tls-key", scope = ScopeType.INHERIT, paramLabel = "PEM", description = "TLS private key (PKCS#8 PEM); reloaded on SIGHUP or change")
  Path tlsKey;

  @Option(names = "--tls-client-ca", scope = ScopeType.INHERIT, paramLabel = "PEM",
      description = "verify client certificates against this CA (with --tls-client-dn rules)")
  Path tlsClientCa;

  @Option(names = "--tls-client-dn", scope = ScopeType.INHERIT, paramLabel = "ROLE:DN", split = "\\|",
      description = "accept client certificates whose subject DN matches (* wildcards), with role read or write;"
          + " repeatable or |-separated, e.g. 'write:CN=platform,O=Example'")
  List<String> tlsClientDn = new ArrayList<>();

  @Option(names = "--unix-socket", paramLabel = "PATH", description = "also listen on this UNIX socket; its peers are writers")
  Path unixSocket;

  @Option(names = "--unix-socket-ro", paramLabel = "PATH", description = "also listen on this UNIX socket; its peers are readers")
  Path unixSocketRo;

  @Option(names = "--unix-socket-mode", paramLabel = "MODE", defaultValue = "0660",
      description = "file mode of the UNIX sockets, octal (default: ${DEFAULT-VALUE})")
  String unixSocketMode;

  @Option(names = "--unix-socket-group", paramLabel = "GROUP", description = "group of the UNIX sockets")
  String unixSocketGroup;

  @Option(names = "--metrics", scope = ScopeType.INHERIT, paramLabel = "BOOL", defaultValue = "true", arity = "0..1", fallbackValue = "true",
      description = "serve Prometheus metrics on /metrics (default: ${DEFAULT-VALUE})")
  boolean metrics;

  @Option(names = "--metrics-auth", scope = ScopeType.INHERIT, paramLabel = "BOOL", defaultValue = "false", arity = "0..1", fallbackValue = "true",
      description = "require a reader's credentials for /metrics (default: ${DEFAULT-VALUE})")
  boolean metricsAuth;

  @Option(names = "--audit-log", scope = ScopeType.INHERIT, paramLabel = "FILE",
      description = "append every API mutation (who, what, result, RV) as a JSON line to this file")
  Path auditLog;

  @Option(names = "--insecure", scope = ScopeType.INHERIT, paramLabel = "BOOL", defaultValue = "false", arity = "0..1", fallbackValue = "true",
      description = "allow a non-loopback --listen without TLS and authentication (default: ${DEFAULT-VALUE})")
  boolean insecure;

  @Option(names = "--audit-refused-interval", scope = ScopeType.INHERIT, paramLabel = "DURATION", defaultValue = "60s",
      description = "refused requests (401, 403, 404, 413, ...) are audited in full once per client per interval,"
          + " then counted: one summary line per client per interval (default: ${DEFAULT-VALUE})")
  Duration auditRefusedInterval;

  @Option(names = "--fleet-etcd", paramLabel = "URL[,URL...]",
      description = "join a fleet: mirror every revision of this host into the etcd cluster at these client URLs"
          + " (http:// or https://); without it nothing of the fleet runs (docs/fleet.md)")
  String fleetEtcd;

  @Option(names = "--host-name", paramLabel = "NAME",
      description = "this host's name in the fleet, a DNS label (default: the machine's host name up to its first"
          + " dot, lower-cased)")
  String hostName;

  @Option(names = "--fleet-etcd-ca", paramLabel = "PEM", description = "CA bundle etcd's certificates are checked against")
  Path fleetEtcdCa;

  @Option(names = "--fleet-etcd-cert", paramLabel = "PEM", description = "client certificate presented to etcd (with --fleet-etcd-key)")
  Path fleetEtcdCert;

  @Option(names = "--fleet-etcd-key", paramLabel = "PEM", description = "the etcd client certificate's key (PKCS#8 PEM)")
  Path fleetEtcdKey;

  @Option(names = "--fleet-etcd-user", paramLabel = "USER", description = "etcd user (with --fleet-etcd-password-file)")
  String fleetEtcdUser;

  @Option(names = "--fleet-etcd-password-file", paramLabel = "FILE", description = "file whose first line is the etcd user's password")
  Path fleetEtcdPasswordFile;

  @Option(names = "--fleet-api-url", paramLabel = "URL",
      description = "this host's API address as gateways reach it, registered in etcd (default: from --listen, https"
          + " with --tls-cert; a wildcard address becomes the machine's host name)")
  String fleetApiUrl;

  @Option(names = "--fleet-lease-ttl", paramLabel = "DURATION", defaultValue = "15s",
      description = "TTL of this host's registration in etcd: it disappears this long after the host stops"
          + " (default: ${DEFAULT-VALUE})")
  Duration fleetLeaseTtl;

  @Override
  public Integer call() throws Exception {
    setUpLogging();
    DaemonConfig config = config();
    Virtrevd daemon;
    try {
      daemon = Virtrevd.start(config,
          new LibvirtDomainSource(LibvirtSourceConfig.defaults(config.connectUri())),
          ServiceNotifier.fromEnvironment(System.getenv()));
    } catch (StoreException | IllegalArgumentException | java.io.IOException e) {
      spec.commandLine().getErr().println("virtrevd: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
      return 1;
    }
    Signals.onHangup(daemon::reloadTls);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      daemon.close();
      stopped.countDown();
    }, "shutdown"));
    stopped.await();
    return 0;
  }

  /** --log-level and --log-format (shared with the subcommands that run a server). */
  void setUpLogging() {
    ch.qos.logback.classic.Logger root =
        (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.toLevel(logLevel, Level.INFO));
    switch (logFormat) {
      case "text" -> { }
      case "json" -> JsonLogging.install(root);
      default -> throw new ParameterException(spec.commandLine(), "--log-format must be text or json, got '" + logFormat + "'");
    }
  }

  DaemonConfig config() {
    HostPort hp = HostPort.parse(listen, spec);
    if (historyRetention < 1) {
      throw new ParameterException(spec.commandLine(), "--history-retention must be >= 1: " + historyRetention);
    }
    if (eventLogCapacity < 1) {
      throw new ParameterException(spec.commandLine(), "--event-log-capacity must be >= 1: " + eventLogCapacity);
    }
    if (eventLogBytes < 1) {
      throw new ParameterException(spec.commandLine(), "--event-log-bytes must be >= 1: " + eventLogBytes);
    }
    if (historyCacheBytes < 0) {
      throw new ParameterException(spec.commandLine(), "--history-cache-bytes must be >= 0: " + historyCacheBytes);
    }
    if (maxBodyBytes < 1) {
      throw new ParameterException(spec.commandLine(), "--max-body-bytes must be >= 1: " + maxBodyBytes);
    }
    if (resyncPeriod.isZero() || resyncPeriod.isNegative()) {
      throw new ParameterException(spec.commandLine(), "--resync-period must be positive: " + resyncPeriod);
    }
    if (mutationTimeout.isZero() || mutationTimeout.isNegative()) {
      throw new ParameterException(spec.commandLine(), "--mutation-timeout must be positive: " + mutationTimeout);
    }
    if (watchTimeoutMax.isZero() || watchTimeoutMax.isNegative()) {
      throw new ParameterException(spec.commandLine(), "--watch-timeout-max must be positive: " + watchTimeoutMax);
    }
    if (historyMaxAge.isNegative()) {
      throw new ParameterException(spec.commandLine(), "--history-max-age must be >= 0 (0s: no limit): " + historyMaxAge);
    }
    if (compactionChunk < 1) {
      throw new ParameterException(spec.commandLine(), "--compaction-chunk must be >= 1: " + compactionChunk);
    }
    StoreConfig store = new StoreConfig(dataDir, historyRetention, eventLogCapacity, StoreConfig.DEFAULT_MAX_BATCH,
        historyMaxAge, compactionChunk, StoreConfig.DEFAULT_COMPACTION_INTERVAL, eventLogBytes, historyCacheBytes);
    if (retryMaxDelay.compareTo(ReconcilerConfig.defaults().retryDelay()) < 0) {
      throw new ParameterException(spec.commandLine(), "--retry-max-delay must be at least the first retry's wait ("
          + ReconcilerConfig.defaults().retryDelay() + "): " + retryMaxDelay);
    }
    ReconcilerConfig rec = ReconcilerConfig.defaults().withResyncPeriod(resyncPeriod).withMaxRetryDelay(retryMaxDelay);
    if (maxWatchers < 1 || watchBufferBytes < 1024 || bookmarkInterval.isZero() || bookmarkInterval.isNegative()) {
      throw new ParameterException(spec.commandLine(), "--max-watchers must be >= 1, --watch-buffer-bytes >= 1024"
          + " and --watch-bookmark-interval positive");
    }
    ConnectionLimits connections;
    try {
      connections = new ConnectionLimits(maxConnections, maxConnectionsPerAddress, connectionReserve, headerTimeout,
          idleTimeout, maxPipelinedRequests);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--max-connections must be >= 1, --max-connections-per-address"
          + " and --connection-reserve >= 0, --header-timeout and --idle-timeout positive, --max-pipelined-requests"
          + " >= 1: " + e.getMessage());
    }
    DaemonConfig.HttpConfig http = new DaemonConfig.HttpConfig(maxBodyBytes, tooLargeWait, watchTimeoutMax,
        DaemonConfig.HttpConfig.defaults().watchBatch(), mutationTimeout, bookmarkInterval, maxWatchers,
        watchBufferBytes, fieldValidation, connections);
    return new DaemonConfig(connect, hp.host(), hp.port(), store, rec, http, access(), fleet());
  }

  /** The fleet membership, or null without {@code --fleet-etcd} (then no other fleet flag may be given). */
  private FleetConfig fleet() {
    if (fleetEtcd == null || fleetEtcd.isBlank()) {
      if (hostName != null || fleetEtcdCa != null || fleetEtcdCert != null || fleetEtcdKey != null
          || fleetEtcdUser != null || fleetEtcdPasswordFile != null || fleetApiUrl != null) {
        throw new ParameterException(spec.commandLine(), "--host-name, --fleet-etcd-* and --fleet-api-url need"
            + " --fleet-etcd");
      }
      return null;
    }
    try {
      io.virtrev.fleet.EtcdSettings etcd = new io.virtrev.fleet.EtcdSettings(
          io.virtrev.fleet.EtcdSettings.split(fleetEtcd), fleetEtcdCa, fleetEtcdCert, fleetEtcdKey, fleetEtcdUser,
          fleetEtcdPasswordFile, null);
      String name = hostName == null ? FleetConfig.defaultHostName() : hostName;
      try {
        io.virtrev.fleet.FleetKeys.checkHost(name);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException((hostName == null ? "the machine's " : "--host-name: ") + e.getMessage()
            + (hostName == null ? "; give --host-name" : ""));
      }
      return new FleetConfig(etcd, name, fleetApiUrl, fleetLeaseTtl);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  private AccessConfig access() {
    TlsSettings tls = null;
    if (tlsCert != null || tlsKey != null) {
      if (tlsCert == null || tlsKey == null) {
        throw new ParameterException(spec.commandLine(), "--tls-cert and --tls-key go together");
      }
      List<DnRule> rules = new ArrayList<>();
      for (String r : tlsClientDn) {
        try {
          rules.add(DnRule.parse(r));
        } catch (IllegalArgumentException e) {
          throw new ParameterException(spec.commandLine(), "--tls-client-dn: " + e.getMessage());
        }
      }
      try {
        tls = new TlsSettings(tlsCert, tlsKey, tlsClientCa, rules);
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), e.getMessage());
      }
    } else if (tlsClientCa != null || !tlsClientDn.isEmpty()) {
      throw new ParameterException(spec.commandLine(), "--tls-client-ca and --tls-client-dn need --tls-cert and --tls-key");
    }
    String mode;
    try {
      mode = octalMode(unixSocketMode);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--unix-socket-mode: " + e.getMessage());
    }
    if (auditRefusedInterval.isZero() || auditRefusedInterval.isNegative()) {
      throw new ParameterException(spec.commandLine(), "--audit-refused-interval must be positive: "
          + auditRefusedInterval);
    }
    try {
      return new AccessConfig(tokensFile, tls, unixSocket, unixSocketRo, mode, unixSocketGroup, metrics, metricsAuth,
          insecure, auditLog, auditRefusedInterval);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  /** 0660 -> rw-rw---- */
  static String octalMode(String octal) {
    if (!octal.matches("0?[0-7]{3}")) {
      throw new IllegalArgumentException("'" + octal + "' is not an octal file mode like 0660");
    }
    String digits = octal.substring(octal.length() - 3);
    StringBuilder out = new StringBuilder();
    for (char c : digits.toCharArray()) {
      int v = c - '0';
      out.append((v & 4) != 0 ? 'r' : '-').append((v & 2) != 0 ? 'w' : '-').append((v & 1) != 0 ? 'x' : '-');
    }
    return out.toString();
  }

  /** HOST:PORT, with IPv6 hosts in brackets ({@code [::1]:8474}). */
  record HostPort(String host, int port) {
    static HostPort parse(String s, CommandSpec spec) {
      int colon = s.lastIndexOf(':');
      if (colon <= 0 || colon == s.length() - 1) {
        throw new ParameterException(spec.commandLine(), "--listen must be HOST:PORT, got '" + s + "'");
      }
      String host = s.substring(0, colon);
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      }
      try {
        int port = Integer.parseInt(s.substring(colon + 1));
        if (port < 0 || port > 65535) {
          throw new NumberFormatException();
        }
        return new HostPort(host, port);
      } catch (NumberFormatException e) {
        throw new ParameterException(spec.commandLine(), "--listen port must be 0..65535, got '" + s + "'");
      }
    }
  }
}
