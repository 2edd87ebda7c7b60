package io.virtrev.client;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.AsyncBody;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.http.Interceptor;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Every request a fabric8 client sends, with the HTTP status it got ({@link Entry#CONNECTION_FAILED}
 * when none), in the order the answers arrived. An {@link Interceptor} on the client's HTTP client, so
 * it sees exactly what fabric8 puts on the wire. Thread-safe.
 */
final class RequestLog implements Interceptor {
  /** One request: method, path, decoded query parameters in order, status. */
  record Entry(String method, String path, Map<String, String> query, int status) {
    static final int CONNECTION_FAILED = -1;

    boolean isWatch() {
      return "true".equals(query.get("watch"));
    }

    boolean isList() {
      return "GET".equals(method) && path.equals("/apis/virtrev.io/v1/domains") && !isWatch();
    }

    @Override
    public String toString() {
      return method + " " + path + " " + query + " -> " + status;
    }
  }

  private final List<Entry> entries = new CopyOnWriteArrayList<>();

  /** A client for {@code config} whose requests this log records. */
  KubernetesClient client(Config config) {
    return new KubernetesClientBuilder().withConfig(config)
        .withHttpClientBuilderConsumer(b -> b.addOrReplaceInterceptor("virtrev-request-log", this))
        .build();
  }

  List<Entry> entries() {
    return List.copyOf(entries);
  }

  @Override
  public void after(HttpRequest request, HttpResponse<?> response, AsyncBody.Consumer<List<ByteBuffer>> consumer) {
    entries.add(entry(request, response.code()));
  }

  @Override
  public void afterConnectionFailure(HttpRequest request, Throwable failure) {
    entries.add(entry(request, Entry.CONNECTION_FAILED));
  }

  private static Entry entry(HttpRequest request, int status) {
    URI uri = request.uri();
    Map<String, String> query = new LinkedHashMap<>();
    if (uri.getRawQuery() != null) {
      for (String pair : uri.getRawQuery().split("&")) {
        int eq = pair.indexOf('=');
        String key = eq < 0 ? pair : pair.substring(0, eq);
        String value = eq < 0 ? "" : pair.substring(eq + 1);
        query.put(URLDecoder.decode(key, StandardCharsets.UTF_8), URLDecoder.decode(value, StandardCharsets.UTF_8));
      }
    }
    return new Entry(request.method(), uri.getRawPath(), Map.copyOf(query), status);
  }
}
