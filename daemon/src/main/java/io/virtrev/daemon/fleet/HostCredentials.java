package io.virtrev.daemon.fleet;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * How the gateway authenticates to host daemons (docs/fleet.md, "Credentials"): a bearer token (read from
 * {@code tokenFile}), or a client certificate ({@code clientCert} chain and PKCS#8 {@code clientKey}, PEM),
 * and the CA that signed the hosts' server certificates ({@code ca}; none: the JDK's trust store). The
 * hosts give this identity the role {@code gateway}. Every field may be null. Immutable.
 */
public record HostCredentials(Path tokenFile, Path clientCert, Path clientKey, Path ca) {
  public static final HostCredentials NONE = new HostCredentials(null, null, null, null);

  public HostCredentials {
    if ((clientCert == null) != (clientKey == null)) {
      throw new IllegalArgumentException("--host-client-cert and --host-client-key go together");
    }
  }

  /** Whether the gateway has an identity of its own for the hosts (then it names its callers to them). */
  public boolean authenticates() {
    return tokenFile != null || clientCert != null;
  }

  /**
   * The token, stripped; null without a token file.
   *
   * @throws IllegalArgumentException naming the file if it cannot be read or is empty
   */
  public String token() {
    if (tokenFile == null) {
      return null;
    }
    try {
      String t = Files.readString(tokenFile, StandardCharsets.UTF_8).strip();
      if (t.isEmpty()) {
        throw new IllegalArgumentException("--host-token-file " + tokenFile + " is empty");
      }
      return t;
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read --host-token-file " + tokenFile + ": " + e.getMessage(), e);
    }
  }

  /**
   * The TLS context for HTTPS hosts: trusts {@code ca} (else the JDK's defaults), presents the client
   * certificate if configured.
   *
   * @throws IllegalArgumentException naming the file that cannot be read or parsed
   */
  public SSLContext sslContext() {
    try {
      TrustManagerFactory tmf = null;
      if (ca != null) {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        int i = 0;
        for (Certificate c : certificates(ca)) {
          trust.setCertificateEntry("ca" + i++, c);
        }
        tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
      }
      KeyManagerFactory kmf = null;
      if (clientCert != null) {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        char[] pw = new char[0];
        ks.setKeyEntry("gateway", privateKey(clientKey), pw, certificates(clientCert).toArray(new Certificate[0]));
        kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, pw);
      }
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf == null ? null : tmf.getTrustManagers(), null);
      return ctx;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalArgumentException("cannot build the TLS context for hosts: " + e.getMessage(), e);
    }
  }

  private static Collection<? extends Certificate> certificates(Path pem) throws IOException, GeneralSecurityException {
    try (InputStream in = Files.newInputStream(pem)) {
      Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
      if (certs.isEmpty()) {
        throw new IllegalArgumentException(pem + " holds no PEM certificate");
      }
      return certs;
    }
  }

  /** A PEM PKCS#8 ({@code BEGIN PRIVATE KEY}) RSA or EC key. */
  private static PrivateKey privateKey(Path pem) throws IOException, GeneralSecurityException {
    String text = Files.readString(pem, StandardCharsets.US_ASCII);
    int begin = text.indexOf("-----BEGIN PRIVATE KEY-----");
    int end = text.indexOf("-----END PRIVATE KEY-----");
    if (begin < 0 || end < begin) {
      throw new IllegalArgumentException(pem + " is not a PKCS#8 PEM key (BEGIN PRIVATE KEY); convert it with"
          + " openssl pkcs8 -topk8 -nocrypt");
    }
    byte[] der = Base64.getMimeDecoder().decode(text.substring(begin + 27, end));
    GeneralSecurityException last = null;
    for (String alg : new String[] {"RSA", "EC", "Ed25519"}) {
      try {
        return KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException e) {
        last = e;
      }
    }
    throw new IllegalArgumentException(pem + ": not an RSA, EC or Ed25519 key: " + last.getMessage());
  }
}
