package io.virtrev.daemon.http;

import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.virtrev.api.ApiException;
import io.virtrev.api.Domain;
import io.virtrev.api.ApiRequest;
import io.virtrev.api.source.LifecycleAction;
import io.virtrev.daemon.security.Identity;
import io.virtrev.api.source.UndefineOptions;
import io.virtrev.api.Revision;
import io.virtrev.versioning.DomainXmlInspector;
import io.virtrev.versioning.DryRun;
import io.virtrev.versioning.FieldValidation;
import io.virtrev.versioning.KindMutations;
import io.virtrev.versioning.KindResult;
import io.virtrev.versioning.Kinds;
import io.virtrev.versioning.ObjectAction;
import io.virtrev.versioning.Mutations;
import io.virtrev.versioning.Precondition;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * The mutating endpoints: parse and check the request on the event loop (bad input never reaches the
 * store or libvirt), run the mutation on the reconciler's lane, answer when it completes.
 */
final class MutationRoutes {

  private MutationRoutes() {}

  /** What to answer for a successful mutation: {@code object} is a Domain or any other kind's object. */
  private record Answer(HttpResponseStatus status, Object object, Map<String, String> headers) {
    io.virtrev.api.DomainMeta meta() {
      return object instanceof Domain d ? d.metadata() : meta(Kinds.ofType(object.getClass()), object);
    }

    @SuppressWarnings("unchecked")
    private static <T> io.virtrev.api.DomainMeta meta(io.virtrev.versioning.KindModel<?, T> m, Object o) {
      return m.meta((T) o);
    }
  }

  /**
   * POST /apis/virtrev.io/v1/domains: 201 with Location (the name percent-encoded) and ETag; a name the API could not
   * address afterwards is 422. {@code If-None-Match: *} is the default meaning.
   */
  static Reply create(Call c) {
    FullHttpRequest req = c.req();
    ApiContext api = c.api();
    Identity who = c.identity();
    Query query = c.query();
    Representation.negotiate(req, Representation.JSON_ONLY);
    String inm = req.headers().get(HttpHeaderNames.IF_NONE_MATCH);
    if (inm != null && !inm.trim().equals("*")) {
      throw new ApiException(ApiException.Reason.BAD_REQUEST,
          "If-None-Match on create only takes *, meaning: only if no such domain exists (always the case)");
    }
    if (req.headers().contains(HttpHeaderNames.IF_MATCH)) {
      throw new ApiException(ApiException.Reason.BAD_REQUEST,
          "If-Match on create names a version of a domain that does not exist yet; use If-None-Match: *");
    }
    FieldValidation validation = fieldValidation(api, query);
    DryRun dryRun = MutationParams.dryRun(query);
    MutationParams.checkFieldManager(query);
    RequestBodies.Definition def = RequestBodies.definition(req);
    Map<String, String> unknown = warnings(UnknownFields.judge(def.object(), UnknownFields.mode(query)));
    DomainXmlInspector.Identity xmlId = DomainXmlInspector.inspect(def.xml());
    DomainPaths.checkAddressable(xmlId.name());
    if (def.metadataName() != null && !def.metadataName().equals(xmlId.name())) {
      throw new ApiException(ApiException.Reason.BAD_REQUEST, "metadata.name \"" + def.metadataName()
          + "\" does not match the <name> of spec.xml (\"" + xmlId.name() + "\"): the XML names the domain");
    }
    if (def.metadataUid() != null && xmlId.uuid() != null && !def.metadataUid().equalsIgnoreCase(xmlId.uuid())) {
      throw new ApiException(ApiException.Reason.BAD_REQUEST, "metadata.uuid " + def.metadataUid()
          + " does not match the <uuid> of spec.xml (" + xmlId.uuid() + ")");
    }
    return respond(req, api, who, dryRun, api.mutations().create(def.xml(), validation, dryRun,
        madeBy(req, who)), r -> new Answer(HttpResponseStatus.CREATED,
        r.object(), with(unknown, HttpHeaderNames.LOCATION.toString(), DomainPaths.location(r.object().name()))));
  }

