package io.virtrev.versioning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The rule that carries elided secrets into an update (docs/api.md, "Secrets the API never serves"). */
class ElidedSecretsTest {

  private static String domain(String devices) {
    return "<domain type='qemu'><name>d</name><uuid>11111111-2222-3333-4444-555555555555</uuid>"
        + "<memory unit='KiB'>32768</memory><devices>" + devices + "</devices></domain>";
  }

  private static final String DISK_SOURCE = "<source protocol='https' name='/x.iso'>"
      + "<host name='example.org' port='443'/>%s</source>";

  private static String disk(String dev, String protocolName, String cookies) {
    return "<disk type='network' device='cdrom'>" + String.format(DISK_SOURCE.replace("/x.iso", protocolName), cookies)
        + "<target dev='" + dev + "' bus='ide'/></disk>";
  }

  private static final String COOKIES = "<cookies><cookie name='sess'>SECRETCOOKIE</cookie></cookies>";

  /** The secure read is skipped only for a definition where libvirt has nowhere to elide a secret from. */
  @Test
  void theSecureReadIsSkippedOnlyWhereNothingCanHaveBeenElided() {
    assertThat(ElidedSecrets.mayHaveElided(domain("<graphics type='vnc' port='-1'/>"))).isTrue();
    assertThat(ElidedSecrets.mayHaveElided(domain("<graphics type='spice' autoport='yes'/>"))).isTrue();
    assertThat(ElidedSecrets.mayHaveElided(domain(disk("hdc", "/x.iso", "")))).as("a network disk: cookies").isTrue();
    assertThat(ElidedSecrets.mayHaveElided(domain("<serial type='null'/><memballoon model='none'/>"
        + "<disk type='file' device='cdrom'><target dev='hdc' bus='ide'/><readonly/></disk>"))).isFalse();
  }

  @Test
  void withoutSecretsTheClientsXmlIsDefinedByteForByte() {
    String client = domain("<graphics type='vnc' port='-1'/>") + "\n<!-- kept -->";
    ElidedSecrets.Merged m = ElidedSecrets.restore(domain("<graphics type='vnc' port='-1'/>"), client);
    assertThat(m.xml()).isSameAs(client);
  }

  @Test
  void aPasswordTheClientCouldNotSeeIsKeptOnTheGraphicsOfTheSameType() {
    String secure = domain("<graphics type='vnc' port='-1' passwd='vncpw123'/><graphics type='spice' passwd='sp1'/>");
    String client = domain("<graphics type='spice'/><graphics type='vnc' port='5901'/>");
    String out = ElidedSecrets.restore(secure, client).xml();
    assertThat(out).containsPattern("<graphics[^>]*passwd=\"sp1\"[^>]*type=\"spice\"")
        .containsPattern("<graphics[^>]*passwd=\"vncpw123\"[^>]*port=\"5901\"");
  }

  @Test
  void aPasswordTheClientSendsIsTheNewPassword() {
    String out = ElidedSecrets.restore(domain("<graphics type='vnc' passwd='old12345'/>"),
        domain("<graphics type='vnc' passwd='new12345'/>")).xml();
    assertThat(out).contains("new12345").doesNotContain("old12345");
  }

  @Test
  void graphicsTheClientRemovedTakeTheirPasswordWithThem() {
    String out = ElidedSecrets.restore(domain("<graphics type='vnc' passwd='old12345'/>"),
        domain("<graphics type='spice'/>")).xml();
    assertThat(out).doesNotContain("old12345");
  }

  @Test
  void severalGraphicsOfTheTypeAreRefusedNamingTheElement() {
    assertThatThrownBy(() -> ElidedSecrets.restore(domain("<graphics type='vnc' passwd='old12345'/>"),
        domain("<graphics type='vnc'/><graphics type='vnc' port='5902'/>")))
        .isInstanceOfSatisfying(StoreException.class, e -> {
          assertThat(e.reason()).isEqualTo(StoreException.Reason.INVALID);
          assertThat(e.getMessage()).contains("<graphics type='vnc'>").contains("request 2")
              .doesNotContain("old12345");
        });
    // ... unless the client set every password itself.
    assertThat(ElidedSecrets.restore(domain("<graphics type='vnc' passwd='old12345'/>"),
        domain("<graphics type='vnc' passwd='a'/><graphics type='vnc' passwd='b'/>")).xml()).doesNotContain("old12345");
  }

  @Test
  void cookiesAreKeptForTheSameServerOnly() {
    String secure = domain(disk("hdc", "/x.iso", COOKIES));
    ElidedSecrets.Merged same = ElidedSecrets.restore(secure, domain(disk("hdc", "/x.iso", "")));
    assertThat(same.xml()).contains("SECRETCOOKIE").containsPattern("<host[^>]*/>\\s*<cookies>");
    assertThat(same.warnings()).isEmpty();

    ElidedSecrets.Merged moved = ElidedSecrets.restore(secure, domain(disk("hdc", "/other.iso", "")));
    assertThat(moved.xml()).doesNotContain("SECRETCOOKIE");
    assertThat(moved.warnings()).singleElement().asString().contains("target dev='hdc'").contains("not carried");

    assertThat(ElidedSecrets.restore(secure, domain(disk("hdd", "/x.iso", ""))).xml())
        .as("the disk was removed (another target)").doesNotContain("SECRETCOOKIE");
    assertThat(ElidedSecrets.restore(secure, domain(disk("hdc", "/x.iso",
        "<cookies><cookie name='sess'>NEW</cookie></cookies>"))).xml()).contains("NEW").doesNotContain("SECRETCOOKIE");
  }

  @Test
  void twoDisksWithTheSameTargetAreRefused() {
    assertThatThrownBy(() -> ElidedSecrets.restore(domain(disk("hdc", "/x.iso", COOKIES)),
        domain(disk("hdc", "/x.iso", "") + disk("hdc", "/x.iso", ""))))
        .isInstanceOfSatisfying(StoreException.class, e -> {
          assertThat(e.reason()).isEqualTo(StoreException.Reason.INVALID);
          assertThat(e.getMessage()).contains("<target dev='hdc'>").doesNotContain("SECRETCOOKIE");
        });
  }
}
