package io.virtrev.client;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * A libvirt domain as virtrevd serves it: the resource {@code domains} of {@code virtrev.io/v1},
 * cluster-scoped (it does not implement {@code Namespaced}), so
 * {@code client.resources(Domain.class)} lists, watches and informs on
 * {@code /apis/virtrev.io/v1/domains}.
 *
 * <p>{@code metadata} is fabric8's {@link ObjectMeta}: {@code name}, {@code resourceVersion},
 * {@code generation} (and {@code uid}, {@code creationTimestamp}, {@code labels},
 * {@code annotations} where the daemon serves them) are its own fields; virtrev's {@code uuid} and
 * {@code creationRevision} land in its additional properties, read by {@link #uuid()} and
 * {@link #creationRevision()}. Fields the daemon adds later land there too and survive a round trip.
 */
@Group(Domain.GROUP)
@Version(Domain.VERSION)
@Kind("Domain")
@Plural("domains")
@Singular("domain")
public final class Domain extends CustomResource<DomainSpec, DomainStatus> {
  public static final String GROUP = "virtrev.io";
  public static final String VERSION = "v1";

  /** A domain to create ({@code POST}) from libvirt's domain XML; the daemon takes the name from it. */
  public static Domain fromXml(String xml) {
    Domain d = new Domain();
    d.setSpec(DomainSpec.ofXml(xml));
    return d;
  }

  /** The libvirt UUID ({@code metadata.uuid}), the identity across renames; null if absent. */
  @JsonIgnore
  public String uuid() {
    return additional("uuid");
  }

  /** The revision at which the daemon first saw the domain ({@code metadata.creationRevision}). */
  @JsonIgnore
  public String creationRevision() {
    return additional("creationRevision");
  }

  private String additional(String key) {
    ObjectMeta m = getMetadata();
    Object v = m == null ? null : m.getAdditionalProperties().get(key);
    return v == null ? null : v.toString();
  }
}
