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
   * @param watchQueue most events a watch holds for a client that does not read
   */
  public static ApiServer create(ApiContext api, FleetView view, int watchQueue, int workerThreads,
      TlsContexts tls) {
    return new ApiServer(api, FleetRoutes.table(new FleetRoutes.Fleet(view, watchQueue)), workerThreads, tls);
  }
}
