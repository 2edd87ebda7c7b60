package io.virtrev.daemon.http;

import io.virtrev.daemon.security.TlsContexts;
import io.virtrev.fleet.FleetView;

/** Makes the fleet gateway's HTTP server: the same listeners and pipeline as a host's, the fleet's routes. */
public final class FleetServer {
  private FleetServer() {}

  /**
   * An {@link ApiServer} answering by the fleet's route table ({@link FleetRoutes}).
   *
   * @param api the HTTP limits, security, audit and metrics ({@code store}, {@code mutations} and
   *     {@code wakers} null: the gateway has no store)
   * @param watchQueue most events a watch holds for a client that does not keep up before its etcd watch pauses
   */
  public static ApiServer create(ApiContext api, FleetView view, int watchQueue, int workerThreads,
      TlsContexts tls) {
    return new ApiServer(api, FleetRoutes.table(new FleetRoutes.Fleet(view, watchQueue)), workerThreads, tls);
  }

  /**
   * As {@link #create(ApiContext, FleetView, int, int, TlsContexts)}, with mutations forwarded to the owning
   * hosts ({@link FleetMutations}): {@code hosts} finds them and their mirrors' progress, {@code client} sends
   * with the gateway's own credentials, an answer waits at most {@code mirrorWait} for the mirror.
   */
  public static ApiServer create(ApiContext api, FleetView view, int watchQueue, int workerThreads,
      TlsContexts tls, io.virtrev.fleet.FleetHosts hosts, io.virtrev.daemon.fleet.HostClient client,
      java.time.Duration mirrorWait) {
    return new ApiServer(api, FleetRoutes.table(new FleetRoutes.Fleet(view, watchQueue),
        new FleetMutations.Writes(view, hosts, client, mirrorWait)), workerThreads, tls);
  }
}
