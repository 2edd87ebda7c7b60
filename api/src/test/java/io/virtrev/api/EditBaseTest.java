package io.virtrev.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class EditBaseTest {
  private static final String XML = "<domain type='qemu'>\n  <name>a</name>\n</domain>\n";
  private static final Domain D = Domain.of(new DomainMeta("a", "6a1b0c4e-0000-4000-8000-000000000001", Revision.of(9),
      7, Revision.of(2), null), new DomainSpec(XML, true, false), new DomainStatus("shutoff", "unknown", null, null));

  @Test
  void aDomainIsServedWithTheMarkerOfItsGenerationAndReadBackWithout() throws Exception {
    byte[] json = Json.bytes(D);
    assertThat(Json.mapper().readTree(json).at("/spec/xml").asText())
        .isEqualTo("<?virtrev-base generation=\"7\"?>\n" + XML);
    assertThat(Json.read(json, Domain.class)).isEqualTo(D);
    assertThat(Json.bytes(Json.read(json, Domain.class))).as("no second marker on a round trip").isEqualTo(json);
    Domain noXml = Domain.of(D.metadata(), new DomainSpec(null, false, false), D.status());
    assertThat(Json.mapper().readTree(Json.bytes(noXml)).at("/spec").has("xml")).isFalse();
  }

  @Test
  void parseSplitsTheMarkerFromTheXml() {
    assertThat(EditBase.parse(EditBase.mark(XML, 12))).isEqualTo(new EditBase.Parsed(XML, OptionalLong.of(12)));
    assertThat(EditBase.parse(XML)).isEqualTo(new EditBase.Parsed(XML, OptionalLong.empty()));
    assertThat(EditBase.parse("  <?virtrev-base generation=\"3\" ?>\r\n" + XML).generation()).hasValue(3);
    assertThat(EditBase.strip(EditBase.mark(XML, 1))).isEqualTo(XML);
    assertThat(EditBase.strip(XML)).isSameAs(XML);
  }

  @Test
  void aMarkerAnywhereButAtTheStartOrMalformedIsRefused() {
    for (String bad : new String[] {XML.replace("<name>", "<?virtrev-base generation=\"1\"?><name>"),
        "<?virtrev-base?>\n" + XML, "<?virtrev-base generation=\"-1\"?>\n" + XML,
        "<?virtrev-base generation=\"1\" extra=\"2\"?>\n" + XML,
        "<?virtrev-base generation=\"1234567890123456789\"?>\n" + XML,
        EditBase.mark(EditBase.mark(XML, 1), 1)}) {
      assertThatThrownBy(() -> EditBase.parse(bad)).as(bad).isInstanceOfSatisfying(ApiException.class,
          e -> assertThat(e.reason()).isEqualTo(ApiException.Reason.BAD_REQUEST));
    }
  }
}
