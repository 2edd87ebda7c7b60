package io.virtrev.daemon.e2e;

import io.virtrev.fixtures.ApiClient;
import io.virtrev.fixtures.DomainXml;
import io.virtrev.fixtures.Host;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Changes one host's domains in a loop on a thread of its own until {@link #close()}: on a libvirt
 * test-driver host through the host's API (create, start, destroy, delete), on the real libvirtd with
 * virsh (define, redefine with more memory, undefine: no guest is started). Every domain it makes is
 * named {@code <prefix><n>}; at most three live at once, and {@link #close()} leaves some behind, so
 * that the fleet must converge to a non-trivial state. Failures are recorded, not thrown: a host must
 * keep serving whatever happens to etcd, and the test asserts {@link #failures()} is empty.
 */
final class HostChurn implements AutoCloseable {
  private static final long PACE_MILLIS = 40;
  private final String prefix;
  private final ApiClient api; // null: virsh on qemu:///system
  private final Thread thread;
  private final AtomicInteger ops = new AtomicInteger();
  private final List<String> failures = new ArrayList<>(); // guarded by itself
  private volatile boolean stop;

  private HostChurn(String prefix, ApiClient api) {
    this.prefix = prefix;
    this.api = api;
    this.thread = new Thread(this::run, "churn-" + prefix);
    this.thread.setDaemon(true);
  }

  /** Churn on a test-driver host through its API. */
  static HostChurn api(String prefix, ApiClient api) {
    HostChurn c = new HostChurn(prefix, api);
    c.thread.start();
    return c;
  }

  /** Churn on the real libvirtd with virsh. */
  static HostChurn virsh(String prefix) {
    HostChurn c = new HostChurn(prefix, null);
    c.thread.start();
    return c;
  }

  private void run() {
    List<String> live = new ArrayList<>();
    for (int n = 0; !stop; n++) {
      String name = prefix + n;
      step("create " + name, api == null ? defineVirsh(name, 32) : create(name));
      live.add(name);
      if (stop) {
        break;
      }
      step("change " + name, api == null ? redefineVirsh(name) : action(name, "start"));
      if (api != null && !stop) {
        step("destroy " + name, action(name, "destroy"));
      }
      if (live.size() > 3 && !stop) {
        String old = live.remove(0);
        step("delete " + old, api == null ? undefineVirsh(old) : delete(old));
      }
    }
  }

  private void step(String what, String failure) {
    ops.incrementAndGet();
    try {
      Thread.sleep(PACE_MILLIS); // a pace, not a wait: keeps the load of 2-5 busy hosts modest on 2 cores
    } catch (InterruptedException e) {
      stop = true;
    }
    if (failure != null) {
      synchronized (failures) {
        failures.add(what + ": " + failure);
      }
    }
  }

  private String create(String name) {
    String xml = "<domain type='test'><name>" + name + "</name><uuid>" + UUID.randomUUID()
        + "</uuid><memory unit='KiB'>65536</memory><vcpu>1</vcpu><os><type>hvm</type></os></domain>";
    return expect(201, api.send("POST", FleetChecks.DOMAINS, "application/xml", xml));
  }

  private String action(String name, String action) {
    return expect(200, api.send("POST", FleetChecks.DOMAINS + "/" + name + "/" + action, null, null));
  }

  private String delete(String name) {
    return expect(200, api.send("DELETE", FleetChecks.DOMAINS + "/" + name, null, null));
  }

  private static String expect(int status, ApiClient.Response r) {
    return r.status() == status ? null : r.status() + " " + r.body();
  }

  private final java.util.Map<String, String> uuids = new java.util.HashMap<>(); // churn thread only

  private String defineVirsh(String name, int memoryMiB) {
    String uuid = uuids.computeIfAbsent(name, n -> UUID.randomUUID().toString());
    Host.Result r = Host.run(60, "virsh", "-q", "-c", Host.URI, "define",
        Host.writeTemp(name, DomainXml.tiny(name, uuid, memoryMiB)).toString());
    return r.exit() == 0 ? null : r.output();
  }

  private String redefineVirsh(String name) {
    return defineVirsh(name, 48);
  }

  private String undefineVirsh(String name) {
    uuids.remove(name);
    Host.Result r = Host.virshQuietly("undefine", name);
    return r.exit() == 0 ? null : r.output();
  }

  /** Operations done so far (each one host revision or more). */
  int ops() {
    return ops.get();
  }

  List<String> failures() {
    synchronized (failures) {
      return new ArrayList<>(failures);
    }
  }

  /** Stops after the current operation and waits for it (bounded). */
  @Override
  public void close() {
    stop = true;
    try {
      thread.join(120_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (thread.isAlive()) {
      throw new AssertionError("churn " + prefix + " did not stop within 120 s");
    }
  }
}
