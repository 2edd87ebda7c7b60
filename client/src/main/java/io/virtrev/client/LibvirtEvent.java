package io.virtrev.client;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * {@code status.lastEvent} and each of {@code status.events}: {@code type} is the callback family ({@code lifecycle}, {@code reboot},
 * {@code device-added}, {@code device-removed}, {@code metadata-change}); for lifecycle events
 * {@code event}/{@code detail} are libvirt's names in lower case; {@code time} is ISO-8601 (UTC), as
 * sent.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public final class LibvirtEvent extends WireObject {
  private String type;
  private String event;
  private String detail;
  private String time;

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
}
