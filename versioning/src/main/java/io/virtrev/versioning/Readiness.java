package io.virtrev.versioning;

/** Whether the daemon serves state that reflects the hypervisor; {@code reason} says why not. */
public record Readiness(boolean ready, String reason) {
  public static Readiness ok() {
    return new Readiness(true, "ready");
  }

  public static Readiness notReady(String reason) {
    return new Readiness(false, reason);
  }
}
