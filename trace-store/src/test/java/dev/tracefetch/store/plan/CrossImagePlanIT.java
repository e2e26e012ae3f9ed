package dev.tracefetch.store.plan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracefetch.api.files.ReadLimits;
import dev.tracefetch.api.files.ReplayFiles;
import dev.tracefetch.api.files.TraceFiles;
import dev.tracefetch.api.v1.AccessEvent;
import dev.tracefetch.api.v1.ChunkRef;
import dev.tracefetch.api.v1.FileEntry;
import dev.tracefetch.api.v1.LayerDescriptor;
import dev.tracefetch.api.v1.LayerPlan;
import dev.tracefetch.api.v1.PlannedRange;
import dev.tracefetch.api.v1.Readiness;
import dev.tracefetch.api.v1.RecordingContext;
import dev.tracefetch.api.v1.ReplayPlan;
import dev.tracefetch.api.v1.Trace;
import dev.tracefetch.layer.estargz.BlobRangeReader;
import dev.tracefetch.layer.estargz.EstargzChunk;
import dev.tracefetch.layer.estargz.EstargzFile;
import dev.tracefetch.layer.estargz.EstargzIndex;
import dev.tracefetch.layer.estargz.EstargzReader;
import dev.tracefetch.layer.estargz.EstargzResult;
import dev.tracefetch.layer.estargz.EstargzWriter;
import dev.tracefetch.oci.image.Descriptor;
import dev.tracefetch.oci.image.Digest;
import dev.tracefetch.oci.image.ImageManifest;
import dev.tracefetch.oci.image.MediaTypes;
import dev.tracefetch.oci.registry.BlobSource;
import dev.tracefetch.oci.registry.RegistryClient;
import dev.tracefetch.oci.testing.RegistryExtension;
import dev.tracefetch.oci.testing.TestImage;
import dev.tracefetch.oci.testing.TestLayer;
import dev.tracefetch.store.support.Http;
import dev.tracefetch.store.support.StoreIntegrationTest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Cross-image plans against a real registry: traces recorded on image v1 serve v2, whose app layer
 * changed one file. v1 and v2 are eStargz images in Debian's docker-registry; the store reads their
 * manifests and TOCs from it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CrossImagePlanIT extends StoreIntegrationTest {
  @RegisterExtension static final RegistryExtension REGISTRY = RegistryExtension.anonymous();

  private static final String APP = "shop";
  private static final String REPO = "shop/web";
  private static final int CHUNK = 64 * 1024;

  private Pushed v1;
  private Pushed v2;

  /** A pushed image and the eStargz index of each of its layers. */
  private record Pushed(String digest, List<Descriptor> layers, List<EstargzIndex> indexes) {
    String reference() {
      return REGISTRY.hostPort() + "/" + REPO + "@" + digest;
    }
  }

  @BeforeAll
  void pushImages() throws Exception {
    TestLayer base =
        TestLayer.builder()
            .largeFile("usr/lib/libbase.so", 5 * CHUNK + 100, 1)
            .file("etc/base.conf", "base\n")
            .build();
    TestLayer appV1 =
        TestLayer.builder()
            .largeFile("app/main.bin", 3 * CHUNK, 2)
            .largeFile("app/static.dat", 4 * CHUNK + 7, 3)
            .build();
    TestLayer appV2 =
        TestLayer.builder()
            .largeFile("app/main.bin", 3 * CHUNK, 4) // new release: changed content
            .largeFile("app/static.dat", 4 * CHUNK + 7, 3) // unchanged
            .build();
    try (RegistryClient client = REGISTRY.newClient()) {
      v1 = push(client, TestImage.builder().layer(base).layer(appV1).build(), "v1");
      v2 = push(client, TestImage.builder().layer(base).layer(appV2).build(), "v2");
    }
    assertThat(v1.layers().get(0).digest()).isEqualTo(v2.layers().get(0).digest());
    assertThat(v1.layers().get(1).digest()).isNotEqualTo(v2.layers().get(1).digest());
  }

  private static Pushed push(RegistryClient client, TestImage image, String tag) throws Exception {
    EstargzWriter writer = EstargzWriter.builder().chunkSize(CHUNK).build();
    List<Descriptor> layers = new ArrayList<>();
    List<EstargzIndex> indexes = new ArrayList<>();
    for (TestImage.Layer layer : image.layers()) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      EstargzResult result = writer.convert(new ByteArrayInputStream(layer.blob()), out);
      byte[] blob = out.toByteArray();
      client.pushBlob(REPO, result.blobDigest(), BlobSource.of(blob));
      layers.add(result.descriptor());
      indexes.add(
          EstargzReader.open(
              result.blobDigest().toString(), BlobRangeReader.ofBytes(blob), result.tocDigest()));
    }
    client.pushBlob(REPO, image.configDescriptor().digest(), BlobSource.of(image.config()));
    ImageManifest manifest = ImageManifest.oci(image.configDescriptor(), layers);
    Digest digest = client.pushManifest(REPO, tag, MediaTypes.OCI_MANIFEST, manifest.toJson());
    return new Pushed(digest.toString(), layers, indexes);
  }

  /** A start on v1 reading libbase.so, main.bin and static.dat, chunk by chunk. */
  private Trace traceOnV1(int seed) {
    Trace.Builder trace =
        Trace.newBuilder()
            .setApp(APP)
            .setImageReference(REGISTRY.hostPort() + "/" + REPO + ":v1")
            .setManifestDigest(v1.digest());
    for (Descriptor layer : v1.layers()) {
      trace.addLayers(
          LayerDescriptor.newBuilder()
              .setDigest(layer.digest().toString())
              .setMediaType(layer.mediaType())
              .setSize(layer.size()));
    }
    trace.setContext(
        RecordingContext.newBuilder()
            .setHost("node-" + seed)
            .setStartWallTimeUnixMicros(1_700_000_000_000_000L + seed)
            .setReadiness(
                Readiness.newBuilder()
                    .setKind(Readiness.Kind.TCP)
                    .setReached(true)
                    .setTimeToReadyMicros(900_000)));
    long time = seed;
    String[][] reads = {
      {"0", "usr/lib/libbase.so"}, {"1", "app/main.bin"}, {"1", "app/static.dat"}
    };
    for (String[] read : reads) {
      int layer = Integer.parseInt(read[0]);
      EstargzFile file = v1.indexes().get(layer).lookup(read[1]).orElseThrow();
      int fileIndex = trace.getFilesCount();
      trace.addFiles(
          FileEntry.newBuilder()
              .setPath("/" + file.path())
              .setLayerIndex(layer)
              .setSize(file.size())
              .setContentDigest(file.entry().digest().toString()));
      for (EstargzChunk chunk : file.chunks()) {
        time += 1_000;
        trace.addEvents(
            AccessEvent.newBuilder()
                .setTimeOffsetMicros(time)
                .setKind(AccessEvent.Kind.READ)
                .setFileIndex(fileIndex)
                .setOffset(chunk.chunkOffset())
                .setLength(chunk.chunkSize())
                .addChunks(
                    ChunkRef.newBuilder()
                        .setLayerIndex(layer)
                        .setCompressedOffset(chunk.compressedOffset())
                        .setCompressedLength(chunk.compressedLength())
                        .setChunkDigest(chunk.chunkDigest().toString())));
      }
    }
    return trace.build();
  }

  private ReplayPlan fetch(String digest, String reference, Http.Response[] response) {
    String path = "/api/v1/apps/" + APP + "/images/" + digest + "/plan";
    if (reference != null) {
      path +=
          "?image_reference="
              + java.net.URLEncoder.encode(reference, java.nio.charset.StandardCharsets.UTF_8);
    }
    Http.Response r = http().get(path, ADMIN_TOKEN, "application/x-protobuf");
    response[0] = r;
    if (r.status() != 200) {
      return null;
    }
    try {
      return ReplayFiles.read(r.body(), ReadLimits.defaults());
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }

  private static Set<String> ranges(LayerPlan layer) {
    return layer.getRangesList().stream()
        .map(r -> r.getCompressedOffset() + "+" + r.getCompressedLength())
        .collect(Collectors.toCollection(TreeSet::new));
  }

  private static boolean covered(LayerPlan layer, EstargzChunk chunk) {
    for (PlannedRange r : layer.getRangesList()) {
      if (r.getCompressedOffset() <= chunk.compressedOffset()
          && chunk.compressedOffset() + chunk.compressedLength()
              <= r.getCompressedOffset() + r.getCompressedLength()) {
        return true;
      }
    }
    return false;
  }

  /** Three starts recorded on v1 (uploading them again changes nothing). */
  private void uploadTracesOnV1() {
    for (int seed = 1; seed <= 3; seed++) {
      Http.Response r = http().upload(TraceFiles.toBytes(traceOnV1(seed)), ADMIN_TOKEN);
      assertThat(r.status()).as(r.text()).isIn(200, 201);
    }
    awaitPlans();
  }

  @Test
  void tracesOfV1ServeV2MappedOntoItsChunks() {
    uploadTracesOnV1();
    Http.Response[] response = new Http.Response[1];
    ReplayPlan own = fetch(v1.digest(), null, response);
    assertThat(own).as(response[0].text()).isNotNull();
    assertThat(own.getLayersCount()).isEqualTo(2);

    // Without a reference the store cannot know where v2 is: no plan.
    assertThat(fetch(v2.digest(), null, response)).isNull();
    assertThat(response[0].status()).isEqualTo(404);

    ReplayPlan mapped = fetch(v2.digest(), v2.reference(), response);
    assertThat(mapped).as(response[0].text()).isNotNull();
    assertThat(response[0].headers().firstValue("Tracefetch-Plan-Source")).hasValue(v1.digest());
    assertThat(mapped.getManifestDigest()).isEqualTo(v2.digest());
    assertThat(mapped.getApp()).isEqualTo(APP);
    assertThat(mapped.getProvenance().getSourceManifestDigest()).isEqualTo(v1.digest());
    assertThat(mapped.getProvenance().getTracesCount()).isEqualTo(3);
    // main.bin changed, so its bytes cannot be carried over: coverage is below 1, but the rest is.
    double coverage = mapped.getProvenance().getCoverage();
    assertThat(coverage).isLessThan(1.0).isGreaterThan(0.5);
    assertThat(response[0].headers().firstValue("Tracefetch-Plan-Coverage"))
        .hasValueSatisfying(v -> assertThat(Double.parseDouble(v)).isEqualTo(coverage, within()));

    LayerPlan baseV1 = layer(own, 0);
    LayerPlan baseV2 = layer(mapped, 0);
    assertThat(baseV2.getLayerDigest()).isEqualTo(v2.layers().get(0).digest().toString());
    assertThat(ranges(baseV2)).isEqualTo(ranges(baseV1)); // unchanged layer: exactly the same

    LayerPlan appV2 = layer(mapped, 1);
    assertThat(appV2.getLayerDigest()).isEqualTo(v2.layers().get(1).digest().toString());
    EstargzFile staticV2 = v2.indexes().get(1).lookup("app/static.dat").orElseThrow();
    EstargzFile staticV1 = v1.indexes().get(1).lookup("app/static.dat").orElseThrow();
    assertThat(staticV2.chunks().get(0).compressedOffset())
        .as("the unchanged file moved inside the changed layer")
        .isNotEqualTo(staticV1.chunks().get(0).compressedOffset());
    for (EstargzChunk chunk : staticV2.chunks()) {
      assertThat(covered(appV2, chunk)).as(chunk.describe()).isTrue();
    }
    EstargzFile mainV2 = v2.indexes().get(1).lookup("app/main.bin").orElseThrow();
    for (EstargzChunk chunk : mainV2.chunks()) {
      assertThat(covered(appV2, chunk)).as(chunk.describe()).isFalse();
    }

    // Served again from memory, same bytes and ETag.
    Http.Response first = response[0];
    fetch(v2.digest(), v2.reference(), response);
    assertThat(response[0].body()).isEqualTo(first.body());
    assertThat(response[0].headers().firstValue("ETag"))
        .isEqualTo(first.headers().firstValue("ETag"));
  }

  @Test
  void aReferenceNamingAnotherDigestIsRefused() {
    Http.Response[] response = new Http.Response[1];
    String wrong = REGISTRY.hostPort() + "/" + REPO + "@" + v1.digest();
    assertThat(fetch(v2.digest(), wrong, response)).isNull();
    assertThat(response[0].status()).isEqualTo(400);
    assertThat(response[0].text()).contains(v1.digest());
  }

  @Test
  void anImageMissingFromTheRegistryIsNotFound() {
    uploadTracesOnV1();
    Http.Response[] response = new Http.Response[1];
    String absent = "sha256:" + "c".repeat(64);
    assertThat(fetch(absent, REGISTRY.hostPort() + "/" + REPO + ":v9", response)).isNull();
    assertThat(response[0].status()).isEqualTo(404);
    assertThat(response[0].text()).contains("is not in " + REGISTRY.hostPort() + "/" + REPO);
  }

  private static org.assertj.core.data.Offset<Double> within() {
    return org.assertj.core.data.Offset.offset(1e-3);
  }

  private static LayerPlan layer(ReplayPlan plan, int index) {
    return plan.getLayersList().stream()
        .filter(l -> l.getLayerIndex() == index)
        .findFirst()
        .orElseThrow(() -> new AssertionError("plan has no layer " + index + ": " + plan));
  }
}
