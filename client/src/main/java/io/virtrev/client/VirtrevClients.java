package io.virtrev.client;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.nio.file.Path;

/**
 * fabric8 clients for a virtrevd. The configuration comes from what is passed (a URL and token, or
 * the kubeconfig file given), not from {@code ~/.kube/config} or {@code KUBECONFIG}, so a platform
 * that also talks to a Kubernetes cluster does not mix the two up. The caller closes the client.
 *
 * <p>Watches are plain HTTP ({@code onlyHttpWatches}). fabric8 otherwise opens each watch as a
 * WebSocket first; virtrevd refuses that handshake with a complete answer and fabric8 repeats the watch
 * over HTTP, so a default configuration works too, at one extra round trip per watch opened. Setting
 * {@code onlyHttpWatches} saves that round trip.
 *
 * <pre>{@code
 * try (KubernetesClient c = VirtrevClients.fromKubeconfig(Path.of("virtrev.kubeconfig"))) {
 *   c.resources(Domain.class).inform(handler);
 * }
 * }</pre>
 */
public final class VirtrevClients {
  private VirtrevClients() {}

  /** A client for the current context of {@code kubeconfig} (e.g. one printed by scripts/kubeconfig.sh). */
  public static KubernetesClient fromKubeconfig(Path kubeconfig) {
    return create(config(kubeconfig));
  }

  /**
   * A client for the daemon at {@code url} ({@code https://host:8474}; {@code http://} only without
   * credentials, e.g. a loopback daemon), sending {@code token} as bearer token unless it is null.
   */
  public static KubernetesClient fromUrl(String url, String token) {
    return create(config(url, token));
  }

  /** The configuration of {@link #fromKubeconfig}, to adjust before {@link #create}. */
  public static Config config(Path kubeconfig) {
    Config config = Config.fromKubeconfig(kubeconfig.toFile());
    config.setOnlyHttpWatches(true);
    return config;
  }

  /** The configuration of {@link #fromUrl}, to adjust before {@link #create}. */
  public static Config config(String url, String token) {
    return new ConfigBuilder(Config.empty()).withMasterUrl(url).withOauthToken(token).withOnlyHttpWatches(true)
        .build();
  }

  /** A client for {@code config} (TLS, client certificates, timeouts: see fabric8's ConfigBuilder). */
  public static KubernetesClient create(Config config) {
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  /** The domains of {@code client}: get, list, create, update, delete, watch, inform. */
  public static MixedOperation<Domain, DomainList, Resource<Domain>> domains(KubernetesClient client) {
    return client.resources(Domain.class, DomainList.class);
  }
}
