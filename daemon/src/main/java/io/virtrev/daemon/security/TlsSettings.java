package io.virtrev.daemon.security;

import java.nio.file.Path;
import java.util.List;

/**
 * TLS for the TCP listener.
 *
 * @param certFile PEM certificate chain of the server
 * @param keyFile PEM private key (PKCS#8) of the server
 * @param clientCaFile PEM CA certificates that client certificates must chain to; null: no client
 *     certificates are asked for
 * @param clientDnRules which client certificate subjects are accepted, with which role
 */
public record TlsSettings(Path certFile, Path keyFile, Path clientCaFile, List<DnRule> clientDnRules) {
  public TlsSettings {
    clientDnRules = List.copyOf(clientDnRules);
    if (clientCaFile != null && clientDnRules.isEmpty()) {
      throw new IllegalArgumentException("a client CA is set but no --tls-client-dn rule: no certificate could be accepted");
    }
  }

  public boolean verifiesClients() {
    return clientCaFile != null;
  }
}
