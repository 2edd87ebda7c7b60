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
 * Puts the {@link EditBase} marker into every serialized {@link Domain}'s {@code spec.xml} (named by
 * the object's own {@code metadata.generation}) and takes it out of every one read, so the marker
 * exists only on the wire. Registered once on {@link Json}'s mapper; stateless.
 */
final class EditBaseModule extends SimpleModule {
  EditBaseModule() {
    super("virtrev-edit-base");
    setSerializerModifier(new BeanSerializerModifier() {
      @Override
      public List<BeanPropertyWriter> changeProperties(SerializationConfig config, BeanDescription desc,
          List<BeanPropertyWriter> props) {
        if (desc.getBeanClass() == Domain.class) {
          props.replaceAll(p -> p.getName().equals("spec") ? new MarkedSpec(p) : p);
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
          : new DomainSpec(EditBase.mark(s.xml(), d.metadata().generation()), s.persistent(), s.autostart());
      gen.writeFieldName(_name);
      JsonSerializer<Object> ser = _serializer != null ? _serializer : prov.findValueSerializer(DomainSpec.class, this);
      ser.serialize(served, gen, prov);
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
