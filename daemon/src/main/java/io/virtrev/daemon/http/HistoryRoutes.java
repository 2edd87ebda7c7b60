package io.virtrev.daemon.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.virtrev.api.ApiException;
import io.virtrev.api.Revision;

/** A domain's past: its retained revisions, the domain as it was at a revision, diffs. */
final class HistoryRoutes {
  private HistoryRoutes() {}

  /** GET /api/v1/domains/{id}/history. */
  static void history(ChannelHandlerContext ctx, FullHttpRequest req, ApiContext api, Query query, String id) {
    throw new ApiException(ApiException.Reason.NOT_FOUND, "history is not served yet");
  }

  /** GET /api/v1/domains/{id}/diff?from=A&to=B. */
  static void diff(ChannelHandlerContext ctx, FullHttpRequest req, ApiContext api, Query query, String id) {
    throw new ApiException(ApiException.Reason.NOT_FOUND, "diff is not served yet");
  }

  /** GET /api/v1/domains/{id}?resourceVersion=N: the domain exactly as it was at revision N. */
  static void getAt(ChannelHandlerContext ctx, FullHttpRequest req, ApiContext api, Query query, String id,
      Revision rv) {
    throw new ApiException(ApiException.Reason.NOT_FOUND, "reading at a revision is not served yet");
  }
}
