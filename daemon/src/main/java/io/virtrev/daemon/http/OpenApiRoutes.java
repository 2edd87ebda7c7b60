package io.virtrev.daemon.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
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

  static void serve(ChannelHandlerContext ctx, FullHttpRequest req, ApiContext api, Query query, String path) {
    // 406 before any work: only JSON is served.
    Representation.negotiate(req, EnumSet.of(Representation.JSON));
    Optional<String> hash = path.equals(OpenApiDocuments.V3_GROUP_PATH) ? query.get("hash") : Optional.empty();
    Blocking.answer(ctx, req, api, () -> {
      OpenApiDocuments docs = OpenApiDocuments.get();
      OpenApiDocuments.Doc doc = path.equals(V2) ? docs.v2() : path.equals(V3) ? docs.v3Index() : docs.v3Group();
      return () -> answer(ctx, req, doc, hash);
    });
  }

  private static void answer(ChannelHandlerContext ctx, FullHttpRequest req, OpenApiDocuments.Doc doc,
      Optional<String> hash) {
    if (hash.isPresent() && !hash.get().equals(doc.hash())) {
      // An older document's URL (the index changed since the client read it): the current one.
      Responses.send(ctx, req, HttpResponseStatus.MOVED_PERMANENTLY, new byte[0], "text/plain; charset=utf-8",
          Map.of(HttpHeaderNames.LOCATION.toString(), OpenApiDocuments.V3_GROUP_PATH + "?hash=" + doc.hash()));
      return;
    }
    String etag = "\"" + doc.hash() + "\"";
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put(HttpHeaderNames.ETAG.toString(), etag);
    headers.put(HttpHeaderNames.VARY.toString(), "Accept, Accept-Encoding");
    if (hash.isPresent()) {
      headers.put(HttpHeaderNames.CACHE_CONTROL.toString(), "public, immutable");
      headers.put(HttpHeaderNames.EXPIRES.toString(),
          DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC).plusYears(1)));
    }
    String inm = req.headers().get(HttpHeaderNames.IF_NONE_MATCH);
    if (inm != null && List.of(inm.split(",")).stream().map(String::trim)
        .anyMatch(t -> t.equals("*") || t.equals(etag) || t.equals("W/" + etag))) {
      Responses.notModified(ctx, req, headers);
      return;
    }
    Responses.send(ctx, req, HttpResponseStatus.OK, doc.json(), Responses.JSON, headers);
  }
}
