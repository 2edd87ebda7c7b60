package io.virtrev.client;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * {@code status} of a Domain on the wire: what libvirt reports about the running instance.
 * {@code state}/{@code reason} are libvirt's names in lower case ({@code running}/{@code booted},
 * {@code shutoff}/{@code destroyed}); {@code id} and {@code liveXml} are null while inactive;
 * {@code lastEvent} is the libvirt event behind the revision (null if none ever was).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public final class DomainStatus extends WireObject {
  private String state;
  private String reason;
  private Integer id;
  private String liveXml;
  private LibvirtEvent lastEvent;

  public String getState() {
    return state;
  }

  public void setState(String state) {
    this.state = state;
  }

  public String getReason() {
    return reason;
  }

  public void setReason(String reason) {
    this.reason = reason;
  }

  public Integer getId() {
    return id;
  }

  public void setId(Integer id) {
    this.id = id;
  }

  public String getLiveXml() {
    return liveXml;
  }

  public void setLiveXml(String liveXml) {
    this.liveXml = liveXml;
  }

  public LibvirtEvent getLastEvent() {
    return lastEvent;
  }

  public void setLastEvent(LibvirtEvent lastEvent) {
    this.lastEvent = lastEvent;
  }
}
