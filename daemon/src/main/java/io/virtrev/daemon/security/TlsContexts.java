package io.virtrev.daemon.security;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's TLS context, rebuilt when its files change ({@link #reloadIfChanged}, called on SIGHUP
 * and periodically). New connections use the newest context; open ones keep theirs. A reload that
 * fails (a half-written key, say) keeps the old context and logs why. Thread-safe.
 */
public final class TlsContexts {
  private static final Logger LOG = LoggerFactory.getLogger(TlsContexts.class);

  private final TlsSettings settings;
  private final AtomicReference<SslContext> current = new AtomicReference<>();
  private volatile List<FileTime> stamps;

  /**
   * With a client CA, a client certificate is asked for but optional at the handshake: {@link Security}
   * decides per route, so the open routes ({@code /healthz}, {@code /readyz}) answer without one.
   */
  public TlsContexts(TlsSettings settings) throws SSLException {
    this.settings = settings;
    this.stamps = stamps();
    current.set(build());
  }

  public SslContext current() {
    return current.get();
  }

  public TlsSettings settings() {
    return settings;
  }

  /** Rebuilds the context if a file changed since the last build. Returns true if it did. */
  public boolean reloadIfChanged() {
    List<FileTime> now = stamps();
    if (now.equals(stamps)) {
      return false;
    }
    try {
      SslContext next = build();
      current.set(next);
      stamps = now;
      LOG.info("TLS certificate and key reloaded from {}", settings.certFile());
      return true;
    } catch (SSLException | RuntimeException e) {
      LOG.error("TLS reload failed; keeping the previous certificate: {}", e.getMessage());
      return false;
    }
  }

  private SslContext build() throws SSLException {
    SslContextBuilder b = SslContextBuilder.forServer(settings.certFile().toFile(), settings.keyFile().toFile());
    if (settings.verifiesClients()) {
      b.trustManager(settings.clientCaFile().toFile()).clientAuth(ClientAuth.OPTIONAL);
    }
    return b.build();
  }

  private List<FileTime> stamps() {
    List<FileTime> out = new ArrayList<>();
    for (Path p : new Path[] {settings.certFile(), settings.keyFile(), settings.clientCaFile()}) {
      try {
        out.add(p == null ? null : Files.getLastModifiedTime(p));
      } catch (IOException e) {
        out.add(null);
      }
    }
    return out;
  }
}
