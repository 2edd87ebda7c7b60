package io.virtrev.libvirt;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.jna.Memory;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Reading a {@code virTypedParameter} array (job-completed's stats) from native memory laid out as
 * libvirt's struct: 80-byte name, int type, 8-byte value at offset 88, 96 bytes each. The layout itself
 * is checked against libvirt by the tunable event in {@code QemuLibvirtdTest}.
 */
class DomainEventNativeTest {

  @Test
  void namesAndTheIntValueOfANamedParameter() {
    Memory params = new Memory(3 * 96);
    params.clear();
    put(params, 0, "time_elapsed", 4, 1234L); // VIR_TYPED_PARAM_ULLONG
    put(params, 1, "operation", 1, 5L); // VIR_TYPED_PARAM_INT
    put(params, 2, "success", 6, 1L); // VIR_TYPED_PARAM_BOOLEAN

    assertThat(DomainEventNative.typedParamNames(params, 3)).containsExactly("time_elapsed", "operation", "success");
    assertThat(DomainEventNative.typedParamInt(params, 3, "operation")).isEqualTo(5);
    assertThat(DomainEventNative.typedParamInt(params, 2, "operation")).isEqualTo(5);
    assertThat(DomainEventNative.typedParamInt(params, 1, "operation")).as("only the first n are read").isNull();
    assertThat(DomainEventNative.typedParamInt(params, 3, "time_elapsed")).as("not an int").isNull();
    assertThat(DomainEventNative.typedParamInt(params, 3, "absent")).isNull();
    assertThat(DomainEventNative.typedParamNames(null, 3)).isEmpty();
    assertThat(DomainEventNative.typedParamInt(null, 3, "operation")).isNull();
  }

  private static void put(Memory params, int i, String name, int type, long value) {
    byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
    params.write(i * 96L, bytes, 0, bytes.length);
    params.setInt(i * 96L + 80, type);
    if (type == 1) {
      params.setInt(i * 96L + 88, (int) value);
    } else {
      params.setLong(i * 96L + 88, value);
    }
  }
}
