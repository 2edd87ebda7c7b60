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

  /**
   * GET of one object of {@code scope}'s kind other than domains: as a domain's, where {@code live=true}
   * asks for the live XML of an active network or pool (409 for an inactive one, 400 for a kind without one).
   */
  static <T> Reply get(Call c, KindScope<T> scope) {
    if (scope.api() == ApiKind.DOMAINS) {
      return get(c);
    }
    Representation rep = Representation.negotiate(c.req(), Representation.GET);
    DomainTable.Options table = rep.isTable() ? DomainTable.Options.of(rep, c.query()) : null;
    String id = c.param("name");
    boolean live = c.query().flag("live");
    if (live && scope.api() != ApiKind.NETWORKS && scope.api() != ApiKind.STORAGE_POOLS) {
      throw Query.bad("live=true: a " + scope.api().kind() + " has no live XML (only domains, networks and storage"
          + " pools do)");
    }
    Optional<Revision> at = c.query().revision("resourceVersion");
    if (at.isPresent()) {
      c.api().store().checkRetained(at.get());
      return RevisionWait.atRevision(c.req(), c.api(), at, snap -> Blocking.reply(c.api(), () ->
          one(c, scope, rep, table, live, scope.at(c.api().store(), snap, id, at.get()), snap.storeId())));
    }
    Snapshot snap = c.api().store().snapshot();
    T o = scope.find(snap, id);
    String etag = scope.model().meta(o).resourceVersion().toString();
    if (ReplyWriter.matches(c.req().headers().get(HttpHeaderNames.IF_NONE_MATCH), etag)) {
      return Reply.notModified().withEtag(etag).withStoreId(snap.storeId());
    }
    return one(c, scope, rep, table, live, o, snap.storeId());
  }

  private static <T> Reply one(Call c, KindScope<T> scope, Representation rep, DomainTable.Options table, boolean live,
      T o, String storeId) {
    io.virtrev.api.DomainMeta m = scope.model().meta(o);
    Reply.Full body;
    if (table != null) {
      body = Reply.bytes(HttpResponseStatus.OK, scope.table().one(table, o, true), rep.mediaType());
    } else if (rep == Representation.XML) {
      String xml = live ? KindScope.liveXml(o) : KindScope.specXml(o);
      if (xml == null) {
        throw new ApiException(ApiException.Reason.CONFLICT, scope.api().singular() + " \"" + m.name()
            + "\" is not active: it has no live XML", Map.of("name", m.name(), "uid", m.uuid(),
            "kind", scope.api().resource()), null);
      }
      body = Reply.text(xml, Reply.XML + "; charset=utf-8");
    } else {
      body = Reply.json(o);
    }
    return body.withEtag(m.resourceVersion().toString()).withStoreId(storeId);
  }

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
