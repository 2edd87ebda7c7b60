package io.virtrev.versioning;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DomainSizingTest {
  private static String domain(String inner) {
    return "<domain type='qemu'><name>x</name>" + inner + "<devices><vcpu>99</vcpu></devices></domain>";
  }

  @Test
  void vcpuPrefersTheCurrentAttributeAndMemoryHonoursLibvirtsUnits() {
    assertThat(DomainSizing.of(domain("<memory>1024</memory><vcpu>3</vcpu>")))
        .isEqualTo(new DomainSizing(3, 1024L * 1024));
    assertThat(DomainSizing.of(domain("<vcpu placement='static' current='2'>8</vcpu><memory unit='GiB'>4</memory>")))
        .isEqualTo(new DomainSizing(2, 4L << 30));
    assertThat(DomainSizing.of(domain("<memory unit='MB'>5</memory><vcpu> 1 </vcpu>")).memoryBytes())
        .isEqualTo(5_000_000L);
    assertThat(DomainSizing.of(domain("<memory unit='b'>4096</memory>")).memoryBytes()).isEqualTo(4096L);
    assertThat(DomainSizing.of(domain("<memory unit='M'>512</memory>")).memoryBytes()).isEqualTo(512L << 20);
  }

  @Test
  void onlyTheRootsChildrenCountAndWhatIsMissingOrMalformedIsNull() {
    // A <vcpu> deeper in the tree (here under devices) is not the domain's.
    assertThat(DomainSizing.of(domain("<memory>1</memory>"))).isEqualTo(new DomainSizing(null, 1024L));
    assertThat(DomainSizing.of(domain("<memory unit='parsecs'>1</memory><vcpu>zero</vcpu>")))
        .isEqualTo(new DomainSizing(null, null));
    assertThat(DomainSizing.of(domain("<memory>-5</memory><vcpu>0</vcpu>"))).isEqualTo(new DomainSizing(null, null));
    assertThat(DomainSizing.of(domain("<memory unit='EiB'>100</memory>")).memoryBytes()).isNull(); // overflows
    assertThat(DomainSizing.of("<domain><memory>")).isEqualTo(new DomainSizing(null, null));
    assertThat(DomainSizing.of(null)).isEqualTo(new DomainSizing(null, null));
  }

  @Test
  void aDoctypeIsNeverProcessed() {
    String xxe = "<?xml version='1.0'?><!DOCTYPE d [<!ENTITY e SYSTEM 'file:///etc/hostname'>]>"
        + "<domain><vcpu>&e;</vcpu><memory>1</memory></domain>";
    assertThat(DomainSizing.of(xxe).vcpus()).isNull();
  }
}
