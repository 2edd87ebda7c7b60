package io.virtrev.versioning;

import java.util.List;

/**
 * Whether the daemon serves state that reflects the hypervisor; {@code reason} says why not. {@code details}
 * are lines {@code /readyz} adds that do not decide readiness (the fleet mirror's lag: a host stays ready
 * while etcd is away).
 */
public record Readiness(boolean ready, String reason, List<String> details) {
  public Readiness {
    details = List.copyOf(details);
  }

  public Readiness(boolean ready, String reason) {
    this(ready, reason, List.of());
  }

  public static Readiness ok() {
    return new Readiness(true, "ready");
  }

  public static Readiness notReady(String reason) {
    return new Readiness(false, reason);
  }

  /** The same readiness with {@code line} added to its details. */
  public Readiness withDetail(String line) {
    List<String> d = new java.util.ArrayList<>(details);
    d.add(line);
    return new Readiness(ready, reason, d);
  }
}
