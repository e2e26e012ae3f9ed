package dev.tracefetch.fs.fuse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracefetch.fs.ops.CallContext;
import dev.tracefetch.fs.ops.FileAttributes;
import dev.tracefetch.fs.ops.ForwardingFileSystem;
import dev.tracefetch.fs.ops.FsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Callbacks run on the loop's own Java threads, not on native threads attached to the JVM for one
 * call each (which cost a thread's creation and teardown per FUSE request).
 */
class JavaThreadLoopIT {
  @TempDir Path work;

  @Test
  void thousandsOfRequestsAreServedByTheSameFewJavaThreads() throws Exception {
    Set<Thread> threads =
        Collections.synchronizedSet(Collections.newSetFromMap(new IdentityHashMap<>()));
    AtomicInteger calls = new AtomicInteger();
    try (MountedImage m =
        MountedImage.mount(
            SyntheticImage.build(Files.createDirectories(work.resolve("layers"))),
            work,
            MountOptions.defaults(),
            fs ->
                new ForwardingFileSystem(fs) {
                  @Override
                  public FileAttributes getattr(String path, CallContext ctx) throws FsException {
                    threads.add(Thread.currentThread());
                    calls.incrementAndGet();
                    return super.getattr(path, ctx);
                  }
                })) {
      for (int i = 0; i < 2000; i++) {
        assertThat(Files.exists(m.root().resolve("missing-" + i))).isFalse();
      }
      assertThat(Files.readString(m.path("/etc/hostname"))).isEqualTo("upper\n");
    }
    assertThat(calls.get()).isGreaterThanOrEqualTo(2000);
    assertThat(threads).hasSizeLessThanOrEqualTo(JavaThreadLoop.WORKERS);
    assertThat(threads).allSatisfy(t -> assertThat(t.getName()).startsWith("fuse-loop "));
  }
}
