package io.virtrev.fleet;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;

/** Makes jetcd clients from {@link EtcdSettings}; the one place the client's options are chosen. */
public final class EtcdClients {
  /** Large enough for a page of a fleet list or a host's full re-mirror answer. */
  static final int MAX_INBOUND_BYTES = 64 << 20;

  private EtcdClients() {}

  /**
   * A client for {@code s}. It does not wait for a connection: a call made while no member answers fails
   * (UNAVAILABLE) rather than hanging, so callers decide how to retry; watches reconnect on their own.
   *
   * @throws IllegalArgumentException if a TLS or password file cannot be read
   */
  public static Client open(EtcdSettings s) {
    ClientBuilder b = Client.builder()
        .endpoints(s.endpoints().toArray(String[]::new))
        .connectTimeout(Duration.ofSeconds(3))
        .keepaliveTime(Duration.ofSeconds(10))
        .keepaliveTimeout(Duration.ofSeconds(5))
        .keepaliveWithoutCalls(true)
        .retryDelay(100)
        .retryMaxDelay(1_000)
        .retryMaxDuration(s.callTimeout())
        .waitForReady(false)
        .maxInboundMessageSize(MAX_INBOUND_BYTES);
    if (s.tls()) {
      try {
        b.sslContext((SslContextBuilder ssl) -> {
          if (s.ca() != null) {
            ssl.trustManager(s.ca().toFile());
          }
          if (s.cert() != null) {
            ssl.keyManager(s.cert().toFile(), s.key().toFile());
          }
        });
      } catch (Exception e) {
        throw new IllegalArgumentException("etcd TLS settings: " + e.getMessage(), e);
      }
    }
    if (s.user() != null) {
      b.user(ByteSequence.from(s.user(), StandardCharsets.UTF_8)).password(ByteSequence.from(password(s),
          StandardCharsets.UTF_8));
    }
    return b.build();
  }

  private static String password(EtcdSettings s) {
    try {
      return Files.readAllLines(s.passwordFile(), StandardCharsets.UTF_8).stream().findFirst().orElse("");
    } catch (IOException e) {
      throw new IllegalArgumentException("etcd password file " + s.passwordFile() + ": " + e.getMessage(),
          new UncheckedIOException(e));
    }
  }
}
