package io.virtrev.daemon.http;

import io.virtrev.api.ApiException;
import io.virtrev.versioning.Readiness;
import java.util.Map;

/** {@code /healthz}, {@code /readyz} and {@code /metrics}: plain text (406 for anything else). Stateless. */
final class HealthRoutes {
  private static final String PROMETHEUS = "text/plain; version=0.0.4; charset=utf-8";

  private HealthRoutes() {}

  /** The process answers. */
  static Reply healthz(Call c) {
    Representation.negotiate(c.req(), Representation.TEXT_ONLY);
    return Reply.text("ok\n", Reply.TEXT);
  }

  /**
   * The state reflects libvirt; 503 with Retry-After otherwise. Lines that do not decide readiness (the
   * fleet mirror's lag) follow {@code ok}, one each, and end the 503's message.
   */
  static Reply readyz(Call c) {
    Representation.negotiate(c.req(), Representation.TEXT_ONLY);
    Readiness r = c.api().readiness().get();
    if (!r.ready()) {
      throw new ApiException(ApiException.Reason.SERVICE_UNAVAILABLE, "not ready: " + r.reason()
          + (r.details().isEmpty() ? "" : "; " + String.join("; ", r.details())),
          Map.of("retryAfterSeconds", 1), null);
    }
    StringBuilder body = new StringBuilder("ok\n");
    for (String d : r.details()) {
      body.append(d).append('\n');
    }
    return Reply.text(body.toString(), Reply.TEXT);
  }

  /** The Prometheus exposition; 404 when metrics are off. */
  static Reply metrics(Call c) {
    Representation.negotiate(c.req(), Representation.TEXT_ONLY);
    String text = c.api().metrics().scrape();
    if (text == null) {
      throw new ApiException(ApiException.Reason.NOT_FOUND, "metrics are off");
    }
    return Reply.text(text, PROMETHEUS);
  }
}