  /**
   * What PUT and PATCH read before their bodies, in this order (the first error answers): the
   * representation (JSON only), fieldValidation, dryRun, fieldManager, If-Match. One reader, so that
   * PATCH takes every parameter PUT takes.
   */
  private record Replacing(FieldValidation validation, DryRun dryRun, Precondition ifMatch) {
    static Replacing read(FullHttpRequest req, ApiContext api, Query query) {
      Representation.negotiate(req, Representation.JSON_ONLY);
      FieldValidation validation = fieldValidation(api, query);
      DryRun dryRun = MutationParams.dryRun(query);
      MutationParams.checkFieldManager(query);
      return new Replacing(validation, dryRun, RequestBodies.ifMatch(req));
    }
  }

  /**
   * PUT /apis/virtrev.io/v1/domains/{id}: replace the config XML, conditionally on If-Match (412) or
   * metadata.resourceVersion (409). Labels and annotations: a JSON body's metadata (see
   * {@link RequestBodies#definition}); a raw XML's virtrev element, or without one the domain's current ones.
   */
  static Reply update(Call c) {
    FullHttpRequest req = c.req();
    ApiContext api = c.api();
    Identity who = c.identity();
    Query query = c.query();
    String id = c.param("name");
    Replacing params = Replacing.read(req, api, query);
    RequestBodies.Definition def = RequestBodies.definition(req);
    Map<String, String> unknown = warnings(UnknownFields.judge(def.object(), UnknownFields.mode(query)));
    checkMetadataNames(api, id, def);
    if (def.keepsObjectMeta()) {
      // A raw XML without virtrev's element keeps the labels and annotations the domain has when the
      // write runs: read on the lane, so one set meanwhile (kubectl label) is not lost.
      DomainXmlInspector.inspect(def.xml()); // a malformed XML is 400 here, before the lane
      return respond(req, api, who, params.dryRun(), api.mutations().patch(id, params.ifMatch(),
          params.validation(), params.dryRun(), madeBy(req, who), current -> Optional.of(
          new Mutations.Replacement(RequestBodies.withObjectMeta(def.xml(), current.metadata().labels(),
              current.metadata().annotations()), def.pre()))),
          r -> new Answer(HttpResponseStatus.OK, r.object(), unknown));
    }
    Precondition pre = params.ifMatch().and(def.pre());
    return respond(req, api, who, params.dryRun(), api.mutations().update(id, def.xml(), pre, params.validation(), params.dryRun(),
        madeBy(req, who)),
        r -> new Answer(HttpResponseStatus.OK, r.object(), unknown));
  }

  /**
   * PATCH /apis/virtrev.io/v1/domains/{id}: a merge patch or JSON Patch applied, on the reconciler's lane,
   * to the current object as served; the patched object is then what a PUT of it would be (the same body
   * parsing, so its {@code metadata.resourceVersion} and edit-base marker are its preconditions, both
   * 409; the same update step). {@code If-Match} is decided first (412). A patch that changes nothing
   * answers the current object and makes no revision.
   */
  static Reply patch(Call c) {
    FullHttpRequest req = c.req();
    ApiContext api = c.api();
    Identity who = c.identity();
    Query query = c.query();
    String id = c.param("name");
    Replacing params = Replacing.read(req, api, query);
    query.flag("force"); // server-side apply's: a boolean, without effect here (apply-patch is 415)
    byte[] body = new byte[req.content().readableBytes()];
    req.content().getBytes(req.content().readerIndex(), body);
    DomainPatch patch = DomainPatch.parse(RequestBodies.mediaType(req), body);
    FieldValidation unknownFields = UnknownFields.mode(query);
    // Written on the reconciler's lane, read once the mutation completed (its future orders the two).
    java.util.concurrent.atomic.AtomicReference<Map<String, String>> unknown = new java.util.concurrent.atomic.AtomicReference<>(Map.of());
    return respond(req, api, who, params.dryRun(), api.mutations().patch(id, params.ifMatch(), params.validation(), params.dryRun(),
        madeBy(req, who), current -> {
      String patched = patch.applyTo(current);
      if (patched == null) {
        return Optional.empty();
      }
      RequestBodies.Definition def = RequestBodies.definition("application/json", patched);
      unknown.set(warnings(UnknownFields.judge(def.object(), unknownFields)));
      checkMetadataNames(current, def);
      return Optional.of(new Mutations.Replacement(def.xml(), def.pre()));
    }), r -> new Answer(HttpResponseStatus.OK, r.object(), unknown.get()));
  }

