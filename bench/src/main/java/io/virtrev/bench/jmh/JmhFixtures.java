package io.virtrev.bench.jmh;

import io.virtrev.fixtures.DomainXml;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The domain XMLs the microbenchmarks run on: {@code tiny} (the test fixture, {@code fixtures/tiny-domain.xml})
 * and {@code realistic} (an ordinary KVM guest as {@code virsh dumpxml --inactive} prints it: two disks, a
 * CD-ROM, two NICs, USB/SATA/PCIe controllers, SPICE, virtio channels, RNG, TPM). Each comes as a config
 * XML, a live XML (what libvirt reports while it runs: an id, a seclabel, device aliases) and a re-read of
 * either that means the same but differs in text: attributes in reverse order, double quotes instead of
 * single, indented by four spaces instead of two.
 */
public final class JmhFixtures {
  public static final String UUID = "6f1d2c7e-9a43-4d8b-b5e2-0c3a9e1f7d24";

  private JmhFixtures() {}

  /** The inactive definition of fixture {@code name} ({@code tiny} or {@code realistic}). */
  public static String config(String name) {
    return switch (name) {
      case "tiny" -> DomainXml.tiny("bench-tiny", UUID, 32);
      case "realistic" -> REALISTIC;
      default -> throw new IllegalArgumentException("unknown fixture: " + name);
    };
  }

  /** The live XML of the running domain: the config with an id, a resource partition, a seclabel, aliases. */
  public static String live(String name) {
    String c = config(name);
    Matcher root = Pattern.compile("<domain type='(\\w+)'>").matcher(c);
    if (!root.find()) {
      throw new IllegalStateException("no <domain type=...> in fixture " + name);
    }
    String s = root.replaceFirst("<domain type='$1' id='7'>");
    s = s.replace("\n  <os", "\n  <resource>\n    <partition>/machine</partition>\n  </resource>\n  <os");
    s = s.replaceAll("(<target dev='(vd[a-z])' bus='virtio'/>)", "$1\n      <alias name='virtio-disk-$2'/>")
        .replace("</domain>", "  <seclabel type='dynamic' model='dac' relabel='yes'>\n"
            + "    <label>+64055:+994</label>\n    <imagelabel>+64055:+994</imagelabel>\n  </seclabel>\n</domain>");
    s = s.replace("<interface type='network'>", "<interface type='network'>\n      <target dev='vnet12'/>")
        .replace("<graphics type='spice' autoport='yes'>", "<graphics type='spice' port='5900' autoport='yes' listen='127.0.0.1'>");
    return s;
  }

  private static final Pattern TAG =
      Pattern.compile("<([A-Za-z_][\\w:.-]*)((?:\\s+[\\w:.-]+=(?:'[^'\"]*'|\"[^'\"]*\"))*)\\s*(/?)>");
  private static final Pattern ATTR = Pattern.compile("([\\w:.-]+)=(?:'([^'\"]*)'|\"([^'\"]*)\")");

  /**
   * The same document as another serializer (or another libvirt version) could print it: every start tag's
   * attributes reversed and double-quoted, every line's indentation doubled. Equivalent for
   * {@code XmlCanon}, never equal as a string.
   */
  public static String reread(String xml) {
    Matcher m = TAG.matcher(xml);
    StringBuilder out = new StringBuilder(xml.length() + xml.length() / 4);
    while (m.find()) {
      List<String> attrs = new ArrayList<>();
      Matcher a = ATTR.matcher(m.group(2));
      while (a.find()) {
        attrs.add(a.group(1) + "=\"" + (a.group(2) != null ? a.group(2) : a.group(3)) + "\"");
      }
      Collections.reverse(attrs);
      StringBuilder tag = new StringBuilder("<").append(m.group(1));
      attrs.forEach(x -> tag.append(' ').append(x));
      tag.append(m.group(3).isEmpty() ? ">" : " />");
      m.appendReplacement(out, Matcher.quoteReplacement(tag.toString()));
    }
    m.appendTail(out);
    return Pattern.compile("(?m)^( +)").matcher(out).replaceAll("$1$1");
  }

