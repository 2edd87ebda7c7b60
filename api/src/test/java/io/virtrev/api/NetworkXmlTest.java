package io.virtrev.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NetworkXmlTest {

  @Test
  void theBridgeIsTheNameOfTheRootsBridgeChild() {
    assertThat(NetworkXml.bridge("<network><name>lan</name><bridge name='virbr7' stp='on'/></network>"))
        .isEqualTo("virbr7");
    assertThat(NetworkXml.bridge("<?xml version='1.0'?>\n<network connections='2'>\n  <name>x</name>\n"
        + "  <forward mode='nat'/>\n  <bridge name=\"br-x\"/>\n</network>")).isEqualTo("br-x");
  }

  @Test
  void aBridgeElsewhereOrNoneIsNoBridge() {
    assertThat(NetworkXml.bridge("<network><name>lan</name></network>")).isNull();
    assertThat(NetworkXml.bridge("<network><forward mode='bridge'><bridge name='nested'/></forward></network>"))
        .as("only a child of <network> counts").isNull();
    assertThat(NetworkXml.bridge("<network><bridge stp='on'/></network>")).isNull();
    assertThat(NetworkXml.bridge("<domain><bridge name='br0'/></domain>")).as("not a network").isNull();
  }

  @Test
  void malformedXmlOrADoctypeIsNoBridgeNotAnError() {
    assertThat(NetworkXml.bridge(null)).isNull();
    assertThat(NetworkXml.bridge("<network><bridge name='br0'")).isNull();
    assertThat(NetworkXml.bridge("<!DOCTYPE network [<!ENTITY b SYSTEM 'file:///etc/hostname'>]>"
        + "<network><bridge name='&b;'/></network>")).isNull();
    assertThat(NetworkXml.bridge("<!DOCTYPE network [<!ENTITY b 'br-from-dtd'>]>"
        + "<network><bridge name='&b;'/></network>"))
        .as("a DTD's entities are not expanded").isNull();
  }
}
