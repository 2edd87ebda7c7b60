package io.virtrev.client;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code spec} of a Domain on the wire: the inactive (persistent) definition as libvirt stores it,
 * persistence and autostart. On {@code POST} and {@code PUT} the daemon reads {@code xml} only.
 * Fields this class does not know are kept in {@link #getAdditionalProperties()} and written back.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public final class DomainSpec {
  private String xml;
  private Boolean persistent;
  private Boolean autostart;
  private final Map<String, Object> additionalProperties = new LinkedHashMap<>();

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

  @JsonAnyGetter
  public Map<String, Object> getAdditionalProperties() {
    return additionalProperties;
  }

  @JsonAnySetter
  public void setAdditionalProperty(String name, Object value) {
    additionalProperties.put(name, value);
  }
}
