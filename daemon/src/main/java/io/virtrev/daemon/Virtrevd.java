package io.virtrev.daemon;

import io.virtrev.api.source.DomainSource;
import io.virtrev.daemon.http.ApiContext;
import io.virtrev.daemon.http.ApiServer;
import io.virtrev.daemon.http.AuditLog;
import io.virtrev.daemon.http.HttpMetrics;
import io.virtrev.daemon.metrics.DaemonMetrics;
import io.virtrev.daemon.security.Identity;
import io.virtrev.daemon.security.Role;
import io.virtrev.daemon.security.Security;
import io.virtrev.daemon.security.TlsContexts;
import io.virtrev.daemon.security.TokenFile;
import io.virtrev.versioning.VersionedStore;
import io.virtrev.versioning.Mutations;
import io.virtrev.versioning.KindSources;
import io.virtrev.versioning.Reconciler;
import io.virtrev.versioning.ServedKinds;
import io.virtrev.libvirt.LibvirtDomainSource;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root: store, source, reconciler, HTTP listeners, started in that order and closed in
 * reverse. The HTTP server comes up before libvirt answers, so {@code /readyz} can say why the daemon
 * is not ready.
 */
public final class Virtrevd implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Virtrevd.class);

  private final VersionedStore store;
  private final Reconciler reconciler;
  private final ApiServer server;
  private final ExecutorService blocking;
  private final ScheduledExecutorService timers;
  private final TlsContexts tls;
  private final AuditLog audit;
  private final InetSocketAddress address;
  private final ServiceNotifier notifier;
  private final StartupNotifications notifications;
  private final FleetMember fleet; // null: not in a fleet

  private Virtrevd(VersionedStore store, Reconciler reconciler, ApiServer server, ExecutorService blocking,
      ScheduledExecutorService timers, TlsContexts tls, AuditLog audit, InetSocketAddress address,
      ServiceNotifier notifier, StartupNotifications notifications, FleetMember fleet) {
    this.fleet = fleet;
    this.store = store;
    this.reconciler = reconciler;
    this.server = server;
    this.blocking = blocking;
    this.timers = timers;
    this.tls = tls;
    this.audit = audit;
    this.address = address;
    this.notifier = notifier;
    this.notifications = notifications;
  }

  /**
   * Checks the access configuration, opens the store, starts the HTTP listeners, then the source and
   * reconciler.
   *
   * @throws IllegalArgumentException a configuration that must not start (with the reason)
   * @throws io.virtrev.versioning.StoreException a store that cannot be used (newer, corrupt, in use)
   */
  public static Virtrevd start(DaemonConfig config, DomainSource source) throws InterruptedException, IOException {
    return start(config, source, ServiceNotifier.NONE);
  }

  /**
   * {@link #start(DaemonConfig, DomainSource)}, telling the service manager through {@code notifier}
   * (READY=1 after the initial sync, STATUS= while not ready, STOPPING=1 on {@link #close}); the daemon
   * owns and closes it.
   */
  static Virtrevd start(DaemonConfig config, DomainSource source, ServiceNotifier notifier)
      throws InterruptedException, IOException {
    return start(config, source, kindsOf(source), notifier);
  }

  /**
   * The sources of the other kinds on {@code source}'s connection: libvirt's networks, storage and
   * snapshots for a {@link LibvirtDomainSource} (a driver without some of them is found out by the
   * reconciler's first listing, which then skips that kind); none for any other source.
   */
  static KindSources kindsOf(DomainSource source) {
    return source instanceof LibvirtDomainSource l ? new KindSources(l.networks(), l.storage(), l.snapshots())
        : KindSources.NONE;
  }

  /**
   * {@link #start(DaemonConfig, DomainSource)} serving the kinds {@code kinds} has sources for beside
   * domains (their events must reach {@code source}'s listener: they share its connection).
   */
  public static Virtrevd start(DaemonConfig config, DomainSource source, KindSources kinds, ServiceNotifier notifier)
      throws InterruptedException, IOException {
    AccessConfig access = config.access();
    TokenFile tokens = access.tokensFile() == null ? null : TokenFile.load(access.tokensFile());
    if (tokens != null && tokens.size() == 0) {
      LOG.warn("WARNING: tokens file {} holds no token: every bearer token will be refused (401)",
          access.tokensFile());
    }
    TlsContexts tls = access.tls() == null ? null : new TlsContexts(access.tls());
    Security security = new Security(tokens, tls != null && tls.settings().verifiesClients(), access.metricsNeedAuth());
    checkExposure(config.listenHost(), tls, security, access.insecure());

    VersionedStore store = VersionedStore.open(config.store());
    ExecutorService blocking = null;
    ScheduledExecutorService timers = null;
    ApiServer server = null;
    AuditLog audit = null;
    FleetMember fleet = null;
    try {
      audit = access.auditFile() == null ? AuditLog.none(access.auditRefusedInterval())
          : AuditLog.toFile(access.auditFile(), access.auditRefusedInterval());
      Reconciler reconciler = new Reconciler(source, kinds, store, config.reconciler());
      StartupNotifications notifications = new StartupNotifications(notifier, reconciler::readiness);
      AtomicInteger n = new AtomicInteger();
      blocking = Executors.newFixedThreadPool(2, r -> daemonThread(r, "history-reader-" + n.incrementAndGet()));
      // On close, shutdown() drops what is scheduled (periodic and delayed alike) and lets a running task
      // finish: an interrupt would close the audit file's channel under a refusal summary.
      java.util.concurrent.ScheduledThreadPoolExecutor t = new java.util.concurrent.ScheduledThreadPoolExecutor(1,
          r -> daemonThread(r, "daemon-timers"));
      t.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
      t.setRemoveOnCancelPolicy(true);
      timers = t;
      AtomicInteger watchers = new AtomicInteger();
      HttpMetrics metrics = HttpMetrics.NONE;
      if (access.metrics()) {
        DaemonMetrics m = new DaemonMetrics(store, reconciler, watchers, VersionProvider.version());
        store.setObserver(m);
        reconciler.setObserver(r -> {
          m.resynced(r);
          notifications.resynced(r);
        });
        metrics = m;
      } else {
        reconciler.setObserver(notifications);
      }
      Mutations mutations = new Mutations(source, store, reconciler);
      // Set once the listener is bound (its port is registered); read by /readyz on the event loops.
      java.util.concurrent.atomic.AtomicReference<FleetMember> member = new java.util.concurrent.atomic.AtomicReference<>();
      java.util.function.Supplier<io.virtrev.versioning.Readiness> readiness = () -> {
        FleetMember f = member.get();
        return f == null ? reconciler.readiness() : reconciler.readiness().withDetail(f.mirror().status().detail());
      };
      ApiContext ctx = new ApiContext(store, mutations, readiness, config.http(), blocking, watchers,
          security, audit, metrics, ServedKinds.of(kinds, store, reconciler));
      server = new ApiServer(ctx, Math.max(2, Runtime.getRuntime().availableProcessors()), tls);
      InetSocketAddress addr = server.bind(config.listenHost(), config.listenPort());
      if (access.unixSocket() != null) {
        server.bindUnix(access.unixSocket(), new Identity("socket " + access.unixSocket(), Role.WRITE, "unix"),
            access.socketMode(), access.socketGroup());
      }
      if (access.unixSocketReadOnly() != null) {
        server.bindUnix(access.unixSocketReadOnly(),
            new Identity("socket " + access.unixSocketReadOnly(), Role.READ, "unix"), access.socketMode(),
            access.socketGroup());
      }
      if (config.fleet() != null) {
        fleet = FleetMember.start(config.fleet(), store,
            config.fleet().apiUrl(tls != null, config.listenHost(), addr.getPort()));
        member.set(fleet);
        if (metrics instanceof DaemonMetrics m) {
          m.bindFleetMirror(fleet.mirror()::status);
        }
      }
      if (tls != null) {
        timers.scheduleWithFixedDelay(tls::reloadIfChanged, 10, 10, TimeUnit.SECONDS);
      }
      long summaryMillis = audit.refusedInterval().toMillis();
      timers.scheduleAtFixedRate(audit::summarizeRefusals, summaryMillis, summaryMillis, TimeUnit.MILLISECONDS);
      if (notifier != ServiceNotifier.NONE) {
        timers.scheduleWithFixedDelay(notifications::poll, 0, StartupNotifications.POLL_MILLIS,
            TimeUnit.MILLISECONDS);
      }
      reconciler.start();
      LOG.info("started: {} on {}, access: {}", config.connectUri(),
          ApiServer.hostPort(config.listenHost(), addr.getPort()), security);
      return new Virtrevd(store, reconciler, server, blocking, timers, tls, audit, addr, notifier, notifications,
          fleet);
    } catch (RuntimeException | InterruptedException | IOException e) {
      if (server != null) {
        server.close();
      }
      if (fleet != null) {
        fleet.close();
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
      source.close();
      store.close();
      notifier.close();
      throw e;
    }
  }

  /**
   * A listener reachable from other hosts must have TLS and authentication, unless the operator
   * insists ({@code --insecure}).
   */
  static void checkExposure(String host, TlsContexts tls, Security security, boolean insecure) throws IOException {
    boolean loopback = InetAddress.getByName(host).isLoopbackAddress();
    if (loopback) {
      return;
    }
    if (insecure) {
      if (tls == null || !security.authRequired()) {
        LOG.warn("WARNING: INSECURE: listening on {} (not loopback) without {} because of --insecure: anyone"
            + " who can reach this address can redefine and destroy domains", host,
            tls == null ? (security.authRequired() ? "TLS" : "TLS and authentication") : "authentication");
      }
      return;
    }
    if (tls == null || !security.authRequired()) {
      throw new IllegalArgumentException("refusing to listen on " + host + " (not loopback) without "
          + (tls == null ? "TLS" : "authentication") + ": configure --tls-cert/--tls-key and --tokens-file or"
          + " --tls-client-ca, or pass --insecure to force it");
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

  public VersionedStore store() {
    return store;
  }

  /** The HTTP listeners. */
  public ApiServer http() {
    return server;
  }

  public Reconciler reconciler() {
    return reconciler;
  }

  /** The fleet mirror's report; empty when not in a fleet. */
  public java.util.Optional<io.virtrev.fleet.MirrorStatus> fleetMirror() {
    return fleet == null ? java.util.Optional.empty() : java.util.Optional.of(fleet.mirror().status());
  }

  /** Re-reads the TLS certificate and key if they changed (SIGHUP). */
  public void reloadTls() {
    if (tls != null) {
      tls.reloadIfChanged();
    }
  }

  /**
   * Graceful stop: stops accepting and ends every watch (a last BOOKMARK where asked for), stops the
   * reconciler and source, then applies every commit already submitted and closes the store.
   * Everything acknowledged was durable before it was acknowledged.
   */
  @Override
  public void close() {
    LOG.info("shutting down");
    notifications.stopping();
    server.close();
    reconciler.close();
    if (fleet != null) {
      fleet.close(); // before the store: the mirror reads it; what it did not publish, the next start does
    }
    timers.shutdown(); // not shutdownNow: see where timers is made
    blocking.shutdown();
    try {
      blocking.awaitTermination(5, TimeUnit.SECONDS);
      timers.awaitTermination(2, TimeUnit.SECONDS); // a refusal summary in progress is written before the file closes
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    store.close();
    audit.close();
    LOG.info("stopped at revision {}", store.snapshot().revision());
    notifier.close();
  }
}
