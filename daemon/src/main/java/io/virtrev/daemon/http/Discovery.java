package io.virtrev.daemon.http;

import io.virtrev.api.source.LifecycleAction;
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
 * <p>The verbs are exactly the methods the domain routes take ({@code patch}: merge patch and JSON Patch,
 * see {@link DomainPatch}). Subresources list every sub-path of a domain with the kind its answer has.
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
    List<ApiResource> out = new ArrayList<>();
    // kubectl prints categories (api-resources -o wide) and expands "all" (get all): on a server that
    // serves nothing but domains, "get all" lists them.
    out.add(new ApiResource("domains", "domain", false, "Domain",
        List.of("create", "delete", "get", "list", "patch", "update", "watch"), List.of("dom"), List.of("all")));
    out.add(sub("domains/history", "DomainHistory", "get"));
    out.add(sub("domains/diff", "Domain", "get"));
    for (LifecycleAction a : LifecycleAction.values()) {
      out.add(sub("domains/" + a.wireName(), "Domain", "create"));
    }
    return new ApiResourceList("APIResourceList", "v1", ApiGroup.GROUP_VERSION, List.copyOf(out));
  }

  private static ApiResource sub(String name, String kind, String verb) {
    return new ApiResource(name, "", false, kind, List.of(verb), null, null);
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
