package io.virtrev.api;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializationConfig;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.deser.std.DelegatingDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.BeanPropertyWriter;
import com.fasterxml.jackson.databind.ser.BeanSerializerModifier;
import java.io.IOException;
import java.util.List;

/**
 * Serves every {@link Domain}'s XML in its served form: {@code spec.xml} gets the {@link EditBase}
 * marker (named by the object's own {@code metadata.generation}), and it and {@code status.liveXml} lose
 * virtrev's labels-and-annotations element ({@link ServedXml}: the object carries them in
 * {@code metadata} only); the marker is taken out of every {@code spec} read, so it exists only on the
 * wire. Registered once on {@link Json}'s mapper; stateless.
 */
final class EditBaseModule extends SimpleModule {
  EditBaseModule() {
    super("virtrev-edit-base");
    setSerializerModifier(new BeanSerializerModifier() {
      @Override
      public List<BeanPropertyWriter> changeProperties(SerializationConfig config, BeanDescription desc,
          List<BeanPropertyWriter> props) {
        if (desc.getBeanClass() == Domain.class) {
          props.replaceAll(p -> switch (p.getName()) {
            case "spec" -> new MarkedSpec(p);
            case "status" -> new ServedStatus(p);
            default -> p;
          });
        }
        return props;
      }
    });
    setDeserializerModifier(new BeanDeserializerModifier() {
      @Override
      public JsonDeserializer<?> modifyDeserializer(DeserializationConfig config, BeanDescription desc,
          JsonDeserializer<?> deserializer) {
        return desc.getBeanClass() == DomainSpec.class ? new UnmarkedSpec(deserializer) : deserializer;
      }
    });
  }

  /** Writes {@code spec} with the marker of the enclosing Domain's generation. */
  private static final class MarkedSpec extends BeanPropertyWriter {
    MarkedSpec(BeanPropertyWriter base) {
      super(base);
    }

    @Override
    public void serializeAsField(Object bean, JsonGenerator gen, SerializerProvider prov) throws Exception {
      Domain d = (Domain) bean;
      DomainSpec s = d.spec();
      DomainSpec served = s.xml() == null ? s
          : new DomainSpec(ServedXml.spec(s.xml(), d.metadata().generation()), s.persistent(), s.autostart());
      gen.writeFieldName(_name);
      JsonSerializer<Object> ser = _serializer != null ? _serializer : prov.findValueSerializer(DomainSpec.class, this);
      ser.serialize(served, gen, prov);
    }
  }

  /** Writes {@code status} with its live XML in the served form. */
  private static final class ServedStatus extends BeanPropertyWriter {
    ServedStatus(BeanPropertyWriter base) {
      super(base);
    }

    @Override
    public void serializeAsField(Object bean, JsonGenerator gen, SerializerProvider prov) throws Exception {
      DomainStatus s = ((Domain) bean).status();
      String live = s == null ? null : ServedXml.withoutObjectMeta(s.liveXml());
      if (s == null || live == s.liveXml()) {
        super.serializeAsField(bean, gen, prov);
        return;
      }
      gen.writeFieldName(_name);
      JsonSerializer<Object> ser = _serializer != null ? _serializer : prov.findValueSerializer(DomainStatus.class, this);
      ser.serialize(s.withLiveXml(live), gen, prov);
    }
  }

  /** Reads {@code spec} as usual, then drops a leading marker from its XML. */
  private static final class UnmarkedSpec extends DelegatingDeserializer {
    UnmarkedSpec(JsonDeserializer<?> d) {
      super(d);
    }

    @Override
    protected JsonDeserializer<?> newDelegatingInstance(JsonDeserializer<?> newDelegatee) {
      return new UnmarkedSpec(newDelegatee);
    }

    @Override
    public Object deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      DomainSpec s = (DomainSpec) super.deserialize(p, ctxt);
      String xml = EditBase.strip(s.xml());
      return xml == s.xml() ? s : new DomainSpec(xml, s.persistent(), s.autostart());
    }
  }
}
