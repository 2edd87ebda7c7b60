package io.virtrev.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.virtrev.daemon.security.DnRule;
import io.virtrev.daemon.security.Role;
import java.util.List;
import org.junit.jupiter.api.Test;

class DnRuleTest {
  @Test
  void wildcardsStayWithinOneAttributeValue() {
    List<DnRule> rules = List.of(DnRule.parse("write:CN=*,O=Example"), DnRule.parse("read:CN=monitor-*,O=Example"));
    assertThat(DnRule.roleFor(rules, "CN=platform,O=Example")).contains(Role.WRITE);
    assertThat(DnRule.roleFor(List.of(rules.get(1)), "CN=monitor-7,O=Example")).contains(Role.READ);
    assertThat(DnRule.roleFor(rules, "CN=x\\,O=Example")).as("an escaped comma is not a boundary").isEmpty();
    assertThat(DnRule.roleFor(rules, "CN=platform,OU=x,O=Example")).as("* does not span attributes").isEmpty();
    assertThat(DnRule.roleFor(rules, "CN=a\\,b,O=Example")).as("escaped characters inside a value match")
        .contains(Role.WRITE);
    assertThat(DnRule.roleFor(rules, "CN=platform,O=Evil")).isEmpty();
  }

  @Test
  void attributesMatchInAnyOrderButAllOfThem() {
    List<DnRule> rules = List.of(DnRule.parse("write:CN=platform,O=Example"));
    assertThat(DnRule.roleFor(rules, "O=Example,CN=platform")).as("openssl -subj /CN=platform/O=Example")
        .contains(Role.WRITE);
    assertThat(DnRule.roleFor(rules, "cn=platform,o=Example")).as("types ignore case").contains(Role.WRITE);
    assertThat(DnRule.roleFor(rules, "O=Example,CN=platform,OU=x")).as("an extra attribute").isEmpty();
    assertThat(DnRule.roleFor(rules, "CN=platform")).as("a missing attribute").isEmpty();
    assertThat(DnRule.roleFor(rules, "CN=Example,O=platform")).as("values stay with their types").isEmpty();
    List<DnRule> ous = List.of(DnRule.parse("read:OU=*,OU=eng,CN=a"));
    assertThat(DnRule.roleFor(ous, "CN=a,OU=eng,OU=ops")).as("wildcards do not steal a needed attribute")
        .contains(Role.READ);
  }
}