  /**
   * DELETE /apis/virtrev.io/v1/domains/{id}: undefine, conditionally; flags as query parameters. A dry
   * run asked for in the query or in the DeleteOptions body (either suffices).
   */
  static Reply delete(Call c) {
    FullHttpRequest req = c.req();
    ApiContext api = c.api();
    Identity who = c.identity();
    Query query = c.query();
    String id = c.param("name");
    Representation.negotiate(req, Representation.JSON_ONLY);
    DryRun queryDryRun = MutationParams.dryRun(query);
    MutationParams.checkDeleteQuery(query);
    RequestBodies.DeleteOptions body = RequestBodies.deleteOptions(req);
    DryRun dryRun = queryDryRun.isDry() || body.dryRun().isDry() ? DryRun.ALL : DryRun.NONE;
    Precondition pre = RequestBodies.ifMatch(req).and(body.pre());
    UndefineOptions opts;
    try {
      opts = new UndefineOptions(query.flag("managedSave"), query.flag("snapshotsMetadata"),
          query.flag("checkpointsMetadata"), query.flag("nvram"), query.flag("keepNvram"));
    } catch (IllegalArgumentException e) {
      throw new ApiException(ApiException.Reason.BAD_REQUEST, "nvram=true and keepNvram=true contradict each other");
    }
    return respond(req, api, who, dryRun, api.mutations().delete(id, pre, opts, dryRun, madeBy(req, who)),
        r -> new Answer(HttpResponseStatus.OK, r.object(), Map.of()));
  }

  /**
   * POST /apis/virtrev.io/v1/domains/{id}/{action}. shutdown and reboot only ask the guest: they answer 202 with the
   * current object and a Warning saying what to watch for.
   */
  static Reply act(Call c) {
    FullHttpRequest req = c.req();
    ApiContext api = c.api();
    Identity who = c.identity();
    Query query = c.query();
    String id = c.param("name");
    String name = c.param("action");
    Representation.negotiate(req, Representation.JSON_ONLY);
    LifecycleAction action = LifecycleAction.valueOf(name.toUpperCase(Locale.ROOT));
    DryRun dryRun = MutationParams.dryRun(query);
    Precondition pre = RequestBodies.ifMatch(req);
    return respond(req, api, who, dryRun, api.mutations().act(id, action, pre, dryRun, madeBy(req, who)), r -> switch (action) {
      case SHUTDOWN -> new Answer(HttpResponseStatus.ACCEPTED, r.object(), Map.of("Warning",
          "299 - \"shutdown was sent to the guest, which may ignore it: watch for status.state=shutoff,"
              + " or use destroy\""));
      case REBOOT -> new Answer(HttpResponseStatus.ACCEPTED, r.object(), Map.of("Warning",
          "299 - \"reboot was sent to the guest, which may ignore it: watch for a reboot event in"
              + " status.lastEvent, or use reset\""));
      default -> new Answer(HttpResponseStatus.OK, r.object(), Map.of());
    });
  }

