package io.virtrev.daemon.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code process_resident_memory_bytes}: the process's RSS from {@code /proc/self/status} (VmRSS), read at
 * scrape time; NaN where there is no such file. Micrometer has no binder for it.
 */
final class ResidentMemory {
  private static final Path STATUS = Path.of("/proc/self/status");
  private static final Pattern VM_RSS = Pattern.compile("(?m)^VmRSS:\\s+(\\d+) kB$");

  private ResidentMemory() {}

  static void bindTo(MeterRegistry registry) {
    Gauge.builder("process.resident.memory", ResidentMemory::bytes).baseUnit("bytes")
        .description("Resident set size (VmRSS)").register(registry);
  }

  static double bytes() {
    try {
      Matcher m = VM_RSS.matcher(Files.readString(STATUS));
      return m.find() ? Long.parseLong(m.group(1)) * 1024.0 : Double.NaN;
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
  }
}
