package dev.tracefetch.oci.registry;

import java.time.Duration;

/** Waits between retries; replaceable so unit tests do not sleep. */
@FunctionalInterface
interface Sleeper {
  void sleep(Duration duration) throws InterruptedException;

  Sleeper REAL = d -> Thread.sleep(d.toMillis());
}
