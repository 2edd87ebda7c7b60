package io.virtrev.daemon.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.virtrev.daemon.TestPki;
import io.virtrev.daemon.security.TokenFile;
import io.virtrev.fixtures.Host;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * kubectl as the end-to-end tests run it: only {@code config} (no ~/.kube/config, no $KUBECONFIG) and a
 * fresh {@code HOME} per run, so no discovery or OpenAPI cache carries over between runs. Every run is
 * bounded ({@link #TIMEOUT_SECONDS}); its stdout and stderr are kept apart and both go into every failure
 * message. Runs from the test thread only; each run's files live under {@code scratch}. The static
 * methods are what every kubectl test sets up: the installed check, the daemon and its kubeconfig.
 */
final class Kubectl {
  static final long TIMEOUT_SECONDS = 60;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final YAMLMapper YAML = new YAMLMapper();

  private final Path config;
  private final Path scratch;

  Kubectl(Path config, Path scratch) {
    this.config = config;
    this.scratch = scratch;
  }

  /**
   * Fails (VIRTREV_REQUIRE_LIBVIRTD=true) or skips the test when kubectl is not installed;
   * {@code scripts/test.sh} installs Debian's kubernetes-client.
   */
  static void requireInstalled() {
    if (Host.run(10, "kubectl", "version", "--client").exit() != 0) {
      if (Host.libvirtdRequired()) {
        throw new AssertionError("kubectl is not installed: scripts/test.sh installs Debian's kubernetes-client");
      }
      throw new org.opentest4j.TestAbortedException("kubectl is not installed");
    }
  }

  /**
   * Starts the packaged daemon on {@code uri} with TLS ({@code pki}'s server certificate) and a tokens file
   * in {@code dir} granting {@code token} write access, and writes its kubeconfig (that token, the CA) to
   * {@code kubeconfig}. The daemon is closed again if the kubeconfig cannot be written.
   */
  static DaemonProcess startTls(String uri, Path dir, TestPki pki, String token, Path kubeconfig) throws Exception {
    Path tokens = Files.writeString(dir.resolve("tokens"), "kubectl write " + TokenFile.hashLine(token) + "\n");
    Path tokenFile = Files.writeString(dir.resolve("kubectl.token"), token + "\n");
    DaemonProcess d = DaemonProcess.startTls(uri, dir.resolve("data-" + UUID.randomUUID()), pki.sslContext(null),
        "--tokens-file", tokens.toString(), "--tls-cert", pki.serverCert.toString(), "--tls-key", pki.serverKey.toString());
    try {
      writeConfig(d.port, tokenFile, pki.caCert, kubeconfig);
      return d;
    } catch (RuntimeException | AssertionError | IOException e) {
      d.close();
      throw e;
    }
  }

  /**
   * Writes a kubeconfig for the TLS daemon on {@code port} with {@code scripts/kubeconfig.sh}: the token
   * read from {@code tokenFile}, the CA {@code caCert} embedded. Returns {@code out}.
   */
  static Path writeConfig(int port, Path tokenFile, Path caCert, Path out) throws IOException {
    writeConfig("https://127.0.0.1:" + port, out, " --token-file " + tokenFile + " --ca " + caCert);
    assertThat(Files.readString(out)).contains("certificate-authority-data: ");
    return out;
  }

  /** Writes a kubeconfig for the plain-http daemon on {@code port} (no credentials). Returns {@code out}. */
  static Path writeConfig(int port, Path out) throws IOException {
    return writeConfig("http://127.0.0.1:" + port, out, "");
  }

  private static Path writeConfig(String server, Path out, String options) throws IOException {
    Host.Result r = Host.run(30, "sh", "-c", Host.script("kubeconfig.sh") + " --server " + server + options + " > " + out);
    assertThat(r.exit()).as(r.output()).isZero();
    assertThat(Files.readString(out)).contains("server: " + server);
    return out;
  }

  /** One finished kubectl run: its arguments, exit code, stdout and stderr apart. */
  record Run(List<String> args, int exit, String out, String err) {
    /** This run, asserting it succeeded. */
    Run ok() {
      assertThat(exit).as(this::describe).isZero();
      return this;
    }

    /** This run, asserting it failed. */
    Run failed() {
      assertThat(exit).as(this::describe).isNotZero();
      return this;
    }

    JsonNode json() {
      return parse(JSON);
    }

    JsonNode yaml() {
      return parse(YAML);
    }

    private JsonNode parse(ObjectMapper mapper) {
      try {
        return mapper.readTree(out);
      } catch (IOException e) {
        throw new AssertionError("not parseable: " + describe(), e);
      }
    }

    String describe() {
      return "kubectl " + String.join(" ", args) + " exited " + exit + "\n--- stdout:\n" + out + "--- stderr:\n" + err;
    }
  }

  Run run(String... args) {
    return run(Map.of(), args);
  }

  /** Runs kubectl with {@code env} added (e.g. KUBE_EDITOR) and waits at most {@link #TIMEOUT_SECONDS}. */
  Run run(Map<String, String> env, String... args) {
    try (Background p = background(env, args)) {
      return p.finish();
    }
  }

  /** Starts kubectl with {@code env} added and returns at once (e.g. {@code get -w}); closing it kills it. */
  Background background(Map<String, String> env, String... args) {
    try {
      Path home = Files.createTempDirectory(scratch, "kubectl-home");
      List<String> cmd = new ArrayList<>(List.of("kubectl", "--kubeconfig", config.toString()));
      cmd.addAll(List.of(args));
      Path out = home.resolve("stdout");
      Path err = home.resolve("stderr");
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
      pb.environment().put("HOME", home.toString());
      pb.environment().put("TMPDIR", home.toString()); // kubectl edit keeps its copies there
      pb.environment().remove("KUBECONFIG");
      pb.environment().remove("EDITOR"); // kubectl edit: only a KUBE_EDITOR given in env, never the caller's
      pb.environment().putAll(env);
      Process p = pb.start();
      p.getOutputStream().close();
      return new Background(List.of(args), p, out, err);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A kubectl process whose output is read from its files as it grows. */
  static final class Background implements AutoCloseable {
    private final List<String> args;
    private final Process process;
    private final Path out;
    private final Path err;

    private Background(List<String> args, Process process, Path out, Path err) {
      this.args = args;
      this.process = process;
      this.out = out;
      this.err = err;
    }

    /** Its stdout so far. */
    String out() {
      return read(out);
    }

    String err() {
      return read(err);
    }

    /** Waits at most {@link #TIMEOUT_SECONDS} for it to exit; its run. */
    Run finish() {
      try {
        if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
          throw new AssertionError(describe() + "\n(did not finish within " + TIMEOUT_SECONDS + " s)");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted", e);
      }
      return new Run(args, process.exitValue(), out(), err());
    }

    String describe() {
      return "kubectl " + String.join(" ", args) + (process.isAlive() ? " (running)" : " exited " + process.exitValue())
          + "\n--- stdout:\n" + out() + "--- stderr:\n" + err();
    }

    private static String read(Path file) {
      try {
        return Files.readString(file, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public void close() {
      process.destroyForcibly();
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
