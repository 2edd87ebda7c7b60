package io.virtrev.daemon.fleet;

import io.virtrev.api.ApiException;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The gateway's HTTP client to host daemons (JDK {@link HttpClient}, HTTP/1.1, one shared connection pool):
 * sends a forwarded mutation with the gateway's own credentials ({@link HostCredentials}) and, when it has
 * them, the caller's name in {@code Impersonate-User}. Thread-safe; answers complete on the client's
 * executor (never the caller's thread).
 */
public final class HostClient {
  /** Response headers passed back to the gateway's caller. */
  private static final List<String> PASSED = List.of("content-type", "warning", "location", "retry-after");

  private final HttpClient http;
  private final String token; // null: no bearer token
  private final boolean impersonates;
  private final Duration timeout;

  /** {@code timeout}: how long one host request may take (connect and answer). */
  public HostClient(HostCredentials credentials, Duration timeout) {
    this.token = credentials.token();
    this.impersonates = credentials.authenticates();
    this.timeout = timeout;
    this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout)
        .sslContext(credentials.sslContext()).build();
  }

  /** A loopback host as written in a URL (no name lookup: {@code localhost}, {@code 127.x.y.z}, {@code [::1]}). */
  static boolean loopback(String host) {
    return host != null && (host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]")
        || host.equals("::1"));
  }

  /** What a host answered: its status, the headers passed on, its body. */
  public record Answer(int status, Map<String, String> headers, byte[] body) {
    public Optional<String> header(String name) {
      return Optional.ofNullable(headers.get(name.toLowerCase(java.util.Locale.ROOT)));
    }
  }

  /**
   * Sends {@code method} of {@code pathAndQuery} (the host's path, percent-encoded) to {@code apiUrl}.
   *
   * @param caller the caller as the gateway's audit names it (sent as {@code Impersonate-User} when the
   *     gateway has credentials of its own; a host gives only the role gateway that right); null: none
   * @param headers request headers to send (Content-Type, If-Match), in order
   * @param body the body, or null for none
   */
  public CompletableFuture<Answer> send(String apiUrl, String method, String pathAndQuery, String caller,
      Map<String, String> headers, byte[] body) {
    HttpRequest request;
    try {
      URI uri = URI.create(apiUrl + pathAndQuery);
      if (token != null && "http".equals(uri.getScheme()) && !loopback(uri.getHost())) {
        // The apiUrl comes from etcd: never hand the gateway's token to a plain-http address off this machine.
        return CompletableFuture.failedFuture(new ApiException(ApiException.Reason.SERVICE_UNAVAILABLE,
            "the host's registered apiUrl " + apiUrl + " is plain http: the gateway sends its token only over"
            + " https (or to a loopback address); register the host with an https --fleet-api-url",
            Map.of(), null));
      }
      HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(timeout)
          .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body))
          .header("Accept", "application/json");
      headers.forEach(b::header);
      if (token != null) {
        b.header("Authorization", "Bearer " + token);
      }
      if (impersonates && caller != null) {
        b.header("Impersonate-User", caller);
      }
      request = b.build();
    } catch (IllegalArgumentException e) {
      // The JDK refuses the URI or a header (a query it cannot parse, a caller name outside Latin-1): nothing sent.
      return CompletableFuture.failedFuture(new ApiException(ApiException.Reason.BAD_REQUEST,
          "the request cannot be forwarded to the host: " + e.getMessage(), Map.of(), null));
    }
    // HttpRequest.timeout bounds the wait for the answer's head; orTimeout bounds the whole exchange, body too.
    return http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
        .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).thenApply(r -> {
      Map<String, String> h = new LinkedHashMap<>();
      for (String name : PASSED) {
        r.headers().firstValue(name).ifPresent(v -> h.put(name, v));
      }
      return new Answer(r.statusCode(), h, r.body());
    });
  }
}
