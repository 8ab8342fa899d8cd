package dev.stoa.sdk.impl;

import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;
import java.util.regex.Pattern;

/**
 * Generates {@code clientMsgId}s of the form {@code <device>-<tag>-<counter>}: {@code device} is the
 * device id cut to 24 characters ({@code c} when the device id is not known), {@code tag} is a
 * random 50-bit number in base 36 drawn once per generator (so two client instances of one device,
 * e.g. before and after an app restart, never collide), and {@code counter} counts up from 1 in base
 * 36. Ids are at most 49 characters of {@code [A-Za-z0-9_.-]}, within the protocol's 1–64.
 * Thread-safe.
 */
public final class ClientMsgIds {
  static final int MAX_PREFIX = 24;
  private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_.-]+");

  private final String prefix;
  private final AtomicLong counter = new AtomicLong();

  public ClientMsgIds(String deviceId, RandomGenerator random) {
    String device = deviceId == null || deviceId.isEmpty() || !SAFE.matcher(deviceId).matches() ? "c" : deviceId;
    if (device.length() > MAX_PREFIX) {
      device = device.substring(0, MAX_PREFIX);
    }
    String tag = Long.toString(random.nextLong() >>> 14, 36);
    this.prefix = device + "-" + tag + "-";
  }

  public String next() {
    return prefix + Long.toString(counter.incrementAndGet(), 36);
  }
}
