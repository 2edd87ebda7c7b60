package io.virtrev.daemon;

import io.virtrev.fixtures.Host;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A throwaway PKI made with the openssl command line: a CA, a server certificate for 127.0.0.1, and
 * client certificates with chosen subjects; plus JDK SSLContexts for clients.
 */
public final class TestPki {
  public final Path dir;
  public final Path caCert;
  public final Path serverCert;
  public final Path serverKey;

  public TestPki(Path dir) {
    this.dir = dir;
    this.caCert = dir.resolve("ca.pem");
    this.serverCert = dir.resolve("server.pem");
    this.serverKey = dir.resolve("server.key");
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=virtrev test CA",
        "-keyout", dir.resolve("ca.key").toString(), "-out", caCert.toString());
    issue("server", "/CN=localhost", "subjectAltName=IP:127.0.0.1,DNS:localhost");
    openssl("pkcs8", "-topk8", "-nocrypt", "-in", dir.resolve("server.rawkey").toString(), "-out", serverKey.toString());
  }

  /**
   * Issues a client certificate with {@code subject} (e.g. {@code /O=Example/CN=platform}); its PKCS#12 path.
   * The PEM certificate and key are {@code dir/<name>.pem} and {@code dir/<name>.rawkey}.
   */
  public Path client(String name, String subject) {
    issue(name, subject, null);
    Path p12 = dir.resolve(name + ".p12");
    openssl("pkcs12", "-export", "-in", dir.resolve(name + ".pem").toString(), "-inkey",
        dir.resolve(name + ".rawkey").toString(), "-out", p12.toString(), "-passout", "pass:secret");
    return p12;
  }

  private void issue(String name, String subject, String san) {
    Path key = dir.resolve(name + ".rawkey");
    Path csr = dir.resolve(name + ".csr");
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", subject, "-keyout", key.toString(), "-out", csr.toString());
    Path ext = dir.resolve(name + ".ext");
    try {
      Files.writeString(ext, san == null ? "basicConstraints=CA:FALSE\n" : san + "\n");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    openssl("x509", "-req", "-in", csr.toString(), "-CA", caCert.toString(), "-CAkey", dir.resolve("ca.key").toString(),
        "-CAcreateserial", "-days", "2", "-extfile", ext.toString(), "-out", dir.resolve(name + ".pem").toString());
  }

  /** An SSLContext that trusts the test CA and, if {@code p12} is not null, presents that client certificate. */
  public SSLContext sslContext(Path p12) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    try (InputStream in = Files.newInputStream(caCert)) {
      trust.setCertificateEntry("ca", java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    KeyManagerFactory kmf = null;
    if (p12 != null) {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      try (InputStream in = Files.newInputStream(p12)) {
        ks.load(in, "secret".toCharArray());
      }
      kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(ks, "secret".toCharArray());
    }
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    return ctx;
  }

  private void openssl(String... args) {
    String[] cmd = new String[args.length + 1];
    cmd[0] = "openssl";
    System.arraycopy(args, 0, cmd, 1, args.length);
    Host.Result r = Host.run(60, cmd);
    if (r.exit() != 0) {
      throw new AssertionError("openssl " + String.join(" ", args) + " failed: " + r.output());
    }
  }
}
