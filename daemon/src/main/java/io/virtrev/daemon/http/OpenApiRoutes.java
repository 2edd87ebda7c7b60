package io.virtrev.daemon.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@code GET /openapi/v2}, {@code /openapi/v3} and {@code /openapi/v3/apis/virtrev.io/v1}, as the
 * apiserver serves them (kube-openapi's handlers): JSON only (a client asking only for the protobuf
 * encoding, as client-go's {@code OpenAPISchema()} does, gets 406 NotAcceptable); {@code ETag} is the
 * document's hash and {@code If-None-Match} answers 304; the v3 group document asked for with
 * {@code ?hash=} equal to its hash is immutable ({@code Cache-Control: public, immutable}, {@code Expires}
 * a year on), with another hash it redirects (301) to the current one. Stateless; the documents are
 * built off the event loop ({@link Blocking}).
 */
final class OpenApiRoutes {
  static final String V2 = "/openapi/v2";
  static final String V3 = "/openapi/v3";

  private OpenApiRoutes() {}

  /** The document at {@code path}: {@link #V2}, {@link #V3} or {@link OpenApiDocuments#V3_GROUP_PATH}. */
  static Reply serve(Call c, String path) {
    return serve(c, path, OpenApiDocuments::get);
  }

  /** As {@link #serve(Call, String)}, from {@code documents} (a fleet gateway's: {@link OpenApiDocuments.Lazy}). */
  static Reply serve(Call c, String path, java.util.function.Supplier<OpenApiDocuments> documents) {
    // 406 before any work: only JSON is served.
    Representation.negotiate(c.req(), EnumSet.of(Representation.JSON));
    Optional<String> hash = path.equals(OpenApiDocuments.V3_GROUP_PATH) ? c.query().get("hash") : Optional.empty();
    String ifNoneMatch = c.req().headers().get(HttpHeaderNames.IF_NONE_MATCH);
    return Blocking.reply(c.api(), () -> {
      OpenApiDocuments docs = documents.get();
      OpenApiDocuments.Doc doc = path.equals(V2) ? docs.v2() : path.equals(V3) ? docs.v3Index() : docs.v3Group();
      return answer(doc, hash, ifNoneMatch);
    });
  }

  private static Reply answer(OpenApiDocuments.Doc doc, Optional<String> hash, String ifNoneMatch) {
    if (hash.isPresent() && !hash.get().equals(doc.hash())) {
      // An older document's URL (the index changed since the client read it): the current one.
      return Reply.bytes(HttpResponseStatus.MOVED_PERMANENTLY, new byte[0], Reply.TEXT)
          .withHeader(HttpHeaderNames.LOCATION.toString(), OpenApiDocuments.V3_GROUP_PATH + "?hash=" + doc.hash());
    }
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put(HttpHeaderNames.VARY.toString(), "Accept, Accept-Encoding");
    if (hash.isPresent()) {
      headers.put(HttpHeaderNames.CACHE_CONTROL.toString(), "public, immutable");
      headers.put(HttpHeaderNames.EXPIRES.toString(),
          DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC).plusYears(1)));
    }
    Reply.Full ok = Reply.bytes(HttpResponseStatus.OK, doc.json(), Reply.JSON).withHeaders(headers).withEtag(doc.hash());
    return ReplyWriter.matches(ifNoneMatch, doc.hash()) ? ok.asNotModified() : ok;
  }
}
