package io.virtrev.libvirt;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs host commands (virsh, scripts/libvirtd.sh) for the real-libvirtd tests. */
final class Host {
  static final String URI = "qemu:///system";

  private Host() {}

  record Result(int exit, String output) {}

  static Result run(long timeoutSeconds, String... command) {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      process.getOutputStream().close();
      try (InputStream in = process.getInputStream()) {
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
          process.destroyForcibly();
          return new Result(-1, String.join(" ", command) + ": timed out after " + timeoutSeconds + " s");
        }
        return new Result(process.exitValue(), new String(in.readAllBytes(), StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      return new Result(-1, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(-1, "interrupted");
    }
  }

  /** Runs virsh on {@link #URI}; fails the test unless it succeeds. */
  static String virsh(String... args) {
    List<String> command = new ArrayList<>(List.of("virsh", "-q", "-c", URI));
    command.addAll(List.of(args));
    Result result = run(60, command.toArray(String[]::new));
    if (result.exit() != 0) {
      throw new AssertionError("virsh " + String.join(" ", args) + " failed: " + result.output());
    }
    return result.output();
  }

  /** Like {@link #virsh} but ignores failure (cleanup). */
  static void virshQuietly(String... args) {
    List<String> command = new ArrayList<>(List.of("virsh", "-q", "-c", URI));
    command.addAll(List.of(args));
    run(60, command.toArray(String[]::new));
  }

  static boolean libvirtdAnswers() {
    return run(10, "virsh", "-q", "-c", URI, "version").exit() == 0;
  }

  /** {@code scripts/libvirtd.sh}, found by walking up from the working directory. */
  static Path libvirtdScript() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path script = dir.resolve("scripts/libvirtd.sh");
      if (Files.isExecutable(script)) {
        return script;
      }
    }
    throw new AssertionError("scripts/libvirtd.sh not found above " + Path.of("").toAbsolutePath());
  }

  static Path writeTemp(String prefix, String content) {
    try {
      Path file = Files.createTempFile(prefix, ".xml");
      Files.writeString(file, content);
      file.toFile().deleteOnExit();
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
