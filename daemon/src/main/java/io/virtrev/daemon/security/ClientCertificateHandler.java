package io.virtrev.daemon.security;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.security.auth.x500.X500Principal;

/**
 * After the TLS handshake, turns a verified client certificate into the connection's identity: the
 * role of the first {@link DnRule} its subject DN matches. A certificate no rule matches marks the
 * connection refused (every request gets 403 naming the DN). Removes itself afterwards.
 */
public final class ClientCertificateHandler extends ChannelInboundHandlerAdapter {
  private final List<DnRule> rules;

  public ClientCertificateHandler(List<DnRule> rules) {
    this.rules = rules;
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt instanceof SslHandshakeCompletionEvent done) {
      if (done.isSuccess()) {
        SslHandler ssl = ctx.pipeline().get(SslHandler.class);
        try {
          Certificate[] chain = ssl.engine().getSession().getPeerCertificates();
          String dn = ((X509Certificate) chain[0]).getSubjectX500Principal().getName(X500Principal.RFC2253);
          DnRule.roleFor(rules, dn).ifPresentOrElse(
              role -> ctx.channel().attr(Security.CONNECTION_IDENTITY).set(new Identity(dn, role, "cert")),
              () -> ctx.channel().attr(Security.CONNECTION_REFUSED).set("client certificate " + dn
                  + " is not allowed (no --tls-client-dn rule matches it)"));
        } catch (SSLPeerUnverifiedException noCertificate) {
          // no client certificate (it is optional at the handshake): Security decides per route
        }
      }
      ctx.pipeline().remove(this);
    }
    super.userEventTriggered(ctx, evt);
  }
}
