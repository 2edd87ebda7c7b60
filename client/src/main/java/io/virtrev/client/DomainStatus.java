package io.virtrev.client;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * {@code status} of a Domain on the wire: what libvirt reports about the running instance.
 * {@code state}/{@code reason} are libvirt's names in lower case ({@code running}/{@code booted},
 * {@code shutoff}/{@code destroyed}); {@code id} and {@code liveXml} are null while inactive.
 *
 * <p>What made THIS revision (never an earlier one's): {@code events}, the libvirt events that led to it,
 * oldest first (at most 16; {@code eventsOmitted} counts older ones), {@code lastEvent} the newest of
 * them, and {@code request}, the API request that made it. All null for a change a resync found.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public final class DomainStatus extends WireObject {
  private String state;
  private String reason;
  private Integer id;
  private String liveXml;
  private LibvirtEvent lastEvent;
  private List<LibvirtEvent> events;
  private Integer eventsOmitted;
  private ApiRequest request;

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

  public List<LibvirtEvent> getEvents() {
    return events;
  }

  public void setEvents(List<LibvirtEvent> events) {
    this.events = events;
  }

  public Integer getEventsOmitted() {
    return eventsOmitted;
  }

  public void setEventsOmitted(Integer eventsOmitted) {
    this.eventsOmitted = eventsOmitted;
  }

  public ApiRequest getRequest() {
    return request;
  }

  public void setRequest(ApiRequest request) {
    this.request = request;
  }
}
