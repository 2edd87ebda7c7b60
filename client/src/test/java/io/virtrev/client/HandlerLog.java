package io.virtrev.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every call an informer makes to its handler, per object name, in order. fabric8 calls a handler
 * from one thread at a time; the lock only publishes the calls to the test thread.
 */
final class HandlerLog implements ResourceEventHandler<Domain> {
  enum Kind { ADD, UPDATE, DELETE }

  /** One call: {@code before} is the old object of an update (null otherwise), {@code after} the new one. */
  record Call(Kind kind, Domain before, Domain after, boolean finalStateUnknown) {
    long rv() {
      return rv(after);
    }

    static long rv(Domain d) {
      return Long.parseLong(d.getMetadata().getResourceVersion());
    }
  }

  private final Map<String, List<Call>> byName = new LinkedHashMap<>();
  private int total;

  @Override
  public synchronized void onAdd(Domain d) {
    record(new Call(Kind.ADD, null, d, false));
  }

  @Override
  public synchronized void onUpdate(Domain before, Domain after) {
    record(new Call(Kind.UPDATE, before, after, false));
  }

  @Override
  public synchronized void onDelete(Domain d, boolean finalStateUnknown) {
    record(new Call(Kind.DELETE, null, d, finalStateUnknown));
  }

  private void record(Call call) {
    total++;
    byName.computeIfAbsent(call.after().getMetadata().getName(), n -> new ArrayList<>()).add(call);
  }

  synchronized List<Call> calls(String name) {
    return List.copyOf(byName.getOrDefault(name, List.of()));
  }

  synchronized int total() {
    return total;
  }

  synchronized Map<String, List<Call>> all() {
    Map<String, List<Call>> copy = new LinkedHashMap<>();
    byName.forEach((k, v) -> copy.put(k, List.copyOf(v)));
    return copy;
  }

  /**
   * What every object's calls must satisfy, whoever changed it: an add first and after each delete
   * (names can be reused), never two adds in a row; an update's old object is the one the handler was
   * last given for that name; resourceVersions never go back.
   */
  void checkEveryCall() {
    Map<String, List<Call>> all = all();
    int counted = 0;
    for (Map.Entry<String, List<Call>> e : all.entrySet()) {
      Call previous = null;
      for (Call c : e.getValue()) {
        counted++;
        String where = e.getKey() + ": " + describe(e.getValue());
        switch (c.kind()) {
          case ADD -> assertThat(previous == null || previous.kind() == Kind.DELETE).as("add first or after a delete: " + where).isTrue();
          case UPDATE -> {
            assertThat(previous).as("update before any add: " + where).isNotNull();
            assertThat(previous.kind()).as("update after a delete: " + where).isNotEqualTo(Kind.DELETE);
            assertThat(Call.rv(c.before())).as("update's old object is the last one given: " + where).isEqualTo(previous.rv());
            assertThat(c.rv()).as("resourceVersion went back: " + where).isGreaterThanOrEqualTo(previous.rv());
          }
          case DELETE -> {
            assertThat(previous).as("delete before any add: " + where).isNotNull();
            assertThat(previous.kind()).as("two deletes: " + where).isNotEqualTo(Kind.DELETE);
            assertThat(c.rv()).as("resourceVersion went back: " + where).isGreaterThanOrEqualTo(previous.rv());
          }
        }
        previous = c;
      }
    }
    assertThat(counted).isEqualTo(total());
  }

  static String describe(List<Call> calls) {
    StringBuilder s = new StringBuilder();
    for (Call c : calls) {
      s.append(' ').append(c.kind()).append('@').append(c.rv()).append('(')
          .append(c.after().getStatus() == null ? "?" : c.after().getStatus().getState()).append(')');
    }
    return s.toString();
  }
}