  /**
   * What a revision made by {@code req} says about it ({@code status.request}): the method, the canonical
   * group path without the query, and the caller as the audit trail names it ({@link Identity#toString});
   * no user for an anonymous caller.
   */
  static ApiRequest madeBy(HttpRequest req, Identity who) {
    String path = new QueryStringDecoder(req.uri()).path();
    if (path.length() > 1 && path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    return new ApiRequest(req.method().name(), ApiGroup.canonical(path),
        who == null || who.isAnonymous() ? null : who.toString());
  }

  /** RFC 7234 warn-values, comma-separated (code 299, agent "-", as Kubernetes writes them). */
  private static String warningValue(java.util.List<String> warnings) {
    return String.join(", ", warnings.stream()
        .map(w -> "299 - \"" + w.replace("\\", "\\\\").replace("\"", "\\\"") + "\"").toList());
  }

  /** A Warning header carrying {@code warnings}, or none. */
  private static Map<String, String> warnings(java.util.List<String> warnings) {
    return warnings.isEmpty() ? Map.of() : Map.of("Warning", warningValue(warnings));
  }

  /** {@code headers} plus one more. */
  private static Map<String, String> with(Map<String, String> headers, String name, String value) {
    Map<String, String> h = new LinkedHashMap<>(headers);
    h.put(name, value);
    return h;
  }

  /** The request's {@code fieldValidation}, or the daemon's default. */
  private static FieldValidation fieldValidation(ApiContext api, Query query) {
    return query.get("fieldValidation").filter(v -> !v.isEmpty()).map(FieldValidation::parse)
        .orElse(api.http().fieldValidation());
  }

  /** A JSON body's metadata.name / metadata.uuid, if given, must name the domain in the URL. */
  private static void checkMetadataNames(ApiContext api, String id, RequestBodies.Definition def) {
    if (def.metadataName() == null && def.metadataUid() == null) {
      return;
    }
    api.store().snapshot().find(id).ifPresent(d -> checkMetadataNames(d, def));
  }

  private static void checkMetadataNames(Domain d, RequestBodies.Definition def) {
    if (def.metadataName() != null && !def.metadataName().equals(d.name())) {
      throw new ApiException(ApiException.Reason.BAD_REQUEST, "metadata.name \"" + def.metadataName()
          + "\" does not match the domain in the URL (\"" + d.name() + "\")");
    }
    if (def.metadataUid() != null && !def.metadataUid().equalsIgnoreCase(d.uuid())) {
      throw new ApiException(ApiException.Reason.BAD_REQUEST, "metadata.uuid " + def.metadataUid()
          + " does not match the domain in the URL (" + d.uuid() + ")");
    }
  }

  /**
   * The answer once the mutation completed, on the event loop: audited, then its object with the ETag of
   * its revision (none for a dry-run create) and one Warning per warning; a failure as its Status (a
   * conflict with the ETag of the current revision); no completion within the request's bound, 504.
   */
  private static Reply respond(FullHttpRequest req, ApiContext api, Identity who, DryRun dryRun,
      CompletableFuture<Mutations.Result> f, Function<Mutations.Result, Answer> answer) {
    return respond(req, api, who, dryRun, f, answer, Mutations.Result::warnings);
  }

  /** As above, for any mutation's result {@code R} with its {@code warnings}. */
  private static <R> Reply respond(FullHttpRequest req, ApiContext api, Identity who, DryRun dryRun,
      CompletableFuture<R> f, Function<R, Answer> answer, Function<R, java.util.List<String>> warningsOf) {
    java.time.Duration limit = Query.bound(req, api.http().mutationTimeout());
    String method = req.method().name();
    String uri = req.uri();
    return new Reply.Later<>(f.orTimeout(limit.toMillis(), TimeUnit.MILLISECONDS), (r, failed) -> {
      if (failed != null) {
        Throwable cause = StoreErrors.api(failed) != null ? StoreErrors.api(failed) : failed;
        int code = cause instanceof ApiException e ? e.reason().httpCode()
            : cause instanceof TimeoutException ? 504 : 500;
        api.audit().record(who, method, uri, dryRun.isDry(), code, null, null, null,
            String.valueOf(cause.getMessage()));
        if (cause instanceof ApiException e) {
          Object rv = e.details().get("currentResourceVersion");
          return Reply.error(e).withEtag(rv == null ? null : rv.toString());
        } else if (cause instanceof TimeoutException) {
          throw new ApiException(ApiException.Reason.TIMEOUT, "the mutation did not"
              + " complete within " + limit + "; it may still take effect: watch"
              + " the object");
        }
        throw new CompletionException(cause);
      }
      Answer a = answer.apply(r);
      io.virtrev.api.DomainMeta m = a.meta();
      Revision rv = m.resourceVersion(); // null only for a dry-run create (none assigned yet)
      api.audit().record(who, method, uri, dryRun.isDry(), a.status().code(), m.name(),
          m.uuid(), rv == null ? null : rv.toString(), null);
      Reply.Full reply = Reply.json(a.status(), a.object()).withHeaders(a.headers());
      java.util.List<String> warnings = warningsOf.apply(r);
      if (!warnings.isEmpty()) { // one Warning header per RFC 7234 warning, as Kubernetes sends them
        reply = reply.withHeader("Warning", a.headers().containsKey("Warning")
            ? a.headers().get("Warning") + ", " + warningValue(warnings) : warningValue(warnings));
      }
      return reply.withEtag(rv).withStoreId(api.store().snapshot().storeId());
    });
  }

  // ---- Every other kind: the same steps as a domain's, on its KindMutations ----

  /** The mutations of {@code scope}'s kind; a kind without a source here answers 404 as an unknown resource. */
  @SuppressWarnings("unchecked")
  private static <T> KindMutations<T> mutations(Call c, KindScope<T> scope) {
    KindMutations<T> m = (KindMutations<T>) c.api().kinds().of(scope.model().kind());
    if (m == null) {
      throw new ApiException(ApiException.Reason.NOT_FOUND, "this daemon's libvirt connection serves no "
          + scope.api().resource() + " (the driver has none): they cannot be changed", Map.of("kind",
          scope.api().resource()), null);
    }
    return m;
  }

  /** The owner's name or uid as in the path (a volume's pool, a snapshot's domain), null for a top-level kind. */
  private static String owner(Call c, KindScope<?> scope) {
    return scope.api().ownerParam() == null ? null : c.param(scope.api().ownerParam());
  }

  /** POST to a kind's collection: 201 with Location and ETag. */
  static <T> Reply create(Call c, KindScope<T> scope) {
    FullHttpRequest req = c.req();
    Representation.negotiate(req, Representation.JSON_ONLY);
    String inm = req.headers().get(HttpHeaderNames.IF_NONE_MATCH);
    if (inm != null && !inm.trim().equals("*")) {
      throw new ApiException(ApiException.Reason.BAD_REQUEST, "If-None-Match on create only takes *, meaning: only"
          + " if no such " + scope.api().singular() + " exists (always the case)");
    }
    if (req.headers().contains(HttpHeaderNames.IF_MATCH)) {
      throw new ApiException(ApiException.Reason.BAD_REQUEST, "If-Match on create names a version of a "
          + scope.api().singular() + " that does not exist yet; use If-None-Match: *");
    }
    FieldValidation validation = fieldValidation(c.api(), c.query());
    DryRun dryRun = MutationParams.dryRun(c.query());
    MutationParams.checkFieldManager(c.query());
    KindMutations<T> m = mutations(c, scope);
    RequestBodies.Definition def = RequestBodies.definition(req);
    Map<String, String> unknown = warnings(UnknownFields.judge(def.object(), UnknownFields.mode(c.query())));
    String collection = new QueryStringDecoder(req.uri()).path();
    return respond(req, c.api(), c.identity(), dryRun, m.create(owner(c, scope), def.xml(), validation, dryRun,
        madeBy(req, c.identity())), r -> new Answer(HttpResponseStatus.CREATED, r.object(), with(unknown,
        HttpHeaderNames.LOCATION.toString(), ApiGroup.canonical(collection.endsWith("/") ? collection
            : collection + "/") + DomainPaths.segment(scope.model().meta(r.object()).name()))), KindResult::warnings);
  }

  /** PUT of one object: 405 for a kind that cannot be redefined (volumes: resize; snapshots). */
  static <T> Reply update(Call c, KindScope<T> scope) {
    FullHttpRequest req = c.req();
    KindMutations<T> m = mutations(c, scope);
    notUpdatable(c, scope, m);
    Replacing params = Replacing.read(req, c.api(), c.query());
    RequestBodies.Definition def = RequestBodies.definition(req);
    Map<String, String> unknown = warnings(UnknownFields.judge(def.object(), UnknownFields.mode(c.query())));
    return respond(req, c.api(), c.identity(), params.dryRun(), m.update(owner(c, scope), c.param("name"), def.xml(),
        params.ifMatch().and(def.pre()), params.validation(), params.dryRun(), madeBy(req, c.identity())),
        r -> new Answer(HttpResponseStatus.OK, r.object(), unknown), KindResult::warnings);
  }

  /**
   * PATCH of one object: the patch applied to the object as served now, then the same update as a PUT of
   * the result (its {@code metadata.resourceVersion} a precondition). A patch that changes nothing answers
   * the current object and makes no revision.
   */
  static <T> Reply patch(Call c, KindScope<T> scope) {
    FullHttpRequest req = c.req();
    KindMutations<T> m = mutations(c, scope);
    notUpdatable(c, scope, m);
    Replacing params = Replacing.read(req, c.api(), c.query());
    c.query().flag("force");
    byte[] body = new byte[req.content().readableBytes()];
    req.content().getBytes(req.content().readerIndex(), body);
    DomainPatch patch = DomainPatch.parse(RequestBodies.mediaType(req), body);
    T current = scope.find(c.api().store().snapshot(), c.param("name"));
    String patched = patch.applyToObject(current);
    if (patched == null) {
      return Reply.json(current).withEtag(scope.model().meta(current).resourceVersion().toString());
    }
    RequestBodies.Definition def = RequestBodies.definition("application/json", patched);
    Map<String, String> unknown = warnings(UnknownFields.judge(def.object(), UnknownFields.mode(c.query())));
    Precondition pre = params.ifMatch().and(def.pre()).and(new Precondition(scope.model().meta(current)
        .resourceVersion(), null, io.virtrev.versioning.StoreException.Reason.CONFLICT));
    return respond(req, c.api(), c.identity(), params.dryRun(), m.update(owner(c, scope), c.param("name"), def.xml(),
        pre, params.validation(), params.dryRun(), madeBy(req, c.identity())),
        r -> new Answer(HttpResponseStatus.OK, r.object(), unknown), KindResult::warnings);
  }

  private static void notUpdatable(Call c, KindScope<?> scope, KindMutations<?> m) {
    if (!m.updatable()) {
      String how = scope.api() == ApiKind.STORAGE_VOLUMES ? "; change its capacity with POST .../resize" : "";
      throw new ApiException(ApiException.Reason.METHOD_NOT_ALLOWED, "a " + scope.api().kind() + " cannot be"
          + " updated (libvirt cannot redefine it)" + how, Map.of("allow", "GET, HEAD, DELETE"), null);
    }
  }

  /** DELETE of one object, conditional on If-Match or DeleteOptions' preconditions; {@code children} for a snapshot. */
  static <T> Reply delete(Call c, KindScope<T> scope) {
    FullHttpRequest req = c.req();
    Representation.negotiate(req, Representation.JSON_ONLY);
    DryRun queryDryRun = MutationParams.dryRun(c.query());
    KindMutations<T> m = mutations(c, scope);
    RequestBodies.DeleteOptions body = RequestBodies.deleteOptions(req);
    DryRun dryRun = queryDryRun.isDry() || body.dryRun().isDry() ? DryRun.ALL : DryRun.NONE;
    Precondition pre = RequestBodies.ifMatch(req).and(body.pre());
    return respond(req, c.api(), c.identity(), dryRun, m.delete(owner(c, scope), c.param("name"), pre, dryRun,
        madeBy(req, c.identity())), r -> new Answer(HttpResponseStatus.OK, r.object(), Map.of()), KindResult::warnings);
  }

  /**
   * POST .../{name}/{action}: {@code autostart} takes {@code enabled} (query, or body {"enabled": bool}),
   * {@code resize} takes {@code capacity} (query, or body {"capacity": bytes}); the rest take nothing.
   */
  static <T> Reply act(Call c, KindScope<T> scope) {
    FullHttpRequest req = c.req();
    Representation.negotiate(req, Representation.JSON_ONLY);
    DryRun dryRun = MutationParams.dryRun(c.query());
    KindMutations<T> m = mutations(c, scope);
    String verb = c.param("action");
    com.fasterxml.jackson.databind.JsonNode body = actionBody(req);
    Boolean enabled = null;
    Long capacity = null;
    if (verb.equals(ObjectAction.AUTOSTART)) {
      if (c.query().get("enabled").isPresent()) {
        enabled = c.query().flag("enabled");
      } else if (body.path("enabled").isBoolean()) {
        enabled = body.path("enabled").asBoolean();
      }
      if (enabled == null) {
        throw new ApiException(ApiException.Reason.BAD_REQUEST, "autostart needs enabled=true or enabled=false"
            + " (query parameter, or {\"enabled\": true} as the body)");
      }
    } else if (verb.equals(ObjectAction.RESIZE)) {
      if (c.query().get("capacity").isPresent()) {
        capacity = c.query().positiveLong("capacity").orElseThrow();
      } else if (body.path("capacity").canConvertToLong() && body.path("capacity").asLong() >= 0) {
        capacity = body.path("capacity").asLong();
      }
      if (capacity == null) {
        throw new ApiException(ApiException.Reason.BAD_REQUEST, "resize needs a capacity in bytes, a number >= 0"
            + " (query parameter capacity, or {\"capacity\": bytes} as the body); got "
            + (body.has("capacity") ? body.get("capacity").toString() : "none"));
      }
    } else if (c.query().get("enabled").isPresent() || c.query().get("capacity").isPresent()) {
      throw new ApiException(ApiException.Reason.BAD_REQUEST, verb + " takes no enabled or capacity parameter");
    }
    ObjectAction action = new ObjectAction(verb, enabled, capacity);
    return respond(req, c.api(), c.identity(), dryRun, m.act(owner(c, scope), c.param("name"), action,
        RequestBodies.ifMatch(req), dryRun, madeBy(req, c.identity())),
        r -> new Answer(HttpResponseStatus.OK, r.object(), Map.of()), KindResult::warnings);
  }

  /** An action's JSON body (empty: none); anything but a JSON object is 400. */
  private static com.fasterxml.jackson.databind.JsonNode actionBody(FullHttpRequest req) {
    String text = req.content().toString(java.nio.charset.StandardCharsets.UTF_8);
    if (text.isBlank()) {
      return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }
    try {
      com.fasterxml.jackson.databind.JsonNode j = io.virtrev.api.Json.mapper().readTree(text);
      if (j == null || !j.isObject()) {
        throw new IllegalArgumentException("not an object");
      }
      return j;
    } catch (Exception e) {
      throw new ApiException(ApiException.Reason.BAD_REQUEST, "an action's body must be a JSON object such as"
          + " {\"enabled\": true} or {\"capacity\": 1073741824}");
    }
  }
}
