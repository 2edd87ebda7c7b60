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

  @Test
  void namespacedElementsAndAttributesKeepTheirPrefixes() {
    String a = "<domain type='kvm' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'><name>a</name>"
        + "<qemu:commandline><qemu:arg value='-s'/></qemu:commandline></domain>";
    String b = "<domain xmlns:qemu=\"http://libvirt.org/schemas/domain/qemu/1.0\" type=\"kvm\">\n  <name>a</name>\n"
        + "  <qemu:commandline>\n    <qemu:arg value=\"-s\"/>\n  </qemu:commandline>\n</domain>\n";
    assertThat(XmlCanon.equivalent(a, b)).isTrue();
    assertThat(XmlCanon.canonical(a)).contains("<qemu:arg value=\"-s\"></qemu:arg>")
        .contains("<domain type=\"kvm\" xmlns:qemu=\"http://libvirt.org/schemas/domain/qemu/1.0\">");
    assertThat(XmlCanon.equivalent(a, a.replace("qemu:arg", "qemu:env"))).isFalse();
  }

  @Test
  void characterReferencesAndPredefinedEntitiesAreTheCharactersTheyStandFor() {
    assertThat(XmlCanon.equivalent("<d t='a&amp;b'>x &lt; y</d>", "<d t=\"a&#38;b\">x &#60; y</d>")).isTrue();
    assertThat(XmlCanon.canonical("<d t='a&amp;b\"'>x &lt; y &amp; z</d>"))
        .isEqualTo("<d t=\"a&amp;b&quot;\">x &lt; y &amp; z</d>");
    assertThat(XmlCanon.equivalent("<d>a b</d>", "<d>a  b</d>")).as("whitespace inside text matters").isFalse();
  }

  @Test
  void commentsAndInstructionsCarryNoMeaningButEndARunOfText() {
    assertThat(XmlCanon.canonical("<?xml version='1.0'?><!-- c --><d><!-- x --><e/>a <!-- y --> b<?pi z?></d>"))
        .isEqualTo("<d><e></e>ab</d>");
    assertThat(XmlCanon.canonical("<d><![CDATA[ a<b ]]></d>")).isEqualTo("<d>a&lt;b</d>");
  }

  @Test
  void aLongDocumentIsReadWhole() {
    String body = "<x n='1'>v</x>".repeat(5_000);
    String a = "<d>" + body + "</d>";
    assertThat(XmlCanon.equivalent(a, "<d>\n" + body.replace("<x", "\n  <x") + "\n</d>")).isTrue();
    assertThat(XmlCanon.equivalent(a, "<d>" + body.substring(0, body.length() - 14) + "<x n='2'>v</x></d>")).isFalse();
  }
}
