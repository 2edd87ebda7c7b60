package io.virtrev.client;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A nested object of the Domain wire format that keeps the fields it does not know: Jackson puts each
 * unknown field into {@link #getAdditionalProperties()} when reading and writes them back, in the order
 * read, after the known ones. So an object read from a newer daemon and sent back ({@code PUT}) loses
 * nothing. Public only because its accessors are part of the subclasses' API.
 */
public abstract class WireObject {
  private final Map<String, Object> additionalProperties = new LinkedHashMap<>();

  WireObject() {}

  /** The fields this class does not know, by name; the live map. */
  @JsonAnyGetter
  public Map<String, Object> getAdditionalProperties() {
    return additionalProperties;
  }

  @JsonAnySetter
  public void setAdditionalProperty(String name, Object value) {
    additionalProperties.put(name, value);
  }
}
