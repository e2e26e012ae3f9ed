package dev.tracefetch.replayer.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import sun.misc.Signal;

/**
 * SIGINT and SIGTERM as a request to stop serving, not as a JVM exit. With the JVM's own handlers a
 * signal runs the shutdown hooks and exits with 130 or 143, so a supervisor that stops the replayer
 * the ordinary way would see a failure; a foreground {@code mount} instead unmounts in its main
 * thread, reports errors if unmounting fails, and exits 0 when everything was released.
 */
final class StopSignals {
  private final CountDownLatch requested = new CountDownLatch(1);
  private volatile String received;

  private StopSignals() {}

  /**
   * Installs the handlers. Call it once the mount is up: libfuse replaces the process's signal
   * handlers while it mounts, and whatever is installed last wins. A signal the JVM cannot handle
   * (ignored by the parent, or {@code -Xrs}) keeps its previous behaviour.
   */
  static StopSignals install() {
    StopSignals s = new StopSignals();
    s.reinstall();
    return s;
  }

  /** Takes the signals back after a later FUSE mount took them (the node daemon mounts often). */
  void reinstall() {
    StopSignals s = this;
    for (String name : new String[] {"INT", "TERM"}) {
      try {
        Signal.handle(
            new Signal(name),
            sig -> {
              s.received = "SIG" + sig.getName();
              s.requested.countDown();
            });
      } catch (IllegalArgumentException e) {
        // Reserved by the JVM in this configuration: the shutdown hook still unmounts.
      }
    }
  }

  /** Waits up to {@code timeout} for a stop request; true once one arrived. */
  boolean await(long timeout, TimeUnit unit) throws InterruptedException {
    return requested.await(timeout, unit);
  }

  /** The signal that asked to stop ({@code SIGTERM}), or null if none did. */
  String received() {
    return received;
  }
}
