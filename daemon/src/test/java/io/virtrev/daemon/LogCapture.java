package io.virtrev.daemon;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Captures what a logger writes as text lines ({@code LEVEL logger: message}, no escaping of its
 * own), at INFO and above, instead of the usual appenders, until closed. Thread-safe (the appender synchronizes).
 */
final class LogCapture implements AutoCloseable {
  private final Logger logger;
  private final Level before;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();

  LogCapture(String loggerName) {
    logger = (Logger) LoggerFactory.getLogger(loggerName);
    before = logger.getLevel();
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(logger.getLoggerContext());
    encoder.setPattern("%-5level %logger{0}: %msg%n");
    encoder.start();
    appender.setContext(logger.getLoggerContext());
    appender.setEncoder(encoder);
    appender.setOutputStream(out);
    appender.start();
    logger.addAppender(appender);
    logger.setAdditive(false);
    logger.setLevel(Level.INFO);
  }

  LogCapture(Class<?> type) {
    this(type.getName());
  }

  long bytes() {
    synchronized (out) {
      return out.size();
    }
  }

  String text() {
    synchronized (out) {
      return out.toString(StandardCharsets.UTF_8);
    }
  }

  List<String> lines() {
    return text().lines().toList();
  }

  @Override
  public void close() {
    logger.detachAppender(appender);
    logger.setAdditive(true);
    appender.stop();
    logger.setLevel(before);
  }
}
