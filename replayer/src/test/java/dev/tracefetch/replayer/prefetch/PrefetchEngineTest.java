package dev.tracefetch.replayer.prefetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracefetch.api.v1.LayerPlan;
import dev.tracefetch.api.v1.PlannedRange;
import dev.tracefetch.api.v1.ReplayPlan;
import dev.tracefetch.fs.cache.ChunkCache;
import dev.tracefetch.fs.image.ChunkKey;
import dev.tracefetch.fs.lazy.ChunkReadAhead;
import dev.tracefetch.fs.lazy.ChunkReader;
import dev.tracefetch.fs.remote.EstargzChunkSource;
import dev.tracefetch.fs.remote.EstargzLayers;
import dev.tracefetch.layer.estargz.BlobRangeReader;
import dev.tracefetch.layer.estargz.EstargzChunk;
import dev.tracefetch.oci.image.Digest;
import dev.tracefetch.replayer.control.ReplayStatus;
import dev.tracefetch.replayer.control.ReplayStatus.State;
import dev.tracefetch.replayer.metrics.ReplayMetrics;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The engine against a real eStargz blob, a real cache and a fake network. */
class PrefetchEngineTest {
  private static final int CHUNK = 4096;
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path dir;

  private EstargzFixture fx;
  private ChunkCache cache;
  private final List<AutoCloseable> open = new ArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    fx = EstargzFixture.build(CHUNK, List.of());
    cache = ChunkCache.open(dir.resolve("cache"), 64L << 20);
  }

  @AfterEach
  void tearDown() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
    cache.close();
  }

  private PrefetchEngine engine(RangeSource source, PrefetchSettings settings) {
    PrefetchEngine e = new PrefetchEngine(fx.image(), source, cache, settings, new ReplayMetrics());
    open.add(e);
    return e;
  }

  /** One range per chunk, in the given order. */
  static ReplayPlan plan(List<EstargzChunk> chunks, String layerDigest) {
    LayerPlan.Builder layer = LayerPlan.newBuilder().setLayerIndex(0).setLayerDigest(layerDigest);
    long t = 0;
    for (EstargzChunk c : chunks) {
      layer.addRanges(
          PlannedRange.newBuilder()
              .setCompressedOffset(c.compressedOffset())
              .setCompressedLength(c.compressedLength())
              .addChunkDigests(c.chunkDigest().toString())
              .setNeededByMicros(t += 1000));
    }
    return ReplayPlan.newBuilder()
        .setManifestDigest(EstargzFixture.MANIFEST.toString())
        .addLayers(layer)
        .build();
  }

  private ReplayPlan plan(List<EstargzChunk> chunks) {
    return plan(chunks, fx.descriptor().digest().toString());
  }

  /** The demand path of the filesystem: the same cache, the eStargz chunk source over the blob. */
  private ChunkReader demandReader(AtomicInteger fetches) {
    EstargzChunkSource real = new EstargzChunkSource("layer", BlobRangeReader.ofBytes(fx.blob()));
    return new ChunkReader(
        new dev.tracefetch.fs.lazy.ChunkSource() {
          @Override
          public byte[] read(ChunkKey key) throws IOException {
            fetches.incrementAndGet();
            return real.read(key);
          }

          @Override
          public boolean verifiesDigests() {
            return true;
          }
        },
        cache);
  }

  private static byte[] bytes(ByteBuffer b) {
    byte[] out = new byte[b.remaining()];
    b.duplicate().get(out);
    return out;
  }

  @Test
  void planIsFetchedIntoTheCacheInFewCoalescedVerifiedRequests() throws Exception {
    List<EstargzChunk> wanted = new ArrayList<>(fx.chunksOf("data/big.bin"));
    wanted.addAll(fx.chunksOf("small/b"));
    FakeRangeSource net = new FakeRangeSource(fx.blob());
    PrefetchEngine engine = engine(net, PrefetchSettings.defaults().withConnections(2));

    engine.start(plan(wanted), "file:test");
    assertThat(engine.awaitFinished(WAIT)).isTrue();

    ReplayStatus s = engine.status();
    assertThat(s.state()).isEqualTo(State.DONE);
    assertThat(s.source()).isEqualTo("file:test");
    assertThat(s.plannedChunks()).isEqualTo(wanted.size());
    assertThat(s.prefetchedChunks()).isEqualTo(wanted.size());
    assertThat(s.errors()).isZero();
    for (EstargzChunk c : wanted) {
      assertThat(cache.contains(c.chunkDigest())).as(c.describe()).isTrue();
    }
    assertThat(s.requests()).isEqualTo(net.requests.size());
    assertThat(s.requests()).as("coalesced").isLessThan(wanted.size() / 4);
    assertThat(fx.chunksOf("data/other.bin"))
        .as("unplanned chunks are not cached")
        .noneMatch(c -> cache.contains(c.chunkDigest()));
  }

  @Test
  void eachChunkOfARangeIsCachedAsSoonAsItsBytesArriveNotWhenTheRangeEnds() throws Exception {
    List<EstargzChunk> wanted = fx.chunksOf("data/big.bin");
    EstargzChunk first = wanted.get(0);
    CountDownLatch rest = new CountDownLatch(1);
    List<Long> requestLengths = new java.util.concurrent.CopyOnWriteArrayList<>();
    RangeSource slowTail =
        new RangeSource() {
          @Override
          public byte[] read(int layer, long offset, int length) {
            throw new AssertionError("the engine streams its ranges");
          }

          @Override
          public void stream(int layer, long offset, int length, Sink sink) throws IOException {
            requestLengths.add((long) length);
            byte[] range =
                java.util.Arrays.copyOfRange(fx.blob(), (int) offset, (int) offset + length);
            int head = (int) (first.compressedOffset() + first.compressedLength() - offset);
            // The first chunk's bytes now; the rest only once the test saw that chunk cached.
            java.io.InputStream in =
                new java.io.SequenceInputStream(
                    new java.io.ByteArrayInputStream(range, 0, head),
                    new java.io.InputStream() {
                      private java.io.InputStream tail;

                      @Override
                      public int read() throws IOException {
                        byte[] one = new byte[1];
                        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
                      }

                      @Override
                      public int read(byte[] b, int off, int len) throws IOException {
                        if (tail == null) {
                          try {
                            rest.await();
                          } catch (InterruptedException e) {
                            throw new java.io.InterruptedIOException();
                          }
                          tail = new java.io.ByteArrayInputStream(range, head, range.length - head);
                        }
                        return tail.read(b, off, len);
                      }
                    });
            sink.accept(in);
          }
        };
    PrefetchEngine engine = engine(slowTail, PrefetchSettings.defaults().withConnections(1));

    engine.start(plan(wanted), "file:test");
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!cache.contains(first.chunkDigest()) && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertThat(cache.contains(first.chunkDigest()))
        .as("first chunk cached while the rest of its range is still on its way")
        .isTrue();
    assertThat(cache.contains(wanted.get(wanted.size() - 1).chunkDigest())).isFalse();
    assertThat(requestLengths).as("one coalesced request").hasSize(1);
    rest.countDown();

    assertThat(engine.awaitFinished(WAIT)).isTrue();
    assertThat(engine.status().state()).isEqualTo(State.DONE);
    assertThat(engine.status().prefetchedChunks()).isEqualTo(wanted.size());
    for (EstargzChunk c : wanted) {
      assertThat(cache.contains(c.chunkDigest())).as(c.describe()).isTrue();
    }
  }

  @Test
  void chunksAlreadyCachedAreSkippedWithoutAnyRequest() throws Exception {
    List<EstargzChunk> wanted = fx.chunksOf("data/other.bin");
    FakeRangeSource net = new FakeRangeSource(fx.blob());
    PrefetchEngine engine = engine(net, PrefetchSettings.defaults());
    engine.start(plan(wanted), "first");
    assertThat(engine.awaitFinished(WAIT)).isTrue();
    int before = net.requests.size();

    engine.start(plan(wanted), "second");
    assertThat(engine.awaitFinished(WAIT)).isTrue();

    assertThat(net.requests).hasSize(before);
    ReplayStatus s = engine.status();
    assertThat(s.source()).isEqualTo("second");
    assertThat(s.state()).isEqualTo(State.DONE);
    assertThat(s.skippedChunks()).isEqualTo(wanted.size());
    assertThat(s.prefetchedChunks()).isZero();
  }

  @Test
  void aDemandReadOfAChunkInFlightWaitsForThatRequestInsteadOfFetchingAgain() throws Exception {
    List<EstargzChunk> wanted = fx.chunksOf("data/other.bin");
    FakeRangeSource net = new FakeRangeSource(fx.blob()).gated();
    PrefetchEngine engine = engine(net, PrefetchSettings.defaults().withConnections(1));
    engine.start(plan(wanted), "file:test");
    assertThat(net.firstRequestArrived.await(30, TimeUnit.SECONDS)).isTrue();
    EstargzChunk third = wanted.get(2);
    assertThat(cache.isInFlight(third.chunkDigest())).isTrue();

    AtomicInteger demandFetches = new AtomicInteger();
    ChunkReader reader = demandReader(demandFetches);
    CompletableFuture<byte[]> read =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return bytes(reader.read(EstargzLayers.key(0, third)));
              } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            });
    net.release(100);
    byte[] got = read.get(30, TimeUnit.SECONDS);

    assertThat(Digest.of(got)).isEqualTo(third.chunkDigest());
    assertThat(demandFetches.get()).isZero();
    assertThat(engine.awaitFinished(WAIT)).isTrue();
    assertThat(net.requests).hasSize(1);
    assertThat(engine.metrics().demandFetched()).isZero();
  }

  @Test
  void aDemandReadOfAQueuedChunkIsServedAtOnceAndWhatFollowsItIsFetchedNext() throws Exception {
    // Far-apart planned chunks (gap 0, one chunk per request) so order is visible per request.
    List<EstargzChunk> big = fx.chunksOf("data/big.bin");
    List<EstargzChunk> wanted = new ArrayList<>();
    for (int i = 0; i < big.size(); i += 2) {
      wanted.add(big.get(i));
    }
    FakeRangeSource net = new FakeRangeSource(fx.blob()).gated();
    PrefetchEngine engine =
        engine(
            net,
            PrefetchSettings.defaults().withConnections(1).withGapBytes(0).withMaxRequestBytes(1));
    engine.start(plan(wanted), "file:test");
    assertThat(net.firstRequestArrived.await(30, TimeUnit.SECONDS)).isTrue();

    // The only connection is stuck on the first request; the application reads chunk #6.
    AtomicInteger demandFetches = new AtomicInteger();
    EstargzChunk read = wanted.get(6);
    byte[] got = bytes(demandReader(demandFetches).read(EstargzLayers.key(0, read)));
    assertThat(Digest.of(got)).isEqualTo(read.chunkDigest());
    assertThat(demandFetches.get()).isEqualTo(1);

    net.release(1000);
    assertThat(engine.awaitFinished(WAIT)).isTrue();
    List<Long> order = net.requests.stream().map(FakeRangeSource.Request::offset).toList();
    assertThat(order.get(0)).isEqualTo(wanted.get(0).compressedOffset());
    assertThat(order.get(1))
        .as("the chunk after the one read comes next")
        .isEqualTo(wanted.get(7).compressedOffset());
    assertThat(order).doesNotContain(read.compressedOffset());
    assertThat(order).hasSize(wanted.size() - 1);
  }

  @Test
  void failingRegistryStopsTheReplayAfterAFewRequestsAndReadsStillWork() throws Exception {
    List<EstargzChunk> wanted = fx.chunksOf("data/big.bin");
    FakeRangeSource net = new FakeRangeSource(fx.blob());
    net.failure = new IOException("connection refused");
    PrefetchEngine engine =
        engine(
            net,
            PrefetchSettings.defaults()
                .withConnections(1)
                .withGapBytes(0)
                .withMaxRequestBytes(1)
                .withMaxConsecutiveFailures(3));
    engine.start(plan(wanted), "file:test");
    assertThat(engine.awaitFinished(WAIT)).isTrue();

    ReplayStatus s = engine.status();
    assertThat(s.state()).isEqualTo(State.FAILED);
    assertThat(s.errors()).isEqualTo(3);
    assertThat(net.requests).hasSize(3);
    assertThat(s.lastError()).contains("connection refused");
    for (EstargzChunk c : wanted) {
      assertThat(cache.isInFlight(c.chunkDigest())).isFalse();
    }
    AtomicInteger fetches = new AtomicInteger();
    assertThat(Digest.of(bytes(demandReader(fetches).read(EstargzLayers.key(0, wanted.get(0))))))
        .isEqualTo(wanted.get(0).chunkDigest());
  }

  @Test
  void aReplayWhoseEveryRequestFailedIsFailedEvenBelowTheFailureLimit() throws Exception {
    FakeRangeSource net = new FakeRangeSource(fx.blob());
    net.failure = new IOException("registry down");
    PrefetchEngine engine = engine(net, PrefetchSettings.defaults().withMaxConsecutiveFailures(5));
    engine.start(plan(fx.chunksOf("small/a")), "file:test");
    assertThat(engine.awaitFinished(WAIT)).isTrue();
    assertThat(engine.status().state()).isEqualTo(State.FAILED);
    assertThat(engine.status().errors()).isEqualTo(1);
  }

  @Test
  void aStalledRequestIsGivenUpAtItsDeadlineAndItsWaitingReaderFetchesItself() throws Exception {
    List<EstargzChunk> wanted = fx.chunksOf("data/other.bin");
    FakeRangeSource net = new FakeRangeSource(fx.blob()).gated(); // never released
    PrefetchEngine engine =
        engine(
            net,
            PrefetchSettings.defaults()
                .withConnections(1)
                .withMaxConsecutiveFailures(1)
                .withRequestTimeout(Duration.ofMillis(300)));
    engine.start(plan(wanted), "file:test");
    assertThat(net.firstRequestArrived.await(30, TimeUnit.SECONDS)).isTrue();

    AtomicInteger demandFetches = new AtomicInteger();
    EstargzChunk c = wanted.get(1);
    byte[] got = bytes(demandReader(demandFetches).read(EstargzLayers.key(0, c)));

    assertThat(Digest.of(got)).isEqualTo(c.chunkDigest());
    assertThat(engine.awaitFinished(WAIT)).isTrue();
    assertThat(engine.status().state()).isEqualTo(State.FAILED);
    assertThat(engine.status().lastError()).contains("no answer within");
    assertThat(demandFetches.get()).isEqualTo(1);
  }

  @Test
  void corruptBytesAreNeverCachedAndCountAsErrors() throws Exception {
    List<EstargzChunk> wanted = fx.chunksOf("data/other.bin");
    FakeRangeSource net = new FakeRangeSource(fx.blob());
    net.corrupt = true;
    PrefetchEngine engine = engine(net, PrefetchSettings.defaults());
    engine.start(plan(wanted), "file:test");
    assertThat(engine.awaitFinished(WAIT)).isTrue();

    ReplayStatus s = engine.status();
    assertThat(s.prefetchedChunks()).isZero();
    assertThat(s.errors()).isEqualTo(wanted.size());
    assertThat(wanted).noneMatch(c -> cache.contains(c.chunkDigest()));
  }

  @Test
  void cancelStopsTheReplayAndReleasesItsClaims() throws Exception {
    List<EstargzChunk> wanted = fx.chunksOf("data/big.bin");
    FakeRangeSource net = new FakeRangeSource(fx.blob()).gated();
    PrefetchEngine engine = engine(net, PrefetchSettings.defaults().withConnections(2));
    engine.start(plan(wanted), "file:test");
    assertThat(net.firstRequestArrived.await(30, TimeUnit.SECONDS)).isTrue();

    engine.cancel();
    assertThat(engine.awaitFinished(WAIT)).isTrue();

    ReplayStatus s = engine.status();
    assertThat(s.state()).isEqualTo(State.CANCELLED);
    assertThat(s.errors()).isZero();
    assertThat(wanted).noneMatch(c -> cache.isInFlight(c.chunkDigest()));
    int made = net.requests.size();
    net.release(1000);
    assertThat(net.requests).hasSize(made);
  }

  @Test
  void readAheadIsSuspendedWhileAReplayRunsAndGivenBackWhenItEndsOrIsCancelled() throws Exception {
    List<EstargzChunk> wanted = fx.chunksOf("data/big.bin");
    FakeRangeSource net = new FakeRangeSource(fx.blob()).gated();
    PrefetchEngine engine = engine(net, PrefetchSettings.defaults().withConnections(2));
    ChunkReadAhead readAhead = new ChunkReadAhead(new ChunkReader(key -> new byte[0], cache), 8, 1);
    open.add(readAhead);
    engine.suspendsWhileReplaying(readAhead);
    assertThat(readAhead.activeChunks()).isEqualTo(8);

    engine.start(plan(wanted), "file:test");
    assertThat(net.firstRequestArrived.await(30, TimeUnit.SECONDS)).isTrue();
    assertThat(readAhead.activeChunks()).as("while replaying").isZero();
    net.release(1000);
    assertThat(engine.awaitFinished(WAIT)).isTrue();
    assertThat(engine.status().state()).isEqualTo(State.DONE);
    assertThat(readAhead.activeChunks()).as("after the replay").isEqualTo(8);

    FakeRangeSource stalled = new FakeRangeSource(fx.blob()).gated();
    ChunkCache cold = ChunkCache.open(dir.resolve("cold"), 64L << 20);
    open.add(cold);
    PrefetchEngine second =
        new PrefetchEngine(
            fx.image(), stalled, cold, PrefetchSettings.defaults(), new ReplayMetrics());
    open.add(second);
    second.suspendsWhileReplaying(readAhead);
    second.start(plan(wanted), "file:again");
    assertThat(stalled.firstRequestArrived.await(30, TimeUnit.SECONDS)).isTrue();
    assertThat(readAhead.activeChunks()).isZero();
    second.cancel();
    assertThat(second.awaitFinished(WAIT)).as("%s", second.status()).isTrue();
    assertThat(readAhead.activeChunks()).as("after a cancelled replay").isEqualTo(8);
    stalled.release(1000);
  }

  @Test
  void planForAnotherImageOrLayerIsRefusedBeforeAnyRequest() {
    FakeRangeSource net = new FakeRangeSource(fx.blob());
    PrefetchEngine engine = engine(net, PrefetchSettings.defaults());
    ReplayPlan other =
        plan(fx.chunksOf("small/a")).toBuilder()
            .setManifestDigest("sha256:" + "0".repeat(64))
            .build();
    assertThatThrownBy(() -> engine.start(other, "x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is for image sha256:000");
    ReplayPlan wrongLayer = plan(fx.chunksOf("small/a"), "sha256:" + "1".repeat(64));
    assertThatThrownBy(() -> engine.start(wrongLayer, "x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("layer 0");
    ReplayPlan outside =
        ReplayPlan.newBuilder()
            .setManifestDigest(EstargzFixture.MANIFEST.toString())
            .addLayers(
                LayerPlan.newBuilder()
                    .setLayerIndex(0)
                    .addRanges(
                        PlannedRange.newBuilder()
                            .setCompressedOffset(fx.blob().length - 10)
                            .setCompressedLength(100)))
            .build();
    assertThatThrownBy(() -> engine.start(outside, "x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bytes");
    assertThat(engine.status().state()).isEqualTo(State.IDLE);
    assertThat(net.requests).isEmpty();
  }

  @Test
  void landmarkModeFetchesExactlyThePrioritizedFiles() throws Exception {
    fx = EstargzFixture.build(CHUNK, List.of("small/c", "data/other.bin"));
    FakeRangeSource net = new FakeRangeSource(fx.blob());
    PrefetchEngine engine = engine(net, PrefetchSettings.defaults());
    engine.startLandmarks();
    assertThat(engine.awaitFinished(WAIT)).isTrue();

    assertThat(engine.status().source()).isEqualTo(Plans.LANDMARK_SOURCE);
    assertThat(fx.chunksOf("small/c")).allMatch(c -> cache.contains(c.chunkDigest()));
    assertThat(fx.chunksOf("data/other.bin")).allMatch(c -> cache.contains(c.chunkDigest()));
    assertThat(fx.chunksOf("data/big.bin")).noneMatch(c -> cache.contains(c.chunkDigest()));
    assertThat(fx.chunksOf("small/a")).noneMatch(c -> cache.contains(c.chunkDigest()));
  }

  @Test
  void everythingModeFetchesEveryChunk() throws Exception {
    FakeRangeSource net = new FakeRangeSource(fx.blob());
    PrefetchEngine engine = engine(net, PrefetchSettings.defaults());
    engine.startEverything();
    assertThat(engine.awaitFinished(WAIT)).isTrue();
    assertThat(fx.index().chunksInBlobOrder()).allMatch(c -> cache.contains(c.chunkDigest()));
    assertThat(engine.status().prefetchedChunks()).isEqualTo(fx.index().chunksInBlobOrder().size());
  }

  @Test
  void demandReadsOfPrefetchedChunksAreCountedAsUsefulHits() throws Exception {
    List<EstargzChunk> wanted = fx.chunksOf("data/other.bin");
    PrefetchEngine engine = engine(new FakeRangeSource(fx.blob()), PrefetchSettings.defaults());
    engine.start(plan(wanted), "file:test");
    assertThat(engine.awaitFinished(WAIT)).isTrue();
    AtomicInteger fetches = new AtomicInteger();
    ChunkReader reader = demandReader(fetches);
    for (EstargzChunk c : wanted.subList(0, 4)) {
      reader.read(EstargzLayers.key(0, c));
    }
    reader.read(EstargzLayers.key(0, fx.chunksOf("small/a").get(0)));

    ReplayMetrics m = engine.metrics();
    assertThat(m.demandHits()).isEqualTo(4);
    assertThat(m.demandFetched()).isEqualTo(1);
    assertThat(m.hitRatio()).isEqualTo(0.8);
    assertThat(m.usefulPrefetchedBytes()).isEqualTo(4L * CHUNK);
    assertThat(m.precision()).isEqualTo(4.0 / wanted.size());
    assertThat(m.recall()).isEqualTo(0.8);
    assertThat(engine.status().usefulPrefetchedBytes()).isEqualTo(4L * CHUNK);
  }
}
