package io.virtrev.daemon.http;

import io.netty.handler.codec.http.FullHttpRequest;
import io.virtrev.daemon.security.Identity;
import java.util.Map;

/**
 * A request as a route handler sees it, once {@link RouteTable} matched its path, its method and its
 * query parameters. Used on the channel's event loop only (the request's buffer is not retained).
 *
 * @param req the request
 * @param query its query parameters, all of them allowed for the operation
 * @param api the daemon's parts
 * @param identity who is asking (null when access control is off)
 * @param params the values of the path template's parameters and choices, by name
 */
record Call(FullHttpRequest req, Query query, ApiContext api, Identity identity, Map<String, String> params) {
  Call {
    params = Map.copyOf(params);
  }

  /** The value of the template's parameter {@code name}; the template always has it. */
  String param(String name) {
    String v = params.get(name);
    if (v == null) {
      throw new IllegalStateException("the route's template has no parameter {" + name + "}: " + params.keySet());
    }
    return v;
  }
}
