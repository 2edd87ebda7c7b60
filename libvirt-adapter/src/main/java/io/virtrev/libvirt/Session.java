package io.virtrev.libvirt;

import io.virtrev.api.source.SourceException;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.BiConsumer;
import org.libvirt.LibvirtException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One open libvirt connection with keepalive, close callback and event callbacks registered.
 * Opened and closed on the connector thread only; {@link #call} may run on any thread.
 *
 * <p>Lock: {@code lock} guards the native connection's lifetime. Every call through the connection
 * holds the read lock (shared, so reads run in parallel); {@link #close} takes the write lock, so the
 * native connection is never freed under a running call. Nothing else is done under it: no listener
 * is called and no other lock is taken while it is held.
 */
final class Session {
  private static final Logger LOG = LoggerFactory.getLogger(Session.class);

  /** A libvirt call made through a live connection. */
  interface Call<T> {
    T apply(NativeConnect connect) throws LibvirtException, NativeCallException;
  }

  private final String uri;
  private final NativeConnect connect;
  private final Subscriptions subscriptions;
  private final BiConsumer<Session, String> onLost;
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  /** Guarded by {@code lock}: written under the write lock, read under either. */
  private boolean closed;
  /** Set once, by whoever first notices the connection died. */
  private final AtomicBoolean lost = new AtomicBoolean();
  /** Connector thread only. */
  private int[] callbackIds = new int[0];
  /** Connector thread only; -1 until registered. */
  private int networkCallbackId = -1;
  private int[] poolCallbackIds = new int[0];
  private boolean closeListenerRegistered;

  private Session(String uri, NativeConnect connect, Subscriptions subscriptions,
      BiConsumer<Session, String> onLost) {
    this.uri = uri;
    this.connect = connect;
    this.subscriptions = subscriptions;
    this.onLost = onLost;
  }

  /**
   * Connects and registers everything. {@code onLost} is called (on any thread, possibly more than
   * once) when the connection is found dead; it must not block.
   */
  static Session open(LibvirtSourceConfig config, Subscriptions subscriptions,
      BiConsumer<Session, String> onLost) throws LibvirtException, NativeCallException {
    Session session = new Session(config.uri(), new NativeConnect(config.uri()), subscriptions, onLost);
    boolean done = false;
    try {
      session.setUp(config);
      done = true;
      return session;
    } finally {
      if (!done) {
        session.close();
      }
    }
  }

  private void setUp(LibvirtSourceConfig config) throws LibvirtException, NativeCallException {
    try {
      connect.setKeepAlive((int) config.keepaliveInterval().toSeconds(), config.keepaliveCount());
    } catch (LibvirtException e) {
      LOG.debug("{}: no keepalive: {}", uri, e.getMessage());
    }
    connect.registerCloseListener((c, reason) ->
        onLost.accept(this, "connection closed (" + reason.name().toLowerCase(Locale.ROOT) + ")"));
    closeListenerRegistered = true;
    callbackIds = subscriptions.register(connect);
    networkCallbackId = subscriptions.registerNetworkEvents(connect);
    poolCallbackIds = subscriptions.registerStoragePools(connect);
  }

  /**
   * Runs {@code call} on the connection, mapping libvirt errors to {@link SourceException}. A
   * connection-kind failure also reports the session lost.
   */
  <T> T call(Call<T> call) {
    SourceException failure;
    lock.readLock().lock();
    try {
      if (closed) {
        throw LibvirtErrors.notConnected(uri);
      }
      try {
        return call.apply(connect);
      } catch (LibvirtException e) {
        failure = LibvirtErrors.map(e, this::isAlive);
      } catch (NativeCallException e) {
        failure = LibvirtErrors.map(e, this::isAlive);
      }
    } finally {
      lock.readLock().unlock();
    }
    if (failure.kind() == SourceException.Kind.CONNECTION) {
      onLost.accept(this, failure.getMessage());
    }
    throw failure;
  }

  /** Caller holds the read lock. */
  private boolean isAlive() {
    try {
      return connect.isAlive();
    } catch (LibvirtException | RuntimeException e) {
      return false;
    }
  }

  /** True for the first caller only: that caller owns announcing and repairing the loss. */
  boolean markLost() {
    return lost.compareAndSet(false, true);
  }

  boolean isLost() {
    return lost.get();
  }

  /**
   * Deregisters every callback, then closes the connection (callbacks left registered would keep
   * firing after close). Connector thread only; idempotent; never throws.
   */
  void close() {
    lock.writeLock().lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      subscriptions.deregister(connect, callbackIds);
      subscriptions.deregisterNetworkEvents(connect, networkCallbackId);
      subscriptions.deregisterStoragePools(connect, poolCallbackIds);
      if (closeListenerRegistered) {
        try {
          connect.unregisterCloseListener();
        } catch (LibvirtException e) {
          LOG.debug("{}: unregistering close listener: {}", uri, e.getMessage());
        }
      }
      int refs = connect.close();
      if (refs != 0) {
        LOG.debug("{}: connection still referenced ({}) after close", uri, refs);
      }
    } catch (LibvirtException | RuntimeException e) {
      LOG.debug("{}: closing: {}", uri, e.getMessage());
    } finally {
      lock.writeLock().unlock();
    }
  }
}
