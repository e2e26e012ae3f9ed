package dev.tracefetch.replayer.cli;

import static dev.tracefetch.replayer.cli.MountCommandIT.awaitMounted;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tracefetch.cli.Cli;
import dev.tracefetch.fs.fuse.MountTable;
import dev.tracefetch.oci.image.Digest;
import dev.tracefetch.oci.image.ImageReference;
import dev.tracefetch.oci.registry.RegistryClient;
import dev.tracefetch.oci.testing.RegistryExtension;
import dev.tracefetch.oci.testing.TestImage;
import dev.tracefetch.oci.testing.TestLayer;
import dev.tracefetch.replayer.mount.CacheContents;
import dev.tracefetch.replayer.mount.EstargzImages;
import dev.tracefetch.replayer.mount.LazyImageMount;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code replayer mount} process killed with SIGKILL while a large file is being fetched: the
 * stale mount is released by {@code replayer umount} (the documented recovery), the directory is
 * usable again, and a new mount on the same chunk cache serves the right bytes: half-written
 * entries (torn files, temp files of the dead process) are never served.
 */
class MountKillIT {
  private static final String REPO = "kill/app";

  @RegisterExtension static final RegistryExtension REGISTRY = RegistryExtension.anonymous();

  @TempDir Path work;

  @Test
  void aKilledNodeProcessLeavesNoWedgedMountAndNoCorruptCacheEntry() throws Exception {
    assumeTrue(Files.isReadable(Path.of("/dev/fuse")), "/dev/fuse is not available here");
    byte[] big = new byte[16 << 20];
    new Random(3).nextBytes(big);
    byte[] small = "still here\n".getBytes(StandardCharsets.UTF_8);
    TestImage image =
        TestImage.builder()
            .layer(
                TestLayer.builder()
                    .file("data/big.bin", big, 0644)
                    .file("etc/small.txt", small, 0644)
                    .build())
            .build();
    try (RegistryClient client = REGISTRY.newClient()) {
      EstargzImages.push(client, REPO, "v1", image, 64 << 10);
    }
    String reference = REGISTRY.hostPort() + "/" + REPO + ":v1";
    Path mp = Files.createDirectories(work.resolve("mnt"));
    Path cache = work.resolve("cache");
    Path log = work.resolve("child.log");
    Process child =
        ReplayerProcess.start(
            log,
            "mount",
            reference,
            mp.toString(),
            "--cache",
            cache.toString(),
            "--cache-size",
            "256M",
            "--fetch-timeout",
            "20s");
    try {
      awaitMounted(child, mp, log);
      assertThat(Files.readAllBytes(mp.resolve("etc/small.txt"))).isEqualTo(small);

      // A large read in flight, then SIGKILL: no shutdown hook, no unmount, fetches cut off.
      CompletableFuture<byte[]> reading =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return Files.readAllBytes(mp.resolve("data/big.bin"));
                } catch (IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              });
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (entries(cache) < 4 && !reading.isDone() && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      child.destroyForcibly();
      assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
      try {
        // Whatever the reader got before the kill, it never got wrong bytes.
        assertThat(Digest.of(reading.get(60, TimeUnit.SECONDS))).isEqualTo(Digest.of(big));
      } catch (ExecutionException expected) {
        assertThat(expected).hasRootCauseInstanceOf(IOException.class);
      }

      // The mount is stale: still listed, answers "not connected", never hangs.
      assertThat(MountTable.isFuseMountedAt(mp)).isTrue();
      assertThatThrownBy(() -> Files.readAllBytes(mp.resolve("etc/small.txt")))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("not connected");

      // What a half-written entry would look like, had a writer died mid-write: a torn file at
      // an entry's final name and a temp file of the dead process.
      Path torn = anyEntry(cache);
      try (RandomAccessFile f = new RandomAccessFile(torn.toFile(), "rw")) {
        f.setLength(f.length() / 2);
      }
      Path stray = cache.resolve("tmp").resolve(child.pid() + "-dead.tmp");
      Files.write(stray, new byte[1000]);

      // The documented recovery.
      assertThat(Cli.execute(new ReplayerCommand(), "umount", mp.toString())).isZero();
      assertThat(MountTable.isFuseMountedAt(mp)).as("mount table after replayer umount").isFalse();
      assertThat(mp).isEmptyDirectory();
      Files.writeString(mp.resolve("probe"), "usable");
      Files.delete(mp.resolve("probe"));

      // A new mount on the same directory and cache serves the right bytes.
      try (LazyImageMount again =
          LazyImageMount.open(
              REGISTRY.newClient(),
              ImageReference.parse(reference),
              mp,
              new LazyImageMount.Settings(cache, 256L << 20, Duration.ofSeconds(20)))) {
        assertThat(Files.exists(stray)).as("temp file of the dead process removed").isFalse();
        assertThat(Files.readAllBytes(mp.resolve("etc/small.txt"))).isEqualTo(small);
        assertThat(Digest.of(Files.readAllBytes(mp.resolve("data/big.bin"))))
            .isEqualTo(Digest.of(big));
        assertThat(again.cache().stats().corruptEntries())
            .as("the torn entry was detected, deleted and fetched again")
            .isEqualTo(1);
      }
      assertThat(MountTable.isFuseMountedAt(mp)).isFalse();
      CacheContents.assertIntact(cache);
    } finally {
      if (child.isAlive()) {
        child.destroyForcibly();
        child.waitFor(30, TimeUnit.SECONDS);
      }
      if (MountTable.isFuseMountedAt(mp)) {
        new ProcessBuilder("fusermount", "-u", "-z", mp.toString()).inheritIO().start().waitFor();
      }
    }
  }

  private static long entries(Path cache) throws IOException {
    return CacheContents.entryFiles(cache).size();
  }

  private static Path anyEntry(Path cache) throws IOException {
    return CacheContents.entryFiles(cache).stream()
        .filter(p -> p.toFile().length() > 32)
        .findFirst()
        .orElseThrow(() -> new AssertionError("no cache entry was written before the kill"));
  }
}
