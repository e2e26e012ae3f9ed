package dev.tracefetch.replayer.cli;

import dev.tracefetch.cli.ExitCodes;
import dev.tracefetch.cli.ProgressBar;
import dev.tracefetch.cli.SizeConverter;
import dev.tracefetch.fs.cache.ChunkCache;
import dev.tracefetch.fs.cache.ChunkCacheOptions;
import dev.tracefetch.fs.remote.RemoteImage;
import dev.tracefetch.oci.image.ImageManifest;
import dev.tracefetch.oci.image.ImageReference;
import dev.tracefetch.oci.image.Platform;
import dev.tracefetch.oci.image.RawManifest;
import dev.tracefetch.oci.registry.RegistryClient;
import dev.tracefetch.replayer.control.ReplayStatus;
import dev.tracefetch.replayer.metrics.ReplayMetrics;
import dev.tracefetch.replayer.prefetch.ImageChunks;
import dev.tracefetch.replayer.prefetch.PrefetchEngine;
import dev.tracefetch.replayer.prefetch.PrefetchSettings;
import dev.tracefetch.replayer.prefetch.RegistryRangeSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code replayer prefetch-all}: the "just pull it all, fast" mode. Every chunk of every eStargz
 * layer goes into the node's chunk cache through the same engine a replay uses (parallel coalesced
 * range requests, digest checks, chunks already cached skipped), so a later mount reads locally.
 */
@Command(
    name = "prefetch-all",
    mixinStandardHelpOptions = true,
    description = {
      "Fetch every chunk of IMAGE into the chunk cache, in parallel, with a progress bar.",
      "Later mounts of IMAGE (or images sharing its chunks) read them locally."
    })
final class PrefetchAllCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "IMAGE", description = "Image reference.")
  String image;

  @Mixin CacheAndRegistryOptions node = new CacheAndRegistryOptions();

  @Option(
      names = "--prefetch-connections",
      paramLabel = "N",
      description = "Parallel range requests (default: ${DEFAULT-VALUE}).",
      defaultValue = "8")
  int connections;

  @Option(
      names = "--prefetch-max-request",
      paramLabel = "SIZE",
      description = "Largest range request (default: ${DEFAULT-VALUE}).",
      defaultValue = "4M",
      converter = SizeConverter.class)
  long maxRequest;

  @Option(
      names = "--bandwidth-limit",
      paramLabel = "SIZE",
      description = "Cap on bytes per second, e.g. 12M; 0 = none (default).",
      defaultValue = "0",
      converter = SizeConverter.class)
  long bandwidth;

  @Option(
      names = {"-q", "--quiet"},
      description = "No progress output.")
  boolean quiet;

  @Override
  public Integer call() throws Exception {
    ImageReference reference;
    try {
      reference = ImageReference.parse(image);
    } catch (IllegalArgumentException e) {
      System.err.println("replayer prefetch-all: " + e.getMessage());
      return ExitCodes.USAGE;
    }
    PrefetchSettings settings =
        PrefetchSettings.defaults()
            .withConnections(connections)
            .withMaxRequestBytes(maxRequest)
            .withBandwidth(bandwidth)
            .withMaxConsecutiveFailures(Integer.MAX_VALUE);
    Files.createDirectories(node.cacheDir);
    Path work = Files.createTempDirectory(node.cacheDir, ".prefetch-all-");
    try (RegistryClient client = node.client(reference);
        ChunkCache cache =
            ChunkCache.open(node.cacheDir, ChunkCacheOptions.ofDiskLimit(node.cacheSize))) {
      RawManifest raw =
          client
              .imageStore(reference.repository())
              .resolveImage(reference.reference(), Platform.host());
      ImageManifest manifest = (ImageManifest) raw.parse();
      try (RemoteImage remote = RemoteImage.open(client, reference.repository(), manifest, work);
          PrefetchEngine engine =
              new PrefetchEngine(
                  ImageChunks.of(raw.digest(), manifest.layers(), remote.estargzIndexes()),
                  new RegistryRangeSource(client, reference.repository(), manifest.layers()),
                  cache,
                  settings,
                  new ReplayMetrics())) {
        engine.startEverything();
        ReplayStatus status = follow(engine);
        System.err.printf(
            "%s: %d chunks fetched (%s in %d requests), %d already cached, %d errors%n",
            reference,
            status.prefetchedChunks(),
            ProgressBar.formatBytes(status.prefetchedBytes()),
            status.requests(),
            status.skippedChunks(),
            status.errors());
        if (status.errors() > 0) {
          System.err.println("replayer prefetch-all: last error: " + status.lastError());
          return ExitCodes.FAILURE;
        }
        return ExitCodes.OK;
      }
    } finally {
      try (Stream<Path> files = Files.walk(work)) {
        for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  private ReplayStatus follow(PrefetchEngine engine) throws InterruptedException {
    PrefetchEngine.Progress p = engine.progress();
    try (ProgressBar bar =
        ProgressBar.builder(System.err, ProgressBar.Style.detect(quiet, false))
            .unit("chunks")
            .totalSteps(1)
            .totalBytes(p.totalBytes())
            .build()) {
      long shown = 0;
      boolean finished = false;
      while (!finished) {
        finished = engine.awaitFinished(Duration.ofMillis(200));
        long done = engine.progress().doneBytes();
        if (done > shown) {
          bar.addBytes(done - shown);
          shown = done;
        }
      }
      bar.stepDone(engine.image().manifestDigest() + " fetched");
    }
    return engine.status();
  }
}
