package io.virtrev.daemon.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.virtrev.api.ApiException;
import io.virtrev.api.Json;
import io.virtrev.daemon.fleet.HostClient;
import io.virtrev.daemon.security.Identity;
import io.virtrev.fleet.FleetHosts;
import io.virtrev.fleet.FleetKeys;
import io.virtrev.fleet.FleetObject;
import io.virtrev.fleet.FleetSelector;
import io.virtrev.fleet.FleetView;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The gateway's mutations (docs/fleet.md, "Mutations"): PUT, PATCH (merge patch and JSON Patch), POST
 * (create: the name {@code <host>.<name>} picks the host; for a volume or snapshot, the owner's
 * {@code <host>.<pool>} or {@code <host>.<domain>} in the path), DELETE and the actions, forwarded to the
 * owning host's {@code apiUrl} (from its registration) with the gateway's own credentials and the caller
 * named in {@code Impersonate-User}.
 *
 * <p>Preconditions are translated ({@link FleetEdits}): the fleet resourceVersion the client sent (body
 * {@code metadata.resourceVersion}, DeleteOptions {@code preconditions}, a JSON Patch {@code test}: 409;
 * {@code If-Match}: 412, as on a host) must be the key's current {@code mod_revision}, else nothing is
 * forwarded; the host request then carries the host resourceVersion stored in that value, so a change made
 * on the host meanwhile fails there (409/412 from the host, passed through). Fleet-only fields (the name's
 * host prefix, the fleet uid, {@code status.host}, the host label and annotation) are translated or removed.
 *
 * <p>The answer waits, at most {@link Writes#mirrorWait}, until the host's mirror published the host's new
 * revision ({@link FleetHosts#mirrored}) and is the object as the fleet serves it at that etcd revision
 * (a DELETE: the delete's revision); after the bound, 504 naming the host revision not mirrored yet. A host's
 * error passes through with its code and Status. Stateless; the futures complete on etcd's and the HTTP
 * client's threads, the {@link Reply.Later} continuations on the channel's event loop.
 */
final class FleetMutations {
  private FleetMutations() {}

  /**
   * What the gateway's mutations use.
   *
   * @param view etcd reads of objects
   * @param hosts registrations and mirror progress
   * @param client the HTTP client to hosts
   * @param mirrorWait how long an answer waits for the mirror
   */
  record Writes(FleetView view, FleetHosts hosts, HostClient client, Duration mirrorWait) {}

  /** A request to send to a host, built from the client's and the object's current fleet state. */
  private record Forward(String method, String path, Map<String, String> headers, byte[] body, boolean dry) {}

  /** The outcome: the reply, and what the gateway's audit records of it. */
  private record Outcome(Reply.Full reply, String name, String uid, String rv, String error) {}

  /** PUT of {@code <host>.<name>}. */
  static Reply update(Call c, ApiKind k, Writes w) {
    Representation.negotiate(c.req(), Representation.JSON_ONLY);
    FleetEdits.Pre ifMatch = FleetEdits.ifMatch(c.req());
    String type = RequestBodies.mediaType(c.req());
    byte[] body = bytes(c.req());
    return onItem(c, k, w, cur -> {
      byte[] out = body;
      Map<String, String> h = new LinkedHashMap<>();
      h.put("Content-Type", c.req().headers().get(HttpHeaderNames.CONTENT_TYPE, type));
      ifMatch.check(cur, k);
      ifMatch.hostHeader(cur).ifPresent(v -> h.put("If-Match", v));
      if (type.equals("application/json")) {
        out = Json.bytes(FleetEdits.object(body, cur, k));
      }
      return new Forward("PUT", hostPath(Place.of(c, k), cur.hostName(), null), h, out, false);
    });
  }

  /** PATCH of {@code <host>.<name>}: a merge patch or a JSON Patch, translated, forwarded as a PATCH. */
  static Reply patch(Call c, ApiKind k, Writes w) {
    Representation.negotiate(c.req(), Representation.JSON_ONLY);
    FleetEdits.Pre ifMatch = FleetEdits.ifMatch(c.req());
    String type = RequestBodies.mediaType(c.req());
    byte[] body = bytes(c.req());
    DomainPatch.parse(type, body); // its form: 415, 400, 413 before anything is read
    return onItem(c, k, w, cur -> {
      Map<String, String> h = new LinkedHashMap<>();
      h.put("Content-Type", type);
      ifMatch.check(cur, k);
      ifMatch.hostHeader(cur).ifPresent(v -> h.put("If-Match", v));
      byte[] out = type.equals(DomainPatch.MERGE) ? Json.bytes(FleetEdits.mergePatch(body, cur, k))
          : Json.bytes(FleetEdits.jsonPatch(body, cur, k));
      return new Forward("PATCH", hostPath(Place.of(c, k), cur.hostName(), null), h, out, false);
    });
  }

  /** DELETE of {@code <host>.<name>}, with If-Match or DeleteOptions preconditions translated. */
  static Reply delete(Call c, ApiKind k, Writes w) {
    Representation.negotiate(c.req(), Representation.JSON_ONLY);
    FleetEdits.Pre ifMatch = FleetEdits.ifMatch(c.req());
    byte[] body = bytes(c.req());
    boolean dryBody = RequestBodies.deleteOptions(c.req()).dryRun().isDry(); // its form: 400, 415 first
    return onItem(c, k, w, cur -> {
      Map<String, String> h = new LinkedHashMap<>();
      ifMatch.check(cur, k);
      ifMatch.hostHeader(cur).ifPresent(v -> h.put("If-Match", v));
      byte[] out = null;
      if (body.length > 0) {
        h.put("Content-Type", "application/json");
        out = Json.bytes(FleetEdits.deleteOptions(body, cur, k));
      }
      return new Forward("DELETE", hostPath(Place.of(c, k), cur.hostName(), null), h, out, dryBody);
    });
  }

  /** POST {@code <host>.<name>/<action>}, with If-Match translated; the body (if any) as sent. */
  static Reply act(Call c, ApiKind k, Writes w) {
    Representation.negotiate(c.req(), Representation.JSON_ONLY);
    FleetEdits.Pre ifMatch = FleetEdits.ifMatch(c.req());
    byte[] body = bytes(c.req());
    String action = c.param("action");
    return onItem(c, k, w, cur -> {
      Map<String, String> h = new LinkedHashMap<>();
      ifMatch.check(cur, k);
      ifMatch.hostHeader(cur).ifPresent(v -> h.put("If-Match", v));
      if (body.length > 0) {
        h.put("Content-Type", c.req().headers().get(HttpHeaderNames.CONTENT_TYPE, "application/json"));
      }
      return new Forward("POST", hostPath(Place.of(c, k), cur.hostName(), action), h, body.length > 0 ? body : null, false);
    });
  }

  /**
   * POST to the collection: the object's name ({@code metadata.name} of a JSON body, else the XML's
   * {@code <name>}) is {@code <host>.<name>}; the host creates {@code <name>}. 201 with the fleet object.
   */
  static Reply create(Call c, ApiKind k, Writes w) {
    FullHttpRequest req = c.req();
    Representation.negotiate(req, Representation.JSON_ONLY);
    if (req.headers().contains(HttpHeaderNames.IF_MATCH)) {
      throw new ApiException(ApiException.Reason.BAD_REQUEST, "If-Match on create names a version of a "
          + k.singular() + " that does not exist yet; use If-None-Match: *");
    }
    String type = RequestBodies.mediaType(req);
    Map<String, String> h = new LinkedHashMap<>();
    h.put("Content-Type", req.headers().get(HttpHeaderNames.CONTENT_TYPE, type));
    String inm = req.headers().get(HttpHeaderNames.IF_NONE_MATCH);
    if (inm != null) {
      h.put("If-None-Match", inm);
    }
    if (k.owner() != null) {
      // Under an owner: the path's <host>.<owner> picks the host; the object keeps its own name. The owner must
      // exist in the fleet (404 naming it otherwise, nothing forwarded).
      Place place = Place.of(c, k);
      byte[] body = FleetEdits.createOwned(type, bytes(req), k);
      Forward f = new Forward("POST", place.hostCollection() + query(req), h, body, false);
      return later(c, FleetRoutes.ownerAt(c, k, w.view(), 0)
          .thenCompose(x -> send(c, k, w, place, null, f, HttpResponseStatus.CREATED)));
    }
    FleetEdits.Created created = FleetEdits.create(type, bytes(req), k);
    Place place = new Place(k, created.host(), null, null);
    Forward f = new Forward("POST", place.hostCollection() + query(req), h, created.body(), false);
    return later(c, send(c, k, w, place, null, f, HttpResponseStatus.CREATED));
  }

  /** Reads {@code <host>.<name>} now, builds the host request from it, forwards it. */
  private static Reply onItem(Call c, ApiKind k, Writes w,
      java.util.function.Function<FleetObject, Forward> build) {
    Place at = Place.of(c, k);
    CompletableFuture<Outcome> done = at.read(w.view(), c.param("name")).thenCompose(cur -> {
      Forward f = build.apply(cur);
      return send(c, k, w, at, cur, new Forward(f.method(), f.path() + query(c.req()), f.headers(), f.body(), f.dry()),
          HttpResponseStatus.OK);
    });
    return later(c, done);
  }

  /**
   * Where a request's objects are: the owning host, and for a kind under an owner (volumes, snapshots) the owner
   * the path names ({@code <host>.<pool>}, {@code <host>.<domain>}). Immutable.
   *
   * @param host the owning host
   * @param owner the owner's selector (its host and name), null for a kind of its own
   * @param ownerName the owner's name on its host, null for a kind of its own
   */
  private record Place(ApiKind kind, String host, FleetSelector owner, String ownerName) {
    /** The place of the object named by {@code c}'s path (an owned kind's: its owner's); NOT_FOUND for no fleet name. */
    static Place of(Call c, ApiKind k) {
      if (k.owner() == null) {
        return new Place(k, FleetEdits.hostOf(c.param("name"), k), null, null);
      }
      FleetSelector owner = FleetRoutes.owned(c, k, FleetSelector.EVERYTHING);
      String fleetOwner = c.param(k.ownerParam());
      return new Place(k, owner.host(), owner, fleetOwner.substring(fleetOwner.indexOf('.') + 1));
    }

    /** The object {@code name} (a fleet name, or an owned object's own) now; NOT_FOUND naming it, or its missing owner. */
    CompletableFuture<FleetObject> read(FleetView view, String name) {
      if (owner == null) {
        return view.get(kind.resource(), name, 0);
      }
      // A missing owner is the answer (404 naming it), as on a host.
      return FleetRoutes.owned(view, FleetRoutes.ownerAt(FleetKeys.fleetName(host, ownerName), kind, view, 0),
          view.get(kind.resource(), host, name, owner, 0, name));
    }

    /** The collection on the host: {@code /apis/virtrev.io/v1/storagepools/<pool>/volumes}, {@code .../networks}. */
    String hostCollection() {
      return ownerName == null ? ApiGroup.ROOT + "/" + kind.resource() : collection(DomainPaths.segment(ownerName));
    }

    /** The collection in the fleet: the owner by its fleet name. */
    String fleetCollection() {
      return ownerName == null ? ApiGroup.ROOT + "/" + kind.resource()
          : collection(DomainPaths.segment(FleetKeys.fleetName(host, ownerName)));
    }

    private String collection(String ownerSegment) {
      List<PathTemplate.Segment> segs = kind.collection().segments();
      String literal = ((PathTemplate.Literal) segs.get(segs.size() - 1)).text(); // volumes, snapshots
      return ApiGroup.ROOT + "/" + kind.owner().resource() + "/" + ownerSegment + "/" + literal;
    }
  }



  /**
   * Reads where the host is and how far its mirror got, sends {@code f}, and waits until the mirror
   * published the host's answer: the fleet object at that revision.
   */
  private static CompletableFuture<Outcome> send(Call c, ApiKind k, Writes w, Place place, FleetObject cur,
      Forward f, HttpResponseStatus ok) {
    String host = place.host();
    Identity who = c.identity();
    String caller = who == null || who.isAnonymous() ? null : who.toString();
    boolean dry = c.query().get("dryRun").filter(v -> !v.isEmpty()).isPresent();
    return w.hosts().registration(host).thenCompose(reg -> w.hosts().progress(host).thenCompose(since ->
        w.client().send(reg.apiUrl(), f.method(), f.path(), caller, f.headers(), f.body())
            .exceptionally(t -> {
              throw unanswered(host, reg.apiUrl(),
                  t instanceof CompletionException && t.getCause() != null ? t.getCause() : t);
            })
            .thenCompose(answer -> {
              if (answer.status() >= 300) {
                return CompletableFuture.completedFuture(passThrough(answer));
              }
              ObjectNode object = hostObject(answer, host);
              String uid = object.path("metadata").path("uid").asText(
                  object.path("metadata").path("uuid").asText(""));
              // A dry-run create may answer without a uid (nothing was made): its key is only a name here.
              String key = FleetKeys.object(k.resource(), host, uid.isEmpty() ? "dry-run" : uid);
              long hostRv = object.path("metadata").path("resourceVersion").asLong(0);
              if (dry || f.dry()) {
                long rv = cur == null ? 0 : cur.revision();
                return CompletableFuture.completedFuture(success(answer, FleetObject.of(key, answer.body(), rv),
                    ok, rv > 0, place));
              }
              return w.hosts().mirrored(host, reg.storeId(), hostRv, since, w.mirrorWait()).thenCompose(at -> {
                if (at > 0) {
                  return CompletableFuture.completedFuture(success(answer, FleetObject.of(key, answer.body(), at),
                      ok, true, place));
                }
                // The host made no new revision (nothing changed): the object as the fleet serves it now.
                String name = object.path("metadata").path("name").asText();
                return place.read(w.view(), place.owner() == null ? FleetKeys.fleetName(host, name) : name)
                    .thenApply(now -> success(answer, now, ok, true, place));
              });
            })));
  }

  /**
   * Why a host call has no answer. Refused before anything was sent (a connection not made): 503, retry.
   * Otherwise the host may have made the change (a timeout after the request left): 504 without Retry-After,
   * so that a client reads before it repeats a create or an action.
   */
  private static ApiException unanswered(String host, String apiUrl, Throwable e) {
    if (e instanceof ApiException a) {
      return a;
    }
    if (e instanceof java.net.ConnectException || e instanceof java.net.http.HttpConnectTimeoutException
        || e instanceof javax.net.ssl.SSLException) {
      return new ApiException(ApiException.Reason.SERVICE_UNAVAILABLE, "host " + host + " (" + apiUrl
          + ") cannot be reached: " + e, Map.of("retryAfterSeconds", 1), null);
    }
    return new ApiException(ApiException.Reason.TIMEOUT, "host " + host + " (" + apiUrl + ") gave no answer ("
        + e + "): the change may have been made; read the object before repeating it", Map.of(), null);
  }

  /** The fleet object as the answer; ETag its fleet revision; Location of a create in fleet terms. */
  private static Outcome success(HostClient.Answer answer, FleetObject o, HttpResponseStatus ok, boolean etag,
      Place place) {
    Reply.Full r = Reply.bytes(ok, o.bytes(), Reply.JSON);
    if (etag) {
      r = r.withEtag(Long.toString(o.revision()));
    }
    if (answer.header("warning").isPresent()) {
      r = r.withHeader("Warning", answer.header("warning").get());
    }
    if (ok == HttpResponseStatus.CREATED) {
      r = r.withHeader("Location", place.fleetCollection() + "/" + DomainPaths.segment(o.fleetName()));
    }
    return new Outcome(r, o.fleetName(), o.fleetUid(), Long.toString(o.revision()), null);
  }

  /** A host's error, with its code and Status body. */
  private static Outcome passThrough(HostClient.Answer a) {
    String type = a.header("content-type").orElse(Reply.JSON);
    Reply.Full r = Reply.bytes(HttpResponseStatus.valueOf(a.status()), a.body(), type);
    if (a.header("retry-after").isPresent()) {
      r = r.withHeader("Retry-After", a.header("retry-after").get());
    }
    String message = null;
    try {
      message = Json.mapper().readTree(a.body()).path("message").asText(null);
    } catch (IOException | RuntimeException ignored) {
      // not a Status: the code says it
    }
    return new Outcome(r, null, null, null, "host answered " + a.status() + (message == null ? "" : ": " + message));
  }

  private static ObjectNode hostObject(HostClient.Answer a, String host) {
    try {
      JsonNode j = Json.mapper().readTree(a.body());
      if (j instanceof ObjectNode o && o.path("metadata").isObject()) {
        return o;
      }
    } catch (IOException e) {
      // below
    }
    throw new ApiException(ApiException.Reason.INTERNAL_ERROR, "host " + host + " answered " + a.status()
        + " without an object");
  }

  /** The answer once {@code done} completes: audited on the gateway, then written. */
  private static Reply later(Call c, CompletableFuture<Outcome> done) {
    String method = c.req().method().name();
    String uri = c.req().uri();
    boolean dry = c.query().get("dryRun").filter(v -> !v.isEmpty()).isPresent();
    return new Reply.Later<>(done, (o, failure) -> {
      if (failure != null) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
            ? failure.getCause() : failure;
        int code = cause instanceof ApiException e ? e.reason().httpCode() : 500;
        c.api().audit().record(c.identity(), method, uri, dry, code, null, null, null, String.valueOf(cause.getMessage()));
        throw cause instanceof RuntimeException r ? r : new CompletionException(cause);
      }
      c.api().audit().record(c.identity(), method, uri, dry, o.reply().status().code(), o.name(), o.uid(), o.rv(),
          o.error());
      return o.reply();
    });
  }

  /** The host's path of its object {@code name} of kind {@code k} (and {@code action}, if any). */
  private static String hostPath(Place place, String name, String action) {
    return place.hostCollection() + "/" + DomainPaths.segment(name) + (action == null ? "" : "/" + action);
  }

  /** {@code ?query} of the request as sent (dryRun, fieldValidation, ... go to the host as they are), or "". */
  private static String query(FullHttpRequest req) {
    int q = req.uri().indexOf('?');
    return q < 0 ? "" : req.uri().substring(q);
  }

  private static byte[] bytes(FullHttpRequest req) {
    byte[] b = new byte[req.content().readableBytes()];
    req.content().getBytes(req.content().readerIndex(), b);
    return b;
  }
}
