package dev.tracefetch.replayer.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tracefetch.api.files.ReplayFiles;
import dev.tracefetch.api.v1.LayerPlan;
import dev.tracefetch.api.v1.PlannedRange;
import dev.tracefetch.api.v1.ReplayPlan;
import dev.tracefetch.cli.Cli;
import dev.tracefetch.fs.cache.ChunkCache;
import dev.tracefetch.fs.fuse.MountTable;
import dev.tracefetch.fs.remote.RemoteImage;
import dev.tracefetch.layer.estargz.EstargzChunk;
import dev.tracefetch.layer.estargz.EstargzIndex;
import dev.tracefetch.oci.image.Digest;
import dev.tracefetch.oci.image.ImageManifest;
import dev.tracefetch.oci.registry.RegistryClient;
import dev.tracefetch.oci.testing.RegistryExtension;
import dev.tracefetch.oci.testing.TestImage;
import dev.tracefetch.oci.testing.TestLayer;
import dev.tracefetch.replayer.mount.EstargzImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code replayer prefetch-all} and {@code replayer mount --replay} as a user runs them. */
class ReplayerCliIT {
  private static final String REPO = "cli/app";

  @RegisterExtension static final RegistryExtension REGISTRY = RegistryExtension.anonymous();

  @TempDir Path work;

  private static ImageManifest manifest;
  private static List<EstargzIndex> indexes;
  private static Digest manifestDigest;

  @BeforeAll
  static void push(@TempDir Path tmp) throws Exception {
    TestImage image =
        TestImage.builder()
            .layer(
                TestLayer.builder()
                    .largeFile("data/a.bin", 600_000, 1)
                    .file("etc/conf", "x=1\n")
                    .build())
            .layer(TestLayer.builder().largeFile("data/b.bin", 300_000, 2).build())
            .build();
    try (RegistryClient client = REGISTRY.server().newClient()) {
      manifest = EstargzImages.push(client, REPO, "v1", image, 8 << 10);
      manifestDigest = client.pullManifest(REPO, "v1").digest();
      try (RemoteImage remote = RemoteImage.open(client, REPO, manifest, tmp)) {
        indexes = new ArrayList<>(remote.estargzIndexes());
      }
    }
  }

  private static String image() {
    return REGISTRY.hostPort() + "/" + REPO + ":v1";
  }

  @Test
  void prefetchAllPutsEveryChunkOfTheImageIntoTheCache() throws Exception {
    Path cache = work.resolve("cache");
    int exit =
        Cli.execute(
            new ReplayerCommand(), "prefetch-all", image(), "--cache", cache.toString(), "-q");
    assertThat(exit).isZero();
    try (ChunkCache c = ChunkCache.open(cache, 1L << 30)) {
      int chunks = 0;
      for (EstargzIndex idx : indexes) {
        for (EstargzChunk ch : idx.chunksInBlobOrder()) {
          assertThat(c.contains(ch.chunkDigest())).as(ch.describe()).isTrue();
          chunks++;
        }
      }
      assertThat(chunks).isGreaterThan(100);
    }
    // A second run finds everything cached.
    assertThat(
            Cli.execute(
                new ReplayerCommand(), "prefetch-all", image(), "--cache", cache.toString(), "-q"))
        .isZero();
  }

  @Test
  void mountWithAReplayFilePrefetchesThePlanAndUmountEndsTheCommand() throws Exception {
    assumeTrue(Files.isReadable(Path.of("/dev/fuse")), "/dev/fuse is not available here");
    assumeTrue("root".equals(System.getProperty("user.name")), "needs root for mount");
    List<EstargzChunk> wanted = indexes.get(1).lookup("data/b.bin").orElseThrow().chunks();
    LayerPlan.Builder layer =
        LayerPlan.newBuilder()
            .setLayerIndex(1)
            .setLayerDigest(manifest.layers().get(1).digest().toString());
    for (EstargzChunk c : wanted) {
      layer.addRanges(
          PlannedRange.newBuilder()
              .setCompressedOffset(c.compressedOffset())
              .setCompressedLength(c.compressedLength()));
    }
    Path plan = work.resolve("b.tfr");
    ReplayFiles.write(
        ReplayPlan.newBuilder()
            .setManifestDigest(manifestDigest.toString())
            .addLayers(layer)
            .build(),
        plan);
    Path cache = work.resolve("cache");
    Path mp = Files.createDirectories(work.resolve("mnt"));

    CompletableFuture<Integer> mount =
        CompletableFuture.supplyAsync(
            () ->
                Cli.execute(
                    new ReplayerCommand(),
                    "mount",
                    image(),
                    mp.toString(),
                    "--cache",
                    cache.toString(),
                    "--replay",
                    plan.toString()));
    try {
      // The plan's chunks appear in the cache without anything reading the mount.
      Path entries = cache.resolve("sha256");
      for (EstargzChunk c : wanted) {
        String hex = c.chunkDigest().hex();
        Path entry = entries.resolve(hex.substring(0, 2)).resolve(hex);
        while (!Files.exists(entry)) {
          assertThat(mount).isNotDone();
          Thread.sleep(20);
        }
      }
      // The replay starts before the FUSE mount, so the chunks may be there before the mount.
      while (!MountTable.isFuseMountedAt(mp)) {
        assertThat(mount).isNotDone();
        Thread.sleep(20);
      }
      assertThat(Files.readString(mp.resolve("etc/conf"))).isEqualTo("x=1\n");
      assertThat(indexes.get(0).lookup("data/a.bin").orElseThrow().chunks())
          .as("unplanned chunks stay lazy")
          .noneMatch(
              c ->
                  Files.exists(
                      entries
                          .resolve(c.chunkDigest().hex().substring(0, 2))
                          .resolve(c.chunkDigest().hex())));
    } finally {
      assertThat(Cli.execute(new ReplayerCommand(), "umount", mp.toString())).isZero();
    }
    assertThat(mount.get(60, TimeUnit.SECONDS)).isZero();
  }
}
