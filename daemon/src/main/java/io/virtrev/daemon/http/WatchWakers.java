package io.virtrev.daemon.http;

import io.netty.channel.EventLoop;
import io.virtrev.versioning.VersionedStore;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Wakes the open watch streams after each commit with one task per event loop, not one per stream: the
 * store's writer calls one subscriber per event loop, whose task pumps every stream on that loop. With
 * a thousand watchers that is two queued tasks per commit instead of a thousand, on the store's sync thread's time.
 *
 * <p>Threads: {@code groups} is a concurrent map; each group's {@code streams} is confined to the group's
 * event loop (streams join and leave on their channel's loop). A group is created by the first stream on
 * its loop and lives as long as the server (there are as many as event loops).
 */
final class WatchWakers {
  private final VersionedStore store;
  private final ConcurrentHashMap<EventLoop, Group> groups = new ConcurrentHashMap<>();

  WatchWakers(VersionedStore store) {
    this.store = store;
  }

  /** On {@code loop}: every later commit pumps {@code stream}, until it {@link #leave}s. */
  void join(EventLoop loop, WatchStream stream) {
    Group g = groups.get(loop);
    if (g == null) {
      Group created = new Group(loop);
      g = groups.putIfAbsent(loop, created);
      if (g == null) {
        g = created;
        store.subscribe(created::wake); // outside the map's lock; only this loop joins this group
      }
    }
    g.streams.add(stream);
  }

  /** On {@code loop}. */
  void leave(EventLoop loop, WatchStream stream) {
    Group g = groups.get(loop);
    if (g != null) {
      g.streams.remove(stream);
    }
  }

  private static final class Group {
    private final EventLoop loop;
    private final Set<WatchStream> streams = new LinkedHashSet<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();

    Group(EventLoop loop) {
      this.loop = loop;
    }

    /** The store's writer, after a commit: never blocks. */
    void wake() {
      if (scheduled.compareAndSet(false, true)) {
        try {
          loop.execute(this::pumpAll);
        } catch (RejectedExecutionException shuttingDown) {
          scheduled.set(false);
        }
      }
    }

    private void pumpAll() {
      scheduled.set(false);
      for (WatchStream s : streams.toArray(new WatchStream[0])) { // a pump may end its stream (and leave)
        s.pump();
      }
    }
  }
}
