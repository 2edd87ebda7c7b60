package io.virtrev.daemon.http;

import io.netty.handler.codec.http.HttpMethod;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Kubernetes' discovery documents for the API group {@link ApiGroup#GROUP_VERSION}, as the apiserver
 * serves them for a custom resource: what kubectl and client libraries read before any request on a
 * resource. Immutable; built once.
 *
 * <p>Only the classic (unaggregated) documents are served, always as {@code application/json}: a client
 * asking for aggregated discovery ({@code application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList})
 * also accepts plain {@code application/json} and then reads these, group version by group version.
 *
 * <p>One resource per {@link ApiKind}; the verbs are exactly the methods its routes take ({@code patch}:
 * merge patch and JSON Patch, see {@link DomainPatch}). Subresources list every sub-path of an object with
 * the kind its answer has. A kind served under another's item (volumes under a pool, snapshots under a
 * domain) is listed as that owner's subresource ({@code storagepools/volumes}, {@code domains/snapshots}):
 * kubectl maps only names without a slash, so {@code kubectl get} never builds a path the server lacks.
 */
final class Discovery {
  /** {@code GET /api}: the core group's versions. None: virtrevd serves no core resource. */
  record ApiVersions(String kind, List<String> versions, List<Object> serverAddressByClientCIDRs) {}

  record GroupVersion(String groupVersion, String version) {}

  record ApiGroupDoc(String kind, String apiVersion, String name, List<GroupVersion> versions,
      GroupVersion preferredVersion) {}

  record ApiGroupList(String kind, String apiVersion, List<ApiGroupDoc> groups) {}

  record ApiResource(String name, String singularName, boolean namespaced, String kind, List<String> verbs,
      List<String> shortNames, List<String> categories) {}

  record ApiResourceList(String kind, String apiVersion, String groupVersion, List<ApiResource> resources) {}

  /** {@code GET /version}, shaped as Kubernetes' version.Info; the version is virtrevd's own. */
  record VersionInfo(String major, String minor, String gitVersion, String platform) {}

  static final ApiVersions API = new ApiVersions("APIVersions", List.of(), List.of());
  static final ApiGroupDoc GROUP = group();
  static final ApiGroupList GROUPS = new ApiGroupList("APIGroupList", "v1", List.of(GROUP));
  static final ApiResourceList RESOURCES = resources();
  /** This build's version: the jar manifest's Implementation-Version (set by Maven). */
  static final VersionInfo VERSION = version(Discovery.class.getPackage().getImplementationVersion());

  private Discovery() {}

  /** A discovery document: always {@code application/json} (406 for an Accept without it). */
  static Reply reply(Call c, Object document) {
    Representation.negotiate(c.req(), Representation.JSON_ONLY);
    return Reply.json(document);
  }

  private static ApiGroupDoc group() {
    GroupVersion v1 = new GroupVersion(ApiGroup.GROUP_VERSION, ApiGroup.VERSION);
    return new ApiGroupDoc("APIGroup", "v1", ApiGroup.GROUP, List.of(v1), v1);
  }

  private static ApiResourceList resources() {
    return resources(RouteTable.API);
  }

  /**
   * The resources {@code table} serves: one per {@link ApiKind} that has rows there (its collection's and
   * item's methods as verbs), then its objects' sub-paths (history, diff, each action) as subresources.
   */
  static ApiResourceList resources(RouteTable table) {
    List<ApiResource> out = new ArrayList<>();
    for (ApiKind k : ApiKind.values()) {
      PathTemplate one = k.collection().param("name");
      Route collection = row(table, k.collection());
      Route item = row(table, one);
      if (collection == null || item == null) {
        continue;
      }
      List<String> verbs = new ArrayList<>();
      verb(verbs, collection, HttpMethod.POST, "create");
      verb(verbs, item, HttpMethod.DELETE, "delete");
      verb(verbs, item, HttpMethod.GET, "get");
      verb(verbs, collection, HttpMethod.GET, "list");
      verb(verbs, item, HttpMethod.PATCH, "patch");
      verb(verbs, item, HttpMethod.PUT, "update");
      if (collection.watch() != null) {
        verbs.add("watch");
      }
      if (k.owner() == null) {
        // kubectl prints categories (api-resources -o wide) and expands "all" (get all) to them.
        out.add(new ApiResource(k.resource(), k.singular(), false, k.kind(), List.copyOf(verbs), k.shortNames(),
            List.of("all")));
      } else {
        // Under its owner's item: named as a subresource, which kubectl does not map to a resource.
        out.add(sub(k.discoveryName(), k.kind(), verbs));
      }
      String base = k.discoveryName();
      if (row(table, one.literal("history")) != null) {
        out.add(sub(base + "/history", "DomainHistory", List.of("get")));
      }
      if (row(table, one.literal("diff")) != null) {
        out.add(sub(base + "/diff", k.kind(), List.of("get")));
      }
      if (row(table, one.choice("action", k.actions())) != null) {
        for (String a : k.actions()) {
          out.add(sub(base + "/" + a, k.kind(), List.of("create")));
        }
      }
    }
    return new ApiResourceList("APIResourceList", "v1", ApiGroup.GROUP_VERSION, List.copyOf(out));
  }

  private static Route row(RouteTable table, PathTemplate path) {
    return table.routes().stream().filter(r -> r.path().equals(path)).findFirst().orElse(null);
  }

  private static void verb(List<String> verbs, Route r, HttpMethod m, String verb) {
    if (r.operations().containsKey(m)) {
      verbs.add(verb);
    }
  }

  private static ApiResource sub(String name, String kind, List<String> verbs) {
    return new ApiResource(name, "", false, kind, List.copyOf(verbs), null, null);
  }

  /**
   * virtrevd's version ({@code implementationVersion}, e.g. {@code 0.1.0-SNAPSHOT}; null when run from
   * classes) as version.Info: {@code gitVersion} is {@code v} + the version, major and minor its first
   * two numbers.
   */
  static VersionInfo version(String implementationVersion) {
    String v = implementationVersion == null ? "0.0.0-dev" : implementationVersion;
    String[] parts = v.split("[.-]", 3);
    String platform = System.getProperty("os.name").toLowerCase(Locale.ROOT) + "/" + System.getProperty("os.arch");
    return new VersionInfo(parts[0], parts.length > 1 ? parts[1] : "", "v" + v, platform);
  }
}
