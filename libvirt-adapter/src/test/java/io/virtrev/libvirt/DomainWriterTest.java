package io.virtrev.libvirt;

import static org.assertj.core.api.Assertions.assertThat;

import io.virtrev.api.source.UndefineOptions;
import org.junit.jupiter.api.Test;

class DomainWriterTest {

  @Test
  void undefineOptionsMapToLibvirtFlagBits() {
    assertThat(DomainWriter.undefineFlags(UndefineOptions.NONE)).isZero();
    assertThat(DomainWriter.undefineFlags(new UndefineOptions(true, false, false, false, false))).isEqualTo(1);
    assertThat(DomainWriter.undefineFlags(new UndefineOptions(false, true, false, false, false))).isEqualTo(2);
    assertThat(DomainWriter.undefineFlags(new UndefineOptions(false, false, false, true, false))).isEqualTo(4);
    assertThat(DomainWriter.undefineFlags(new UndefineOptions(false, false, false, false, true))).isEqualTo(8);
    assertThat(DomainWriter.undefineFlags(new UndefineOptions(false, false, true, false, false))).isEqualTo(16);
    assertThat(DomainWriter.undefineFlags(new UndefineOptions(true, true, true, true, false))).isEqualTo(23);
  }
}
