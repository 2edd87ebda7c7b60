package io.virtrev.client;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * {@code spec} of a Domain on the wire: the inactive (persistent) definition as libvirt stores it,
 * persistence and autostart. On {@code POST} and {@code PUT} the daemon reads {@code xml} only.
 * Fields this class does not know are kept in {@link #getAdditionalProperties()} and written back.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public final class DomainSpec extends WireObject {
  private String xml;
  private Boolean persistent;
  private Boolean autostart;

  public static DomainSpec ofXml(String xml) {
    DomainSpec s = new DomainSpec();
    s.setXml(xml);
    return s;
  }

  public String getXml() {
    return xml;
  }

  public void setXml(String xml) {
    this.xml = xml;
  }

  public Boolean getPersistent() {
    return persistent;
  }

  public void setPersistent(Boolean persistent) {
    this.persistent = persistent;
  }

  public Boolean getAutostart() {
    return autostart;
  }

  public void setAutostart(Boolean autostart) {
    this.autostart = autostart;
  }
}
