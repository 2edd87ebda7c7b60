package io.virtrev.daemon.http;

import java.time.Duration;

/**
 * A duration as kubectl shows ages: apimachinery's {@code duration.HumanDuration} (2-3 significant
 * figures: {@code 45s}, {@code 5m30s}, {@code 17m}, {@code 4h5m}, {@code 20h}, {@code 3d4h}, {@code 40d},
 * {@code 2y30d}, {@code 9y}), which the apiserver puts into the cells of {@code date} columns. Up to one
 * second into the future is {@code 0s} (clocks differ a little); further is {@code <invalid>}. Stateless.
 */
final class HumanDuration {
  private HumanDuration() {}

  static String of(Duration d) {
    long seconds = d.getSeconds() + (d.isNegative() && d.getNano() > 0 ? 1 : 0); // truncated toward zero, as Go
    if (seconds < -1) {
      return "<invalid>";
    }
    if (seconds < 0) {
      return "0s";
    }
    if (seconds < 60 * 2) {
      return seconds + "s";
    }
    long minutes = seconds / 60;
    if (minutes < 10) {
      long s = seconds % 60;
      return s == 0 ? minutes + "m" : minutes + "m" + s + "s";
    }
    if (minutes < 60 * 3) {
      return minutes + "m";
    }
    long hours = seconds / 3600;
    if (hours < 8) {
      long m = minutes % 60;
      return m == 0 ? hours + "h" : hours + "h" + m + "m";
    }
    if (hours < 48) {
      return hours + "h";
    }
    if (hours < 24 * 8) {
      long h = hours % 24;
      return h == 0 ? hours / 24 + "d" : hours / 24 + "d" + h + "h";
    }
    if (hours < 24 * 365 * 2) {
      return hours / 24 + "d";
    }
    if (hours < 24 * 365 * 8) {
      long dy = (hours / 24) % 365;
      return dy == 0 ? hours / 24 / 365 + "y" : hours / 24 / 365 + "y" + dy + "d";
    }
    return hours / 24 / 365 + "y";
  }
}