  /** A copy with its own character array: equal, never identical (so {@code String.equals} scans it all). */
  public static String copy(String s) {
    return new String(s.toCharArray());
  }

  private static final String REALISTIC = """
      <domain type='kvm'>
        <name>web-frontend-03</name>
        <uuid>6f1d2c7e-9a43-4d8b-b5e2-0c3a9e1f7d24</uuid>
        <title>Web frontend (blue)</title>
        <description>nginx + app server; managed by virtrev benchmarks</description>
        <metadata>
          <libosinfo:libosinfo xmlns:libosinfo='http://libosinfo.org/xmlns/libvirt/domain/1.0'>
            <libosinfo:os id='http://ubuntu.com/ubuntu/22.04'/>
          </libosinfo:libosinfo>
        </metadata>
        <memory unit='KiB'>4194304</memory>
        <currentMemory unit='KiB'>4194304</currentMemory>
        <vcpu placement='static'>4</vcpu>
        <os>
          <type arch='x86_64' machine='pc-q35-7.2'>hvm</type>
          <boot dev='hd'/>
        </os>
        <features>
          <acpi/>
          <apic/>
          <vmport state='off'/>
        </features>
        <cpu mode='host-passthrough' check='none' migratable='on'/>
        <clock offset='utc'>
          <timer name='rtc' tickpolicy='catchup'/>
          <timer name='pit' tickpolicy='delay'/>
          <timer name='hpet' present='no'/>
        </clock>
        <on_poweroff>destroy</on_poweroff>
        <on_reboot>restart</on_reboot>
        <on_crash>destroy</on_crash>
        <pm>
          <suspend-to-mem enabled='no'/>
          <suspend-to-disk enabled='no'/>
        </pm>
        <devices>
          <emulator>/usr/bin/qemu-system-x86_64</emulator>
          <disk type='file' device='disk'>
            <driver name='qemu' type='qcow2' cache='none' io='native' discard='unmap'/>
            <source file='/var/lib/libvirt/images/web-frontend-03.qcow2'/>
            <target dev='vda' bus='virtio'/>
            <address type='pci' domain='0x0000' bus='0x04' slot='0x00' function='0x0'/>
          </disk>
          <disk type='file' device='disk'>
            <driver name='qemu' type='qcow2' cache='none' io='native'/>
            <source file='/var/lib/libvirt/images/web-frontend-03-data.qcow2'/>
            <target dev='vdb' bus='virtio'/>
            <address type='pci' domain='0x0000' bus='0x07' slot='0x00' function='0x0'/>
          </disk>
          <disk type='file' device='cdrom'>
            <driver name='qemu' type='raw'/>
            <target dev='sda' bus='sata'/>
            <readonly/>
            <address type='drive' controller='0' bus='0' target='0' unit='0'/>
          </disk>
          <controller type='usb' index='0' model='qemu-xhci' ports='15'>
            <address type='pci' domain='0x0000' bus='0x02' slot='0x00' function='0x0'/>
          </controller>
          <controller type='sata' index='0'>
            <address type='pci' domain='0x0000' bus='0x00' slot='0x1f' function='0x2'/>
          </controller>
          <controller type='pci' index='0' model='pcie-root'/>
          <controller type='pci' index='1' model='pcie-root-port'>
            <model name='pcie-root-port'/>
            <target chassis='1' port='0x10'/>
            <address type='pci' domain='0x0000' bus='0x00' slot='0x02' function='0x0' multifunction='on'/>
          </controller>
          <controller type='pci' index='2' model='pcie-root-port'>
            <model name='pcie-root-port'/>
            <target chassis='2' port='0x11'/>
            <address type='pci' domain='0x0000' bus='0x00' slot='0x02' function='0x1'/>
          </controller>
          <controller type='pci' index='3' model='pcie-root-port'>
            <model name='pcie-root-port'/>
            <target chassis='3' port='0x12'/>
            <address type='pci' domain='0x0000' bus='0x00' slot='0x02' function='0x2'/>
          </controller>
          <controller type='pci' index='4' model='pcie-root-port'>
            <model name='pcie-root-port'/>
            <target chassis='4' port='0x13'/>
            <address type='pci' domain='0x0000' bus='0x00' slot='0x02' function='0x3'/>
          </controller>
          <controller type='pci' index='5' model='pcie-root-port'>
            <model name='pcie-root-port'/>
            <target chassis='5' port='0x14'/>
            <address type='pci' domain='0x0000' bus='0x00' slot='0x02' function='0x4'/>
          </controller>
          <controller type='pci' index='6' model='pcie-root-port'>
            <model name='pcie-root-port'/>
            <target chassis='6' port='0x15'/>
            <address type='pci' domain='0x0000' bus='0x00' slot='0x02' function='0x5'/>
          </controller>
          <controller type='pci' index='7' model='pcie-root-port'>
            <model name='pcie-root-port'/>
            <target chassis='7' port='0x16'/>
            <address type='pci' domain='0x0000' bus='0x00' slot='0x02' function='0x6'/>
          </controller>
          <controller type='virtio-serial' index='0'>
            <address type='pci' domain='0x0000' bus='0x03' slot='0x00' function='0x0'/>
          </controller>
          <interface type='network'>
            <mac address='52:54:00:3a:9c:11'/>
            <source network='default'/>
            <model type='virtio'/>
            <address type='pci' domain='0x0000' bus='0x01' slot='0x00' function='0x0'/>
          </interface>
          <interface type='bridge'>
            <mac address='52:54:00:3a:9c:12'/>
            <source bridge='br-storage'/>
            <model type='virtio'/>
            <driver name='vhost' queues='4'/>
            <address type='pci' domain='0x0000' bus='0x06' slot='0x00' function='0x0'/>
          </interface>
          <serial type='pty'>
            <target type='isa-serial' port='0'>
              <model name='isa-serial'/>
            </target>
          </serial>
          <console type='pty'>
            <target type='serial' port='0'/>
          </console>
          <channel type='unix'>
            <target type='virtio' name='org.qemu.guest_agent.0'/>
            <address type='virtio-serial' controller='0' bus='0' port='1'/>
          </channel>
          <channel type='spicevmc'>
            <target type='virtio' name='com.redhat.spice.0'/>
            <address type='virtio-serial' controller='0' bus='0' port='2'/>
          </channel>
          <input type='tablet' bus='usb'>
            <address type='usb' bus='0' port='1'/>
          </input>
          <input type='mouse' bus='ps2'/>
          <input type='keyboard' bus='ps2'/>
          <tpm model='tpm-crb'>
            <backend type='emulator' version='2.0'/>
          </tpm>
          <graphics type='spice' autoport='yes'>
            <listen type='address'/>
            <image compression='off'/>
          </graphics>
          <sound model='ich9'>
            <address type='pci' domain='0x0000' bus='0x00' slot='0x1b' function='0x0'/>
          </sound>
          <audio id='1' type='spice'/>
          <video>
            <model type='virtio' heads='1' primary='yes'/>
            <address type='pci' domain='0x0000' bus='0x00' slot='0x01' function='0x0'/>
          </video>
          <redirdev bus='usb' type='spicevmc'>
            <address type='usb' bus='0' port='2'/>
          </redirdev>
          <watchdog model='itco' action='reset'/>
          <memballoon model='virtio'>
            <address type='pci' domain='0x0000' bus='0x05' slot='0x00' function='0x0'/>
          </memballoon>
          <rng model='virtio'>
            <backend model='random'>/dev/urandom</backend>
            <address type='pci' domain='0x0000' bus='0x08' slot='0x00' function='0x0'/>
          </rng>
        </devices>
      </domain>
      """;
}
