package io.virtrev.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.virtrev.api.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A {@link DaemonHost} in its own JVM, driven over its stdin/stdout; its log goes to a file. */
final class DaemonProcess implements AutoCloseable {
  private final Process process;
  private final PrintStream in;
  private final BufferedReader out;
  final int port;

  DaemonProcess(String source, Path dataDir, Path log, List<String> jvmArgs) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmArgs);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(DaemonHost.class.getName());
    cmd.add(source);
    cmd.add(dataDir.toString());
    try {
      process = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    in = new PrintStream(process.getOutputStream(), true, StandardCharsets.UTF_8);
    out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    String ready = readLine();
    while (ready != null && !ready.startsWith("READY ")) {
      ready = readLine(); // anything a library prints to stdout before the daemon is up
    }
    if (ready == null || !ready.startsWith("READY ")) {
      throw new IllegalStateException("daemon host did not start (" + ready + "); see " + log);
    }
    port = Integer.parseInt(ready.substring(6).trim());
  }

  long pid() {
    return process.pid();
  }

  ProcStats proc() {
    return ProcStats.of(process.pid());
  }

  synchronized String command(String c) {
    in.println(c);
    String r = readLine();
    if (r == null || r.startsWith("ERR")) {
      throw new IllegalStateException("daemon host: " + c + " -> " + r);
    }
    return r;
  }

  JsonNode stats(boolean gc) {
    try {
      return Json.mapper().readTree(command(gc ? "gc" : "stats"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private String readLine() {
    try {
      return out.readLine();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    try {
      if (process.isAlive()) {
        in.println("quit");
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor();
        }
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
