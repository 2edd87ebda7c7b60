package io.virtrev.versioning;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class XmlCanonTest {
  @Test
  void whitespaceAttributeOrderAndQuotingDoNotMatter() {
    String a = "<domain type='qemu' id='1'>\n  <name>a</name>\n  <memory unit='KiB'>1024</memory>\n</domain>";
    String b = "<domain id=\"1\" type=\"qemu\"><name> a </name><memory unit=\"KiB\">1024</memory></domain>";
    assertThat(XmlCanon.equivalent(a, b)).isTrue();
  }

  @Test
  void contentDifferencesMatter() {
    String a = "<domain><memory unit='KiB'>1024</memory></domain>";
    assertThat(XmlCanon.equivalent(a, "<domain><memory unit='KiB'>2048</memory></domain>")).isFalse();
    assertThat(XmlCanon.equivalent(a, "<domain><memory unit='MiB'>1024</memory></domain>")).isFalse();
    assertThat(XmlCanon.equivalent(a, "<domain><memory unit='KiB'>1024</memory><x/></domain>")).isFalse();
    assertThat(XmlCanon.equivalent("<a><b/><c/></a>", "<a><c/><b/></a>")).as("element order matters").isFalse();
  }

  @Test
  void nullsAndUnparsable() {
    assertThat(XmlCanon.equivalent(null, null)).isTrue();
    assertThat(XmlCanon.equivalent(null, "<a/>")).isFalse();
    assertThat(XmlCanon.equivalent("<a>", "<a>")).isTrue();
    assertThat(XmlCanon.equivalent("<a>", "<a> ")).isFalse();
  }

  @Test
  void doctypeAndEntitiesAreNeverExpanded() {
    String xxe = "<?xml version='1.0'?><!DOCTYPE d [<!ENTITY x SYSTEM 'file:///etc/passwd'>]><d>&x;</d>";
    assertThat(XmlCanon.canonical(xxe)).startsWith("\u0000unparsable:").doesNotContain("root:");
  }
}
