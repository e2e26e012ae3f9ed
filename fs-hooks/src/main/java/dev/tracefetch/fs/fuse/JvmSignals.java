package dev.tracefetch.fs.fuse;

import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Gives SIGINT, SIGTERM and SIGHUP back to the JVM after libfuse took them. libfuse 2's {@code
 * fuse_main} installs handlers that only flag its loop to exit, and the loop notices that at the
 * next kernel request: Ctrl-C would then neither run shutdown hooks nor unmount. Re-registering the
 * JVM's own handlers makes a signal run the shutdown hooks, which release every live mount.
 */
final class JvmSignals {
  private static final Logger LOG = Logger.getLogger(JvmSignals.class.getName());

  private JvmSignals() {}

  /** Re-installs the JVM's handlers (and thus its shutdown behaviour) at the OS level. */
  static void reclaim() {
    for (String name : List.of("INT", "TERM", "HUP")) {
      try {
        Signal signal = new Signal(name);
        SignalHandler jvmHandler = Signal.handle(signal, s -> {});
        Signal.handle(signal, jvmHandler);
      } catch (IllegalArgumentException e) {
        // -Xrs or a signal the JVM reserves: leave it as it is.
        LOG.log(Level.FINE, "cannot reclaim SIG" + name + ": " + e.getMessage());
      }
    }
  }
}
