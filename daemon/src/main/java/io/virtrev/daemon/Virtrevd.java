package io.virtrev.daemon;

import io.virtrev.api.source.DomainSource;
import io.virtrev.daemon.http.ApiContext;
import io.virtrev.daemon.http.ApiServer;
import io.virtrev.versioning.DomainStore;
import io.virtrev.versioning.Mutations;
import io.virtrev.versioning.Reconciler;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root: store, source, reconciler, HTTP server, started in that order and closed in
 * reverse. The HTTP server comes up before libvirt answers, so {@code /readyz} can say why the daemon
 * is not ready.
 */
public final class Virtrevd implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Virtrevd.class);

  private final DomainStore store;
  private final Reconciler reconciler;
  private final ApiServer server;
  private final ExecutorService blocking;
  private final InetSocketAddress address;

  private Virtrevd(DomainStore store, Reconciler reconciler, ApiServer server, ExecutorService blocking,
      InetSocketAddress address) {
    this.store = store;
    this.reconciler = reconciler;
    this.server = server;
    this.blocking = blocking;
    this.address = address;
  }

  /** Opens the store, starts the HTTP server, then the source and reconciler. */
  public static Virtrevd start(DaemonConfig config, DomainSource source) throws InterruptedException {
    DomainStore store = DomainStore.open(config.store());
    ExecutorService blocking = null;
    ApiServer server = null;
    try {
      Reconciler reconciler = new Reconciler(source, store, config.reconciler());
      AtomicInteger n = new AtomicInteger();
      blocking = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "history-reader-" + n.incrementAndGet());
        t.setDaemon(true);
        return t;
      });
      Mutations mutations = new Mutations(source, store, reconciler);
      server = new ApiServer(new ApiContext(store, mutations, reconciler::readiness, config.http(), blocking),
          Math.max(2, Runtime.getRuntime().availableProcessors()));
      InetSocketAddress addr = server.bind(config.listenHost(), config.listenPort());
      reconciler.start();
      return new Virtrevd(store, reconciler, server, blocking, addr);
    } catch (RuntimeException | InterruptedException e) {
      if (server != null) {
        server.close();
      }
      if (blocking != null) {
        blocking.shutdownNow();
      }
      source.close();
      store.close();
      throw e;
    }
  }

  public InetSocketAddress address() {
    return address;
  }

  public DomainStore store() {
    return store;
  }

  public Reconciler reconciler() {
    return reconciler;
  }

  /** Stops accepting and ends watches, stops the reconciler and source, flushes and closes the store. */
  @Override
  public void close() {
    LOG.info("shutting down");
    server.close();
    reconciler.close();
    blocking.shutdown();
    try {
      blocking.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    store.close();
    LOG.info("stopped at revision {}", store.snapshot().revision());
  }
}
