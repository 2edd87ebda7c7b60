package io.virtrev.daemon;

import ch.qos.logback.classic.Level;
import io.virtrev.libvirt.LibvirtDomainSource;
import io.virtrev.libvirt.LibvirtSourceConfig;
import io.virtrev.versioning.ReconcilerConfig;
import io.virtrev.versioning.StoreConfig;
import io.virtrev.versioning.StoreException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** The {@code virtrevd} command line. Every setting has a flag; {@code --help} lists them with defaults. */
@Command(name = "virtrevd", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    sortOptions = false, usageHelpWidth = 100,
    description = {
        "Versions libvirt domains: every observed change gets a store-wide, monotonically increasing",
        "resource version; serves list / get / watch over HTTP with Kubernetes semantics.", ""},
    footer = {"", "Durations: 500ms, 30s, 5m, 1h or ISO-8601 (PT30S).",
        "Docs: docs/api.md, docs/watch-semantics.md, docs/architecture.md"})
final class VirtrevdCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--connect", paramLabel = "URI", defaultValue = "qemu:///system",
      description = "libvirt connection URI (default: ${DEFAULT-VALUE})")
  String connect;

  @Option(names = "--listen", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:8474",
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

  @Option(names = "--event-log-capacity", paramLabel = "N", defaultValue = "4096",
      description = "newest revisions kept in memory for watchers; older ones are read from disk (default: ${DEFAULT-VALUE})")
  int eventLogCapacity;

  @Option(names = "--max-body-bytes", paramLabel = "BYTES", defaultValue = "1048576",
      description = "largest accepted request body, 413 beyond (default: ${DEFAULT-VALUE})")
  int maxBodyBytes;

  @Option(names = "--watch-timeout-max", paramLabel = "DURATION", defaultValue = "30m",
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

  @Option(names = "--watch-bookmark-interval", paramLabel = "DURATION", defaultValue = "60s",
      description = "an idle watch with allowWatchBookmarks gets a BOOKMARK this often (default: ${DEFAULT-VALUE})")
  Duration bookmarkInterval;

  @Option(names = "--max-watchers", paramLabel = "N", defaultValue = "10000",
      description = "most concurrent watches, 429 beyond (default: ${DEFAULT-VALUE})")
  int maxWatchers;

  @Option(names = "--watch-buffer-bytes", paramLabel = "BYTES", defaultValue = "65536",
      description = "unsent bytes a watch may hold before it pauses until its client reads (default: ${DEFAULT-VALUE})")
  int watchBufferBytes;

  @Option(names = "--log-level", paramLabel = "LEVEL", defaultValue = "info",
      description = "error, warn, info, debug or trace (default: ${DEFAULT-VALUE})")
  String logLevel;

  @Option(names = "--history-max-age", paramLabel = "DURATION", defaultValue = "168h",
      description = "revisions older than this are compacted too (as are those beyond --history-retention;"
          + " the newest is always kept); 0s: no age limit (default: ${DEFAULT-VALUE})")
  Duration historyMaxAge;

  @Option(names = "--compaction-chunk", paramLabel = "N", defaultValue = "1000",
      description = "most history rows deleted per compaction transaction; commits interleave between chunks"
          + " (default: ${DEFAULT-VALUE})")
  int compactionChunk;

  @Override
  public Integer call() throws Exception {
    ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
        .setLevel(Level.toLevel(logLevel, Level.INFO));
    DaemonConfig config = config();
    Virtrevd daemon;
    try {
      daemon = Virtrevd.start(config,
          new LibvirtDomainSource(LibvirtSourceConfig.defaults(config.connectUri())));
    } catch (StoreException e) {
      spec.commandLine().getErr().println("virtrevd: " + e.getMessage());
      return 1;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      daemon.close();
      stopped.countDown();
    }, "shutdown"));
    stopped.await();
    return 0;
  }

  DaemonConfig config() {
    HostPort hp = HostPort.parse(listen, spec);
    if (historyRetention < 1) {
      throw new ParameterException(spec.commandLine(), "--history-retention must be >= 1: " + historyRetention);
    }
    if (eventLogCapacity < 1) {
      throw new ParameterException(spec.commandLine(), "--event-log-capacity must be >= 1: " + eventLogCapacity);
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
        historyMaxAge, compactionChunk, StoreConfig.DEFAULT_COMPACTION_INTERVAL);
    ReconcilerConfig rec = ReconcilerConfig.defaults().withResyncPeriod(resyncPeriod);
    if (maxWatchers < 1 || watchBufferBytes < 1024 || bookmarkInterval.isZero() || bookmarkInterval.isNegative()) {
      throw new ParameterException(spec.commandLine(), "--max-watchers must be >= 1, --watch-buffer-bytes >= 1024"
          + " and --watch-bookmark-interval positive");
    }
    DaemonConfig.HttpConfig http = new DaemonConfig.HttpConfig(maxBodyBytes, tooLargeWait, watchTimeoutMax,
        DaemonConfig.HttpConfig.defaults().watchBatch(), mutationTimeout, bookmarkInterval, maxWatchers,
        watchBufferBytes);
    return new DaemonConfig(connect, hp.host(), hp.port(), store, rec, http);
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
