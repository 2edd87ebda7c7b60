package io.virtrev.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ServedXmlTest {
  private static final String NS = ServedXml.NAMESPACE;
  private static final String HEAD = "<domain type='kvm'>\n  <name>a</name>\n  <uuid>6a1b0c4e-0000-4000-8000-000000000001</uuid>\n";
  private static final String TAIL = "  <memory unit='KiB'>1024</memory>\n</domain>\n";

  @Test
  void anXmlWithoutTheNamespaceIsReturnedAsIs() {
    String xml = HEAD + "  <metadata>\n    <x:y xmlns:x='urn:other'/>\n  </metadata>\n" + TAIL;
    assertThat(ServedXml.withoutObjectMeta(xml)).isSameAs(xml);
    assertThat(ServedXml.withoutObjectMeta(null)).isNull();
  }

  @Test
  void theElementAsLibvirtWritesItGoesAndSoDoesTheEmptiedMetadata() {
    String xml = HEAD + "  <metadata>\n    <virtrev:object xmlns:virtrev=\"" + NS + "\">\n"
        + "      <virtrev:label key=\"a>b\">x &lt; y</virtrev:label>\n"
        + "      <virtrev:annotation key=\"c\"><![CDATA[</virtrev:object>]]></virtrev:annotation>\n"
        + "    </virtrev:object>\n  </metadata>\n" + TAIL;
    assertThat(ServedXml.withoutObjectMeta(xml)).isEqualTo(HEAD + TAIL);
  }

  @Test
  void anyPrefixOrTheDefaultNamespaceAndOtherMetadataStays() {
    String other = "\n    <app:info xmlns:app=\"urn:app\"><app:k>v</app:k></app:info>";
    String xml = HEAD + "  <metadata>" + other + "\n    <vr:object xmlns:vr='" + NS + "'><vr:label key='k'>v</vr:label>"
        + "</vr:object>\n  </metadata>\n" + TAIL;
    assertThat(ServedXml.withoutObjectMeta(xml)).isEqualTo(HEAD + "  <metadata>" + other + "\n  </metadata>\n" + TAIL);
    String dflt = HEAD + "  <metadata><object xmlns=\"" + NS + "\"><label key='k'>v</label></object></metadata>\n" + TAIL;
    assertThat(ServedXml.withoutObjectMeta(dflt)).isEqualTo(HEAD + TAIL);
    String selfClosed = HEAD + "  <metadata><p:object xmlns:p=\"" + NS + "\"/></metadata>\n" + TAIL;
    assertThat(ServedXml.withoutObjectMeta(selfClosed)).isEqualTo(HEAD + TAIL);
  }

  @Test
  void theUriOutsideMetadataOrMalformedXmlIsLeftAlone() {
    String text = HEAD + "  <description>see " + NS + "</description>\n" + TAIL;
    assertThat(ServedXml.withoutObjectMeta(text)).isSameAs(text);
    String deeper = HEAD + "  <devices><metadata><v:object xmlns:v='" + NS + "'/></metadata></devices>\n" + TAIL;
    assertThat(ServedXml.withoutObjectMeta(deeper)).isSameAs(deeper);
    String broken = HEAD + "  <metadata><v:object xmlns:v='" + NS + "'><v:label key='k'>v</v:label>";
    assertThat(ServedXml.withoutObjectMeta(broken)).isSameAs(broken);
  }

  @Test
  void servedJsonCarriesNeitherTheElementInSpecNorInLiveXml() throws Exception {
    String xml = HEAD + "  <metadata>\n    <virtrev:object xmlns:virtrev=\"" + NS + "\">"
        + "<virtrev:label key=\"k\">v</virtrev:label></virtrev:object>\n  </metadata>\n" + TAIL;
    java.util.Map<String, String> labels = java.util.Map.of("k", "v");
    Domain d = Domain.of(new DomainMeta("a", "6a1b0c4e-0000-4000-8000-000000000001", Revision.of(9), 7, Revision.of(2),
        null, labels, java.util.Map.of()), new DomainSpec(xml, true, false),
        new DomainStatus("running", "booted", 3, xml));
    com.fasterxml.jackson.databind.JsonNode served = Json.mapper().readTree(Json.bytes(d));
    assertThat(served.at("/spec/xml").asText()).isEqualTo("<?virtrev-base generation=\"7\"?>\n" + HEAD + TAIL);
    assertThat(served.at("/status/liveXml").asText()).isEqualTo(HEAD + TAIL);
    assertThat(served.at("/metadata/labels/k").asText()).isEqualTo("v");
    assertThat(d.spec().xml()).as("the object itself keeps what libvirt stores").contains(NS);
  }
}
