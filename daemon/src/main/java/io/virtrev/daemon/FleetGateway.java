package io.virtrev.daemon;

import io.etcd.jetcd.Client;
import io.virtrev.daemon.http.ApiContext;
import io.virtrev.daemon.http.ApiServer;
import io.virtrev.daemon.http.AuditLog;
import io.virtrev.daemon.http.FleetServer;
import io.virtrev.daemon.http.HttpMetrics;
import io.virtrev.daemon.metrics.GatewayMetrics;
import io.virtrev.daemon.security.Security;
import io.virtrev.daemon.security.TlsContexts;
import io.virtrev.daemon.security.TokenFile;
import io.virtrev.fleet.EtcdClients;
import io.virtrev.fleet.EtcdSettings;
import io.virtrev.fleet.FleetView;
import io.virtrev.versioning.ServedKinds;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root of {@code virtrevd fleet} (docs/fleet.md, "Gateway"): an etcd client, the fleet's
 * reads ({@link FleetView}) and the HTTP listener with the host's security (tokens, TLS, client DNs, audit).
 * Stateless: everything it serves is read from etcd, so any number of gateways are interchangeable. Threads:
 * jetcd's (gRPC) threads, the HTTP event loops, {@code fleet-blocking} (OpenAPI documents) and
 * {@code daemon-timers} (TLS reload, refusal summaries).
 */
public final class FleetGateway implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(FleetGateway.class);

  /**
   * What a gateway is configured with.
   *
   * @param etcd how to reach etcd
   * @param listenHost address to bind
   * @param listenPort port (0: any free one)
   * @param http HTTP limits (watch timeout, bookmark interval, max watchers, connections)
   * @param access tokens, TLS, client DNs, metrics, audit (UNIX sockets are not served)
   * @param watchQueue most events a watch holds for a client that does not read before the stream ends
   */
  public record Config(EtcdSettings etcd, String listenHost, int listenPort, DaemonConfig.HttpConfig http,
      AccessConfig access, int watchQueue) {
    public Config {
      if (watchQueue < 1) {
        throw new IllegalArgumentException("watchQueue must be >= 1: " + watchQueue);
      }
    }
  }

  private final Client client;
  private final ApiServer server;
  private final ExecutorService blocking;
  private final ScheduledThreadPoolExecutor timers;
  private final TlsContexts tls;
  private final AuditLog audit;
  private final InetSocketAddress address;

  private FleetGateway(Client client, ApiServer server, ExecutorService blocking, ScheduledThreadPoolExecutor timers,
      TlsContexts tls, AuditLog audit, InetSocketAddress address) {
    this.client = client;
    this.server = server;
    this.blocking = blocking;
    this.timers = timers;
    this.tls = tls;
    this.audit = audit;
    this.address = address;
  }

  /**
   * Checks the access configuration, opens the etcd client and binds the listener. etcd need not answer yet:
   * {@code /readyz} says whether it does.
   *
   * @throws IllegalArgumentException a configuration that must not start
   */
  public static FleetGateway start(Config config) throws InterruptedException, IOException {
    AccessConfig access = config.access();
    TokenFile tokens = access.tokensFile() == null ? null : TokenFile.load(access.tokensFile());
    TlsContexts tls = access.tls() == null ? null : new TlsContexts(access.tls());
    Security security = new Security(tokens, tls != null && tls.settings().verifiesClients(), access.metricsNeedAuth());
    Virtrevd.checkExposure(config.listenHost(), tls, security, access.insecure());
    Client client = EtcdClients.open(config.etcd());
    ExecutorService blocking = null;
    ScheduledThreadPoolExecutor timers = null;
    AuditLog audit = null;
    ApiServer server = null;
    try {
      audit = access.auditFile() == null ? AuditLog.none(access.auditRefusedInterval())
          : AuditLog.toFile(access.auditFile(), access.auditRefusedInterval());
      AtomicInteger n = new AtomicInteger();
      blocking = Executors.newFixedThreadPool(1, r -> daemonThread(r, "fleet-blocking-" + n.incrementAndGet()));
      timers = new ScheduledThreadPoolExecutor(1, r -> daemonThread(r, "daemon-timers"));
      timers.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
      timers.setRemoveOnCancelPolicy(true);
      AtomicInteger watchers = new AtomicInteger();
      HttpMetrics metrics = access.metrics() ? new GatewayMetrics(watchers, VersionProvider.version()) : HttpMetrics.NONE;
      ApiContext ctx = new ApiContext(null, null, io.virtrev.versioning.Readiness::ok, config.http(), blocking,
          watchers, security, audit, metrics, null, ServedKinds.NONE);
      FleetView view = new FleetView(client, config.etcd().callTimeout());
      server = FleetServer.create(ctx, view, config.watchQueue(), Math.max(2, Runtime.getRuntime().availableProcessors()),
          tls);
      InetSocketAddress addr = server.bind(config.listenHost(), config.listenPort());
      if (tls != null) {
        timers.scheduleWithFixedDelay(tls::reloadIfChanged, 10, 10, TimeUnit.SECONDS);
      }
      long summaryMillis = audit.refusedInterval().toMillis();
      timers.scheduleAtFixedRate(audit::summarizeRefusals, summaryMillis, summaryMillis, TimeUnit.MILLISECONDS);
      LOG.info("fleet gateway started: etcd {} on {}, access: {}", config.etcd().endpoints(),
          ApiServer.hostPort(config.listenHost(), addr.getPort()), security);
      return new FleetGateway(client, server, blocking, timers, tls, audit, addr);
    } catch (RuntimeException | InterruptedException | IOException e) {
      if (server != null) {
        server.close();
      }
      if (blocking != null) {
        blocking.shutdownNow();
      }
      if (timers != null) {
        timers.shutdownNow();
      }
      if (audit != null) {
        audit.close();
      }
      client.close();
      throw e;
    }
  }

  private static Thread daemonThread(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  public InetSocketAddress address() {
    return address;
  }

  /** Re-reads the TLS certificate and key if they changed (SIGHUP). */
  public void reloadTls() {
    if (tls != null) {
      tls.reloadIfChanged();
    }
  }

  /** Stops accepting, ends every watch (a last BOOKMARK where asked for), closes the etcd client. */
  @Override
  public void close() {
    LOG.info("fleet gateway shutting down");
    server.close();
    timers.shutdown();
    blocking.shutdown();
    try {
      blocking.awaitTermination(5, TimeUnit.SECONDS);
      timers.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    client.close();
    audit.close();
  }
}
