package io.virtrev.libvirt;

import static org.assertj.core.api.Assertions.assertThat;

import io.virtrev.api.source.SourceException;
import io.virtrev.api.source.SourceException.Kind;
import org.junit.jupiter.api.Test;

class LibvirtErrorsTest {

  @Test
  void unambiguousCodesIgnoreTheConnection() {
    assertThat(LibvirtErrors.kind(42, () -> true)).isEqualTo(Kind.NOT_FOUND);
    assertThat(LibvirtErrors.kind(43, () -> true)).as("VIR_ERR_NO_NETWORK").isEqualTo(Kind.NOT_FOUND);
    assertThat(LibvirtErrors.kind(72, () -> true)).as("VIR_ERR_NO_DOMAIN_SNAPSHOT").isEqualTo(Kind.NOT_FOUND);
    assertThat(LibvirtErrors.kind(27, () -> true)).isEqualTo(Kind.INVALID_XML);
    assertThat(LibvirtErrors.kind(35, () -> true)).isEqualTo(Kind.INVALID_XML);
    assertThat(LibvirtErrors.kind(92, () -> true)).isEqualTo(Kind.INVALID_XML);
    assertThat(LibvirtErrors.kind(28, () -> true)).isEqualTo(Kind.OTHER);
    assertThat(LibvirtErrors.kind(110, () -> true)).isEqualTo(Kind.OTHER);
    assertThat(LibvirtErrors.kind(55, () -> true)).isEqualTo(Kind.OPERATION_INVALID);
    assertThat(LibvirtErrors.kind(67, () -> true)).isEqualTo(Kind.INVALID_CONFIG);
    assertThat(LibvirtErrors.kind(6, () -> true)).isEqualTo(Kind.CONNECTION);
    assertThat(LibvirtErrors.kind(8, () -> false)).isEqualTo(Kind.OTHER);
  }

  @Test
  void ambiguousCodesAreConnectionErrorsOnlyWhenTheConnectionIsDead() {
    for (int code : new int[] {1, 9, 38, 39}) {
      assertThat(LibvirtErrors.kind(code, () -> true)).as("code %d alive", code).isEqualTo(Kind.OTHER);
      assertThat(LibvirtErrors.kind(code, () -> false)).as("code %d dead", code).isEqualTo(Kind.CONNECTION);
    }
  }

  @Test
  void keepsLibvirtsCodeAndMessage() {
    SourceException e = LibvirtErrors.map(42, "Domain not found: no domain with matching uuid 'x'", () -> true, null);
    assertThat(e.code()).isEqualTo(42);
    assertThat(e.getMessage()).isEqualTo("Domain not found: no domain with matching uuid 'x'");
  }
}
