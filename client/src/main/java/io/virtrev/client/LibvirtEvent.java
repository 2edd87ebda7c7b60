package io.virtrev.client;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code status.lastEvent}: {@code type} is the callback family ({@code lifecycle}, {@code reboot},
 * {@code device-added}, {@code device-removed}, {@code metadata-change}); for lifecycle events
 * {@code event}/{@code detail} are libvirt's names in lower case; {@code time} is ISO-8601 (UTC), as
 * sent.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public final class LibvirtEvent {
  private String type;
  private String event;
  private String detail;
  private String time;
  private final Map<String, Object> additionalProperties = new LinkedHashMap<>();

  public String getType() {
    return type;
  }

  public void setType(String type) {
    this.type = type;
  }

  public String getEvent() {
    return event;
  }

  public void setEvent(String event) {
    this.event = event;
  }

  public String getDetail() {
    return detail;
  }

  public void setDetail(String detail) {
    this.detail = detail;
  }

  public String getTime() {
    return time;
  }

  public void setTime(String time) {
    this.time = time;
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
