package io.virtrev.libvirt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.virtrev.api.source.SourceException;
import io.virtrev.fixtures.DomainXml;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.libvirt.Connect;
import org.libvirt.LibvirtException;

/**
 * The schema check against libvirt's installed {@code domain.rng}: it accepts what libvirt itself serves
 * and defines, and refuses what libvirt's validating define refuses, with libvirt's error codes.
 */
class DomainSchemaTest {
  private final DomainSchema schema = new DomainSchema(DomainSchema.DEFAULT);

  @Test
  void acceptsTheTinyDomainAndWhatTheTestDriverServes() throws LibvirtException {
    assertThatCode(() -> schema.check(DomainXml.tiny("k-strict-ok", UUID.randomUUID().toString(), 32), true))
        .doesNotThrowAnyException();
    Connect c = new Connect("test:///default");
    try {
      String served = c.domainLookupByName("test").getXMLDesc(0);
      assertThatCode(() -> schema.check(served, true)).doesNotThrowAnyException();
    } finally {
      c.close();
    }
  }

  @Test
  void anUnknownElementIsSchemaInvalidCode92NamingIt() {
    String xml = DomainXml.tiny("k-strict-bad", UUID.randomUUID().toString(), 32)
        .replace("</domain>", "<bogus/></domain>");
    SourceException e = catchThrowableOfType(() -> schema.check(xml, true), SourceException.class);
    assertThat(e.kind()).isEqualTo(SourceException.Kind.INVALID_XML);
    assertThat(e.code()).isEqualTo(92);
    assertThat(e.getMessage()).contains("domain.rng").contains("bogus");
    // Without the schema (fieldValidation=Ignore) the same XML passes: libvirt would drop the element.
    assertThatCode(() -> schema.check(xml, false)).doesNotThrowAnyException();
  }

  @Test
  void aWrongValueTypeIsSchemaInvalid() {
    String xml = DomainXml.tiny("k-strict-mem", UUID.randomUUID().toString(), 32).replace(">32768<", ">lots<");
    assertThat(catchThrowableOfType(() -> schema.check(xml, true), SourceException.class).code()).isEqualTo(92);
  }

  @Test
  void malformedXmlIsCode27WithOrWithoutSchema() {
    for (boolean withSchema : new boolean[] {true, false}) {
      SourceException e = catchThrowableOfType(() -> schema.check("<domain><name>x</domain>", withSchema),
          SourceException.class);
      assertThat(e.kind()).isEqualTo(SourceException.Kind.INVALID_XML);
      assertThat(e.code()).isEqualTo(27);
    }
  }

  @Test
  void aDoctypeIsRefusedNotResolved() {
    String xml = "<!DOCTYPE domain [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><domain type='qemu'><name>&x;</name></domain>";
    assertThat(catchThrowableOfType(() -> schema.check(xml, false), SourceException.class).code()).isEqualTo(27);
  }

  @Test
  void aMissingSchemaFailsLoudlyNamingThePath() {
    DomainSchema none = new DomainSchema(Path.of("/nonexistent/domain.rng"));
    SourceException e = catchThrowableOfType(() -> none.check("<domain/>", true), SourceException.class);
    assertThat(e.kind()).isEqualTo(SourceException.Kind.OTHER);
    assertThat(e.getMessage()).contains("/nonexistent/domain.rng");
  }
}
