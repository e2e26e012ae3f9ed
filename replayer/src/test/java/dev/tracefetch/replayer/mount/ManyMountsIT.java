package dev.tracefetch.replayer.mount;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tracefetch.oci.image.Digest;
import dev.tracefetch.oci.image.ImageReference;
import dev.tracefetch.oci.registry.RegistryClient;
import dev.tracefetch.oci.testing.RegistryExtension;
import dev.tracefetch.oci.testing.TestImage;
import dev.tracefetch.oci.testing.TestLayer;
import dev.tracefetch.replayer.control.ReplayStatus;
import dev.tracefetch.replayer.prefetch.PrefetchSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Node load: 20 lazy mounts of 20 different images, each replaying a plan of all its chunks while
 * its files are read, all sharing one chunk cache directory whose size limit is far below the data
 * they fetch. Every mount reads its own bytes (no cross-talk), no replay or read fails, and the
 * directory ends under the limit although each mount keeps its own view of the cache.
 */
class ManyMountsIT {
  private static final int MOUNTS = 20;
  private static final int CHUNK = 16 << 10;
  private static final long CACHE_LIMIT = 4L << 20;

  @RegisterExtension static final RegistryExtension REGISTRY = RegistryExtension.anonymous();

  @TempDir Path work;

  @Test
  void twentyMountsWithConcurrentReplaysShareOneSizeLimitedCacheWithoutCrossTalk()
      throws Exception {
    assumeTrue(Files.isReadable(Path.of("/dev/fuse")), "/dev/fuse is not available here");
    List<Map<String, byte[]>> contents = new ArrayList<>();
    try (RegistryClient client = REGISTRY.newClient()) {
      for (int i = 0; i < MOUNTS; i++) {
        Random r = new Random(1000 + i);
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("etc/id", ("image " + i + "\n").getBytes(StandardCharsets.UTF_8));
        files.put("data/a.bin", randomBytes(r, 300_000 + i * 1000));
        files.put("data/b.bin", randomBytes(r, 150_000));
        TestLayer.Builder layer = TestLayer.builder();
        files.forEach((path, bytes) -> layer.file(path, bytes, 0644));
        EstargzImages.push(
            client, "load/app" + i, "v1", TestImage.builder().layer(layer.build()).build(), CHUNK);
        contents.add(files);
      }
    }
    Path cache = Files.createDirectories(work.resolve("cache"));
    List<LazyImageMount> mounts = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(MOUNTS);
    try {
      for (int i = 0; i < MOUNTS; i++) {
        mounts.add(
            LazyImageMount.open(
                REGISTRY.newClient(),
                ImageReference.parse(REGISTRY.hostPort() + "/load/app" + i + ":v1"),
                Files.createDirectories(work.resolve("mnt" + i)),
                new LazyImageMount.Settings(cache, CACHE_LIMIT, Duration.ofSeconds(60)),
                PrefetchSettings.defaults()));
      }
      List<Future<ReplayStatus>> results = new ArrayList<>();
      for (int i = 0; i < MOUNTS; i++) {
        LazyImageMount m = mounts.get(i);
        Map<String, byte[]> files = contents.get(i);
        results.add(
            pool.submit(
                () -> {
                  m.replay().start(ReplayIT.planOfAllChunks(m.prefetch().image()), "load-test");
                  for (int round = 0; round < 2; round++) {
                    for (Map.Entry<String, byte[]> f : files.entrySet()) {
                      byte[] read = Files.readAllBytes(m.mountPoint().resolve(f.getKey()));
                      assertThat(Digest.of(read))
                          .as("%s in %s", f.getKey(), m.reference())
                          .isEqualTo(Digest.of(f.getValue()));
                    }
                  }
                  assertThat(m.prefetch().awaitFinished(Duration.ofSeconds(90))).isTrue();
                  return m.replay().status();
                }));
      }
      for (int i = 0; i < MOUNTS; i++) {
        ReplayStatus s = results.get(i).get(110, TimeUnit.SECONDS);
        assertThat(s.state())
            .as("replay of mount %d: %s", i, s.lastError())
            .isEqualTo(ReplayStatus.State.DONE);
        assertThat(s.errors()).as("replay errors of mount %d", i).isZero();
        assertThat(mounts.get(i).prefetch().metrics().demandFailed()).isZero();
        assertThat(mounts.get(i).isMounted()).isTrue();
      }
      long evictions = 0;
      for (LazyImageMount m : mounts) {
        evictions += m.cache().stats().evictions();
        assertThat(m.cache().stats().corruptEntries()).isZero();
      }
      assertThat(evictions).as("the limit forced evictions").isPositive();
    } finally {
      pool.shutdownNow();
      for (LazyImageMount m : mounts) {
        m.close();
      }
    }
    long onDisk;
    try (Stream<Path> files = Files.walk(cache.resolve("sha256"))) {
      onDisk = files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    }
    System.out.printf(
        "%d mounts: %d bytes left in the shared cache (limit %d)%n", MOUNTS, onDisk, CACHE_LIMIT);
    assertThat(onDisk)
        .as("bytes in the shared cache directory")
        .isPositive()
        .isLessThanOrEqualTo(CACHE_LIMIT);
  }

  private static byte[] randomBytes(Random r, int n) {
    byte[] b = new byte[n];
    r.nextBytes(b);
    return b;
  }
}
