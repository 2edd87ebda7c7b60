package io.virtrev.libvirt;

import io.virtrev.api.source.DomainObservation;
import io.virtrev.api.source.DomainSource;
import io.virtrev.api.source.LifecycleAction;
import io.virtrev.api.source.NetworkSource;
import io.virtrev.api.source.SnapshotSource;
import io.virtrev.api.source.SourceException;
import io.virtrev.api.source.SourceListener;
import io.virtrev.api.source.StorageSource;
import io.virtrev.api.source.UndefineOptions;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.libvirt.LibvirtException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link DomainSource} on a libvirt connection (libvirt-java plus a little JNA).
 *
 * <p>Threads: one {@code libvirt-connector} thread per source opens, registers, tears down and
 * reopens connections, and is the only thread that calls {@link SourceListener#onConnected()} and
 * {@link SourceListener#onDisconnected}, so those alternate strictly (connected, disconnected,
 * connected, ...). {@link SourceListener#onEvent} runs on the process-wide {@code libvirt-event-loop}
 * thread, pool events ({@link #storage()}) included. Reads and writes run on the caller's thread,
 * under the session's read lock (so the connection is never freed during a call); a domain read's
 * independent calls run side by side, the first on the caller's thread and the others on this source's
 * {@code libvirt-read-*} pool ({@link ParallelCalls}, at most {@value ParallelCalls#THREADS} threads),
 * while the caller waits for them under that lock.
 *
 * <p>Error codes: writes ({@link DomainWriter}) and the state read go through the project's JNA
 * binding and keep libvirt's exact {@code virErrorNumber}; the other reads go through libvirt-java,
 * which folds numbers >= 105 onto one constant. Messages are libvirt's own on both paths.
 *
 * <p>Connection loss is noticed by the close callback or by a read failing with a connection error,
 * on any thread: that thread clears {@link #session} at once (reads then fail fast with
 * {@code CONNECTION}) and hands the rest to the connector thread, which closes the dead session,
 * reports {@code onDisconnected} once, and reconnects with capped exponential backoff.
 *
 * <p>Lock: {@code stateLock} guards {@link #session} transitions and {@link #closed}. It is held
 * only for those field updates: never across a libvirt call or a listener call.
 */
public final class LibvirtDomainSource implements DomainSource {
  private static final Logger LOG = LoggerFactory.getLogger(LibvirtDomainSource.class);

  private final LibvirtSourceConfig config;
  private final ScheduledThreadPoolExecutor connector;
  /** Connector thread only. */
  private final Backoff backoff;
  private final Object stateLock = new Object();
  private final DomainSchema schema = new DomainSchema(DomainSchema.DEFAULT);
  /** The read calls' pool; shut down by close() after the session is. */
  private final ParallelCalls calls = ParallelCalls.pool("libvirt-read");
  /** The live, announced session, or null. Written under stateLock; read without it. */
  private volatile Session session;
  /** Guarded by stateLock. */
  private boolean closed;
  /** The session onConnected() was last called for, until onDisconnected(). Connector thread only. */
  private Session announced;
  /** Set once by start(); read on the connector thread after start() submitted to it. */
  private volatile SourceListener listener;
  private volatile Subscriptions subscriptions;
  /** The networks on this source's connection; see {@link #networks()}. */
  private final LibvirtNetworkSource networks = new LibvirtNetworkSource(this::current);
  /** Storage pools and volumes on the same connection. */
  private final LibvirtStorageSource storage = new LibvirtStorageSource(this::current);
  /** The domain snapshots on this source's connection; see {@link #snapshots()}. */
  private final LibvirtSnapshotSource snapshots = new LibvirtSnapshotSource(this::current);

  /** Does not connect: {@link #start} does, on the connector thread. */
  public LibvirtDomainSource(LibvirtSourceConfig config) {
    this.config = config;
    this.backoff = new Backoff(config.backoffMin(), config.backoffMax());
    this.connector = new ScheduledThreadPoolExecutor(1, r -> {
      Thread thread = new Thread(r, "libvirt-connector");
      thread.setDaemon(true);
      return thread;
    });
    connector.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
  }

  @Override
  public void start(SourceListener listener) {
    synchronized (stateLock) {
      if (closed) {
        throw new IllegalStateException("source closed: " + config.uri());
      }
      if (this.listener != null) {
        throw new IllegalStateException("already started: " + config.uri());
      }
      this.listener = listener;
      this.subscriptions = new Subscriptions(listener::onEvent);
    }
    try {
      connector.execute(this::connect);
    } catch (RejectedExecutionException e) {
      throw new IllegalStateException("source closed: " + config.uri(), e);
    }
  }

  /**
   * The virtual networks of this source's hypervisor, on this source's connection: reads and writes fail
   * with CONNECTION while it is down, and network events reach the listener given to {@link #start}.
   */
  public NetworkSource networks() {
    return networks;
  }

  /**
   * The domain snapshots of this source's hypervisor, on this source's connection: reads and writes fail
   * with CONNECTION while it is down. libvirt emits no snapshot events; the domain events some snapshot
   * operations cause reach the listener given to {@link #start} as any domain event.
   */
  public SnapshotSource snapshots() {
    return snapshots;
  }

  @Override
  public List<DomainObservation> listAll() {
    try (LibvirtListing listing = LibvirtListing.open(current(), calls)) {
      return listing.next(Integer.MAX_VALUE);
    }
  }

  @Override
  public Listing listing() {
    return LibvirtListing.open(current(), calls);
  }

  /** Also empty for a string that is not a uuid: no domain can have it. */
  @Override
  public Optional<DomainObservation> get(String uuid) {
    return lookup(uuid, connect -> DomainReader.lookupAndRead(connect, uuid, calls));
  }

  @Override
  public Optional<String> secureConfigXml(String uuid) {
    return lookup(uuid, connect -> DomainReader.lookupAndReadSecureConfig(connect, uuid));
  }

  /** {@code read} of the domain {@code uuid}; empty if there is none (or {@code uuid} is not one). */
  private <T> Optional<T> lookup(String uuid, Session.Call<T> read) {
    if (!isUuid(uuid)) {
      return Optional.empty();
    }
    try {
      return Optional.of(current().call(read));
    } catch (SourceException e) {
      if (e.kind() == SourceException.Kind.NOT_FOUND) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /**
   * Defines, then reads the domain back through the define's own handle on the same connection: what
   * libvirt stored, with no lookup in between.
   */
  @Override
  public DomainObservation define(String xml, boolean validate) {
    Objects.requireNonNull(xml, "xml");
    return current().call(connect -> DomainWriter.define(connect, xml, validate, calls));
  }

  /** libvirt's schema check ({@link DomainSchema}) on this host; libvirt itself is not called. */
  @Override
  public void validate(String xml, boolean validate) {
    Objects.requireNonNull(xml, "xml");
    schema.check(xml, validate);
  }

  @Override
  public void undefine(String uuid, UndefineOptions options) {
    Objects.requireNonNull(options, "options");
    requireUuid(uuid);
    current().call(connect -> {
      DomainWriter.undefine(connect, uuid, options);
      return null;
    });
  }

  @Override
  public void perform(String uuid, LifecycleAction action) {
    Objects.requireNonNull(action, "action");
    requireUuid(uuid);
    current().call(connect -> {
      DomainWriter.perform(connect, uuid, action);
      return null;
    });
  }

  /**
   * The storage pools and volumes of this source's hypervisor, on this source's connection: connected while
   * it is; pool events reach the listener given to {@link #start} (kind {@link StorageSource#POOLS}).
   */
  public StorageSource storage() {
    return storage;
  }

  @Override
  public boolean isConnected() {
    return session != null;
  }

  @Override
  public String describe() {
    return config.uri();
  }

  @Override
  public void close() {
    synchronized (stateLock) {
      if (closed) {
        return;
      }
      closed = true;
    }
    try {
      connector.execute(this::closeSession);
    } catch (RejectedExecutionException e) {
      LOG.debug("{}: connector already stopped", config.uri());
    }
    connector.shutdown();
    try {
      if (!connector.awaitTermination(10, TimeUnit.SECONDS)) {
        LOG.warn("{}: connector thread did not stop within 10 s", config.uri());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    calls.close();
  }

  private Session current() {
    Session current = session;
    if (current == null) {
      throw LibvirtErrors.notConnected(config.uri());
    }
    return current;
  }

  /** Connector thread. */
  private void connect() {
    if (isClosed()) {
      return;
    }
    Session opened;
    try {
      EventLoop.ensureStarted();
      opened = Session.open(config, subscriptions, this::lost);
    } catch (LibvirtException | NativeCallException | RuntimeException e) {
      retryLater(e.getMessage());
      return;
    }
    boolean publish;
    synchronized (stateLock) {
      publish = !closed && !opened.isLost();
      if (publish) {
        session = opened;
      }
    }
    if (!publish) {
      opened.close();
      if (!isClosed()) {
        retryLater("connection lost while registering");
      }
      return;
    }
    backoff.reset();
    announced = opened;
    LOG.info("{}: connected", config.uri());
    listener.onConnected();
  }

  /** Connector thread. */
  private void retryLater(String why) {
    long delay = backoff.next().toMillis();
    LOG.info("{}: connect failed ({}); retrying in {} ms", config.uri(), why, delay);
    try {
      connector.schedule(this::connect, delay, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      LOG.debug("{}: closed; not reconnecting", config.uri());
    }
  }

  /** Any thread; must not block. Only the first report per session counts. */
  private void lost(Session lost, String reason) {
    if (!lost.markLost()) {
      return;
    }
    synchronized (stateLock) {
      if (session == lost) {
        session = null;
      }
    }
    LOG.warn("{}: {}", config.uri(), reason);
    try {
      connector.execute(() -> recover(lost, reason));
    } catch (RejectedExecutionException e) {
      LOG.debug("{}: closed; not reconnecting", config.uri());
    }
  }

  /**
   * Connector thread; queued behind the connect() that opened {@code lost}. A session that was never
   * announced is only closed: the connect() that dropped it already scheduled a retry.
   */
  private void recover(Session lost, String reason) {
    lost.close();
    if (lost != announced || isClosed()) {
      return;
    }
    announced = null;
    listener.onDisconnected(reason);
    connect();
  }

  /** Connector thread. */
  private void closeSession() {
    Session current;
    synchronized (stateLock) {
      current = session;
      session = null;
    }
    if (current != null) {
      current.close();
    }
    if (announced != null) {
      announced.close();
      announced = null;
    }
  }

  private boolean isClosed() {
    synchronized (stateLock) {
      return closed;
    }
  }

  /** A string that is not a uuid names no domain: NOT_FOUND, as {@link #get} is empty for it. */
  private static void requireUuid(String uuid) {
    if (!isUuid(uuid)) {
      throw new SourceException(SourceException.Kind.NOT_FOUND, "not a domain uuid: '" + uuid + "'");
    }
  }

  private static boolean isUuid(String uuid) {
    try {
      return uuid != null && UUID.fromString(uuid).toString().equalsIgnoreCase(uuid);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
