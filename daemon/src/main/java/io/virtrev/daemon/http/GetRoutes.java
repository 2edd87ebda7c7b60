package io.virtrev.daemon.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.virtrev.api.ApiException;
import io.virtrev.api.Domain;
import io.virtrev.api.Revision;
import io.virtrev.api.ServedXml;
import io.virtrev.versioning.Snapshot;
import java.util.Map;
import java.util.Optional;

/**
 * GET of one domain (not watch), by name or uuid: now, from the published snapshot (no wait, no disk), or
 * at {@code resourceVersion} from history ({@link HistoryRoutes#getAt}). The object, a one-row Table, or
 * (Accept: application/xml) its XML, {@code live=true} the live XML of a running domain. ETag: its
 * resourceVersion; {@code If-None-Match} naming it answers 304.
 */
final class GetRoutes {
  private GetRoutes() {}

  static Reply get(Call c) {
    Representation rep = Representation.negotiate(c.req(), Representation.GET);
    DomainTable.Options table = rep.isTable() ? DomainTable.Options.of(rep, c.query()) : null;
    String id = c.param("name");
    Optional<Revision> at = c.query().revision("resourceVersion");
    if (at.isPresent()) {
      return HistoryRoutes.getAt(c, id, at.get());
    }
    Snapshot snap = c.api().store().snapshot();
    Domain d = snap.find(id).orElseThrow(() -> new ApiException(ApiException.Reason.NOT_FOUND,
        "domain \"" + id + "\" not found", Map.of("name", id, "kind", "domains"), null));
    String etag = d.resourceVersion().toString();
    if (ReplyWriter.matches(c.req().headers().get(HttpHeaderNames.IF_NONE_MATCH), etag)) {
      return Reply.notModified().withEtag(etag)
          .withStoreId(snap.storeId());
    }
    boolean live = c.query().flag("live");
    Reply.Full body;
    if (table != null) {
      body = Reply.bytes(HttpResponseStatus.OK, DomainTable.one(table, d, true), rep.mediaType());
    } else if (rep == Representation.XML) {
      String xml = live ? d.status().liveXml() : d.spec().xml();
      if (xml == null) {
        throw new ApiException(ApiException.Reason.CONFLICT, "domain \"" + d.name()
            + "\" is not active (state " + d.status().state() + "): it has no live XML",
            Map.of("name", d.name(), "uid", d.uuid(), "kind", "domains"), null);
      }
      body = Reply.text(live ? ServedXml.withoutObjectMeta(xml) : ServedXml.spec(xml, d.metadata().generation()),
          Reply.XML + "; charset=utf-8");
    } else {
      body = Reply.json(d);
    }
    return body.withEtag(etag).withStoreId(snap.storeId());
  }
}
