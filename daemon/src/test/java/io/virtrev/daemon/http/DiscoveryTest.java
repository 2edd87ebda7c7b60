package io.virtrev.daemon.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.HttpMethod;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Discovery is read off the route table: a kind is listed when it has rows, with exactly the verbs its
 * rows' methods give, its history, diff and actions as subresources, and a kind served under another's
 * item under the owner's name.
 */
class DiscoveryTest {
  private static final Route.Operation OP = new Route.Operation(Set.of(), c -> Reply.json("{}"));

  @Test
  void aKindIsListedWithTheVerbsOfItsRowsOnly() {
    RouteTable t = new RouteTable(concat(
        RouteTable.kind(ApiKind.NETWORKS.collection(), new RouteTable.KindOps(OP, OP, OP, OP, OP, OP, OP, OP, OP, OP,
            ApiKind.NETWORKS.actions(), OP), false),
        // volumes: no update or patch, no history, no actions
        RouteTable.kind(ApiKind.STORAGE_VOLUMES.collection(), new RouteTable.KindOps(OP, null, OP, OP, null, null, null,
            OP, null, null, List.of(), null), false)));
    List<String> listed = new ArrayList<>();
    for (Discovery.ApiResource r : Discovery.resources(t).resources()) {
      listed.add(r.name() + ":" + r.kind() + ":" + String.join(",", r.verbs()));
    }
    assertThat(listed).containsExactly(
        "networks:Network:create,delete,get,list,patch,update,watch",
        "networks/history:DomainHistory:get", "networks/diff:Network:get",
        "networks/start:Network:create", "networks/destroy:Network:create", "networks/autostart:Network:create",
        "storagepools/volumes:StorageVolume:create,delete,get,list");
    Discovery.ApiResource nets = Discovery.resources(t).resources().get(0);
    assertThat(nets.shortNames()).containsExactly("net");
    assertThat(nets.singularName()).isEqualTo("network");
    assertThat(nets.categories()).containsExactly("all");
  }

  @Test
  void theServedTableListsEveryKindItRoutes() {
    List<String> names = Discovery.RESOURCES.resources().stream().map(Discovery.ApiResource::name).toList();
    for (ApiKind k : ApiKind.values()) {
      boolean routed = RouteTable.API.routes().stream().anyMatch(r -> r.path().equals(k.collection())
          && r.operations().containsKey(HttpMethod.GET));
      assertThat(names.contains(k.discoveryName())).as(k + " listed iff routed").isEqualTo(routed);
    }
    assertThat(names).contains("domains");
  }

  private static List<Route> concat(List<Route> a, List<Route> b) {
    List<Route> l = new ArrayList<>(a);
    l.addAll(b);
    return l;
  }
}
