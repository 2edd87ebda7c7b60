package io.virtrev.daemon.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.virtrev.api.Domain;
import io.virtrev.api.DomainList;
import io.virtrev.api.ListMeta;
import io.virtrev.api.Revision;
import io.virtrev.versioning.FieldSelector;
import io.virtrev.versioning.Snapshot;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** GET /api/v1/domains (not watch): one snapshot, filtered by {@code fieldSelector}. */
final class ListRoutes {
  private ListRoutes() {}

  static void list(ChannelHandlerContext ctx, FullHttpRequest req, ApiContext api, Query query) {
    Optional<Revision> min = query.revision("resourceVersion");
    FieldSelector selector = FieldSelector.parse(query.get("fieldSelector").orElse(null));
    RevisionWait.atRevision(ctx, req, api, min, snap -> {
      List<Domain> items = selector.isEverything() ? snap.items()
          : snap.items().stream().filter(selector::matches).toList();
      DomainList body = DomainList.of(listMeta(snap), items);
      Responses.json(ctx, req, HttpResponseStatus.OK, body, Map.of("X-Virtrev-Store-Id", snap.storeId()));
    });
  }

  static ListMeta listMeta(Snapshot snap) {
    return new ListMeta(snap.revision(), snap.storeId(), snap.compacted());
  }
}
