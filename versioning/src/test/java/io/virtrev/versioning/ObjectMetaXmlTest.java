package io.virtrev.versioning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.virtrev.fixtures.DomainXml;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Labels and annotations in the domain XML: the element virtrev writes, what it reads, what it checks. */
class ObjectMetaXmlTest {
  private static final String UUID = "11111111-2222-3333-4444-555555555555";
  private static final String TINY = DomainXml.tiny("a", UUID, 32);

  /** What libvirt answers after {@code virsh metadata --uri NS --key virtrev --set '<object>...'}. */
  private static final String AS_LIBVIRT_KEEPS_IT = TINY.replace("</uuid>", "</uuid>\n  <metadata>\n"
      + "    <other:x xmlns:other=\"https://example.com/other\">kept</other:x>\n"
      + "    <virtrev:object xmlns:virtrev=\"https://virtrev.io/xmlns/domain/v1\">\n"
      + "      <virtrev:label key=\"tier\">web</virtrev:label>\n"
      + "      <virtrev:annotation key=\"example.com/note\"> two words </virtrev:annotation>\n"
      + "    </virtrev:object>\n  </metadata>");

  @Test
  void readsLabelsAndAnnotationsAsLibvirtStoresThem() {
    ObjectMetaXml.Maps m = ObjectMetaXml.read(AS_LIBVIRT_KEEPS_IT);
    assertThat(m.labels()).containsExactly(Map.entry("tier", "web"));
    assertThat(m.annotations()).containsExactly(Map.entry("example.com/note", " two words "));
    // Children without the prefix (another writer's shape) count too; other namespaces are not ours.
    String unprefixed = TINY.replace("</uuid>", "</uuid><metadata><v:object xmlns:v='" + ObjectMetaXml.NAMESPACE
        + "'><label key='a'>1</label></v:object><virtrev:object xmlns:virtrev='urn:not-ours'>"
        + "<virtrev:label key='b'>2</virtrev:label></virtrev:object></metadata>");
    assertThat(ObjectMetaXml.read(unprefixed).labels()).containsExactly(Map.entry("a", "1"));
    assertThat(ObjectMetaXml.read(TINY)).isEqualTo(ObjectMetaXml.Maps.NONE);
    assertThat(ObjectMetaXml.read(null)).isEqualTo(ObjectMetaXml.Maps.NONE);
    assertThat(ObjectMetaXml.read("<domain><metadata>" + ObjectMetaXml.NAMESPACE)).isEqualTo(ObjectMetaXml.Maps.NONE);
  }

  @Test
  void writeReplacesOurElementKeepsOthersAndRemovesWhatItEmptied() {
    ObjectMetaXml.Maps maps = new ObjectMetaXml.Maps(Map.of("env", "prod", "app", "db"), Map.of("x/y", "<&>"));
    String written = ObjectMetaXml.write(AS_LIBVIRT_KEEPS_IT, maps);
    assertThat(ObjectMetaXml.read(written)).isEqualTo(maps);
    assertThat(written).contains("<other:x xmlns:other=\"https://example.com/other\">kept</other:x>")
        .contains("<virtrev:object xmlns:virtrev=\"https://virtrev.io/xmlns/domain/v1\">"
            + "<virtrev:label key=\"app\">db</virtrev:label><virtrev:label key=\"env\">prod</virtrev:label>"
            + "<virtrev:annotation key=\"x/y\">&lt;&amp;&gt;</virtrev:annotation></virtrev:object>")
        .doesNotContain("tier");
    // A domain without <metadata> gets one after its identity, where libvirt writes it.
    String fresh = ObjectMetaXml.write(TINY, maps);
    assertThat(fresh.indexOf("<metadata>")).isGreaterThan(fresh.indexOf("</uuid>")).isLessThan(fresh.indexOf("<memory"));
    assertThat(XmlCanon.equivalent(ObjectMetaXml.write(fresh, ObjectMetaXml.Maps.NONE), TINY)).isTrue();
    assertThat(ObjectMetaXml.write(AS_LIBVIRT_KEEPS_IT, ObjectMetaXml.Maps.NONE)).contains("kept")
        .doesNotContain(ObjectMetaXml.NAMESPACE);
    assertThatThrownBy(() -> ObjectMetaXml.write("<domain>", maps)).isInstanceOf(StoreException.class)
        .hasMessageContaining("malformed XML");
  }

  @Test
  void onlyChangesBesideLabelsAndAnnotationsAreSpecChanges() {
    String labelled = ObjectMetaXml.write(TINY, new ObjectMetaXml.Maps(Map.of("a", "1"), Map.of()));
    String relabelled = ObjectMetaXml.write(TINY, new ObjectMetaXml.Maps(Map.of("a", "2"), Map.of("n", "v")));
    assertThat(ObjectMetaXml.specDiffers(TINY, labelled)).isFalse();
    assertThat(ObjectMetaXml.specDiffers(labelled, relabelled)).isFalse();
    assertThat(ObjectMetaXml.specDiffers(labelled, relabelled.replace(">32768<", ">65536<"))).isTrue();
    assertThat(ObjectMetaXml.specDiffers(TINY, AS_LIBVIRT_KEEPS_IT)).as("another namespace's element is spec")
        .isTrue();
  }

  @Test
  void keysAndValuesAreCheckedAsKubernetesChecksThem() {
    ObjectMetaValidation.check(new ObjectMetaXml.Maps(Map.of("app.kubernetes.io/name", "web-1", "empty", ""),
        Map.of("example.com/any", "free text\nwith lines")));
    assertInvalid(Map.of("bad key", "v"), Map.of(), "metadata.labels: Invalid value: \"bad key\": name part");
    assertInvalid(Map.of("Upper.Case/k", "v"), Map.of(), "prefix part a lowercase RFC 1123 subdomain");
    assertInvalid(Map.of("k", "x".repeat(64)), Map.of(), "(label k): must be no more than 63 characters");
    assertInvalid(Map.of("k", "-v"), Map.of(), "Invalid value: \"-v\" (label k)");
    assertInvalid(Map.of(), Map.of("/k", "v"), "metadata.annotations: Invalid value: \"/k\": prefix part must be non-empty");
    assertInvalid(Map.of(), Map.of("big", "x".repeat(256 * 1024)), "Too long: may not be more than 262144 bytes");
    assertInvalid(Map.of(), Map.of("ctl", "a\u0001"), "annotation ctl: holds a control character");
  }

  private static void assertInvalid(Map<String, String> labels, Map<String, String> annotations, String message) {
    assertThatThrownBy(() -> ObjectMetaValidation.check(new ObjectMetaXml.Maps(labels, annotations)))
        .isInstanceOfSatisfying(StoreException.class, e -> {
          assertThat(e.reason()).isEqualTo(StoreException.Reason.INVALID);
          assertThat(e.details()).containsKey("causes");
        })
        .hasMessageContaining(message);
  }
}
