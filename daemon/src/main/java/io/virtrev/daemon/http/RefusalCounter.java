package io.virtrev.daemon.http;

import java.util.HashMap;
import java.util.Map;

/**
 * Counts refused requests per client in the current interval, so a flood of them costs a bounded
 * number of log lines: {@link #admit} says whether a refusal is the client's first in the interval
 * (to be recorded in full); {@link #drain} ends the interval and returns every client's count. At most
 * {@code maxClients} clients are told apart per interval; the rest share the key {@link #OTHERS}.
 *
 * <p>Threads: event loops call {@code admit}, the summary timer calls {@code drain}. {@code lock}
 * guards {@code counts}; nothing else runs under it.
 */
final class RefusalCounter {
  static final String OTHERS = "(other clients)";

  private final int maxClients;
  private final Object lock = new Object();
  private Map<String, long[]> counts = new HashMap<>(); // guarded by lock

  RefusalCounter(int maxClients) {
    if (maxClients < 1) {
      throw new IllegalArgumentException("maxClients < 1: " + maxClients);
    }
    this.maxClients = maxClients;
  }

  /** Counts one refusal of {@code client}; true if it is the first of its key in this interval. */
  boolean admit(String client) {
    synchronized (lock) {
      String key = counts.containsKey(client) || counts.size() < maxClients ? client : OTHERS;
      long[] c = counts.computeIfAbsent(key, k -> new long[1]);
      return c[0]++ == 0;
    }
  }

  /** Ends the interval: each key's refusals in it (the first one included). */
  Map<String, Long> drain() {
    Map<String, long[]> ended;
    synchronized (lock) {
      ended = counts;
      counts = new HashMap<>();
    }
    Map<String, Long> out = new HashMap<>();
    ended.forEach((k, v) -> out.put(k, v[0]));
    return out;
  }
}
