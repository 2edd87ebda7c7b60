package io.virtrev.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The packaged daemon ({@code daemon/target/virtrevd.jar}) in its own JVM: a fleet host
 * ({@code --fleet-etcd}) or a gateway ({@code virtrevd fleet}), on a free port it is given with
 * {@code --listen}; log to a file; SIGTERM on close.
 */
final class JarProcess implements AutoCloseable {
  private final Process process;
  final String name;
  final int port;

  private JarProcess(Process process, String name, int port) {
    this.process = process;
    this.name = name;
    this.port = port;
  }

  /** {@code java JVM_ARGS -jar virtrevd.jar ARGS --listen 127.0.0.1:<free port>}. */
  static JarProcess start(Ctx c, String name, List<String> jvmArgs, List<String> args) throws IOException {
    int port = EtcdMember.freePort();
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmArgs);
    cmd.add("-jar");
    cmd.add(c.repo.resolve("daemon/target/virtrevd.jar").toAbsolutePath().toString());
    cmd.addAll(args);
    cmd.add("--listen");
    cmd.add("127.0.0.1:" + port);
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(c.log(name).toFile())).start();
    return new JarProcess(p, name, port);
  }

  long pid() {
    return process.pid();
  }

  boolean alive() {
    return process.isAlive();
  }

  /** True once {@code /readyz} answers 200. */
  boolean ready(Ctx c) {
    try {
      return c.get(port, "/readyz").statusCode() == 200;
    } catch (RuntimeException notYet) {
      return false;
    }
  }

  void awaitReady(Ctx c, Duration max) {
    long end = System.nanoTime() + max.toNanos();
    while (!ready(c)) {
      if (!process.isAlive()) {
        throw new IllegalStateException(name + " exited with " + process.exitValue() + "; see " + c.log(name));
      }
      if (System.nanoTime() > end) {
        throw new IllegalStateException(name + " not ready within " + max + "; see " + c.log(name));
      }
      Ctx.sleep(50);
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  static void closeAll(List<JarProcess> ps) {
    ps.parallelStream().forEach(JarProcess::close);
  }
}
