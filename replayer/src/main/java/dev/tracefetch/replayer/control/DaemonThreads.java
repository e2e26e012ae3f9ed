package dev.tracefetch.replayer.control;

import java.util.concurrent.ThreadFactory;

/**
 * Threads of the node process's servers: daemon threads, so a server left open never keeps the JVM
 * alive after the command returned, each named for what it serves (thread dumps stay readable).
 */
public final class DaemonThreads {
  private DaemonThreads() {}

  public static ThreadFactory named(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }
}
