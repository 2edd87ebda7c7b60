package io.virtrev.daemon.e2e;

import static org.awaitility.Awaitility.await;

import io.virtrev.fixtures.ApiClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The packaged daemon ({@code daemon/target/virtrevd.jar}) as a separate process against the real
 * libvirtd, as an operator runs it. {@link #kill()} is a SIGKILL: no shutdown hook runs. Public: the
 * client module's tests use it through the daemon's test-jar.
 */
public final class DaemonProcess implements AutoCloseable {
  private final Process process;
  private final Path log;
  public final int port;
  public final ApiClient api;

  private DaemonProcess(Process process, Path log, int port, ApiClient api) {
    this.process = process;
    this.log = log;
    this.port = port;
    this.api = api;
  }

  /** Starts the daemon on a free port with {@code dataDir} and waits until /readyz answers 200. */
  public static DaemonProcess start(Path dataDir, String... extraArgs) {
    return startOn("qemu:///system", dataDir, extraArgs);
  }

  /** The same, on another libvirt URI (e.g. the in-process test driver, test:///default). */
  public static DaemonProcess startOn(String uri, Path dataDir, String... extraArgs) {
    return startOn(uri, dataDir, Map.of(), freePort(), extraArgs);
  }

  /** The same, with {@code env} added to the daemon's environment, listening on {@code port}. */
  public static DaemonProcess startOn(String uri, Path dataDir, Map<String, String> env, int port, String... extraArgs) {
    return launch(uri, dataDir, env, port, new ApiClient("http://127.0.0.1:" + port), extraArgs);
  }

  /**
   * The same with TLS on the listener ({@code extraArgs} carry {@code --tls-cert} and {@code --tls-key});
   * {@link #api} speaks https, trusting what {@code tls} trusts.
   */
  public static DaemonProcess startTls(String uri, Path dataDir, javax.net.ssl.SSLContext tls, String... extraArgs) {
    int port = freePort();
    return launch(uri, dataDir, Map.of(), port, new ApiClient("https://127.0.0.1:" + port, tls), extraArgs);
  }

  private static DaemonProcess launch(String uri, Path dataDir, Map<String, String> env, int port, ApiClient api,
      String... extraArgs) {
    String jar = System.getProperty("virtrev.jar", "target/virtrevd.jar");
    if (!Files.isRegularFile(Path.of(jar))) {
      throw new AssertionError(jar + " does not exist: run mvn package (the ITs run in verify)");
    }
    try {
      Path log = Files.createTempFile("virtrevd-", ".log");
      List<String> cmd = new ArrayList<>(List.of(
          Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar,
          "--connect", uri, "--listen", "127.0.0.1:" + port, "--data-dir", dataDir.toString()));
      cmd.addAll(List.of(extraArgs));
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
      pb.environment().putAll(env);
      Process p = pb.start();
      DaemonProcess d = new DaemonProcess(p, log, port, api);
      try {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
          if (!p.isAlive()) {
            throw new AssertionError("virtrevd exited with " + p.exitValue() + ":\n" + d.log());
          }
          return d.ready();
        });
      } catch (RuntimeException | AssertionError e) {
        d.kill();
        throw e;
      }
      return d;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The packaged daemon as a fleet gateway ({@code virtrevd fleet --etcd ETCD --listen 127.0.0.1:PORT}) on a
   * free port, plain http; waits until /readyz answers 200 (etcd reachable).
   */
  public static DaemonProcess startFleetGateway(String etcdEndpointsCsv, String... extraArgs) {
    int port = freePort();
    List<String> args = new ArrayList<>(List.of("fleet", "--etcd", etcdEndpointsCsv, "--listen", "127.0.0.1:" + port));
    args.addAll(List.of(extraArgs));
    return launchCommand(args, port, new ApiClient("http://127.0.0.1:" + port));
  }

  /** {@code java -jar virtrevd.jar ARGS}, waiting until /readyz answers 200 on {@code port}. */
  public static DaemonProcess launchCommand(List<String> args, int port, ApiClient api) {
    String jar = System.getProperty("virtrev.jar", "target/virtrevd.jar");
    if (!Files.isRegularFile(Path.of(jar))) {
      throw new AssertionError(jar + " does not exist: run mvn package (the ITs run in verify)");
    }
    try {
      Path log = Files.createTempFile("virtrevd-", ".log");
      List<String> cmd = new ArrayList<>(List.of(
          Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar));
      cmd.addAll(args);
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
      DaemonProcess d = new DaemonProcess(p, log, port, api);
      try {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
          if (!p.isAlive()) {
            throw new AssertionError("virtrevd exited with " + p.exitValue() + ":\n" + d.log());
          }
          return d.ready();
        });
      } catch (RuntimeException | AssertionError e) {
        d.kill();
        throw e;
      }
      return d;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public boolean ready() {
    try {
      return api.get("/readyz").status() == 200;
    } catch (RuntimeException e) {
      return false; // not listening yet
    }
  }

  public String log() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  /** SIGKILL, as kill -9: the store sees no clean shutdown. */
  public void kill() {
    process.destroyForcibly();
    try {
      process.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** SIGTERM and wait for a clean exit (at most 30 s); the exit code. */
  public int stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("virtrevd did not stop within 30 s of SIGTERM:\n" + log());
    }
    return process.exitValue();
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      kill();
    }
  }

  public static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
