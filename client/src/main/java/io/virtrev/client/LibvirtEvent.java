package io.virtrev.client;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * {@code status.lastEvent} and each of {@code status.events}: {@code type} is the callback family, libvirt's domain event id in lower case
 * with dashes ({@code lifecycle}, {@code reboot}, {@code tray-change}, {@code block-job-2},
 * {@code tunable}, {@code device-added}, ...); {@code event} is the enum the event carries (the lifecycle
 * event, a tray or block job status, ...) and {@code detail} what it concerns (the lifecycle detail, a
 * device alias, ...), both libvirt's names in lower case and absent where the event has none (the table
 * per family: docs/api.md, "libvirt events"); {@code time} is ISO-8601 (UTC), as sent.
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
