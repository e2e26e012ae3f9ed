package dev.tracefetch.replayer.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracefetch.api.files.ReplayArtifacts;
import dev.tracefetch.api.files.ReplayFiles;
import dev.tracefetch.api.v1.ReplayPlan;
import dev.tracefetch.oci.image.Descriptor;
import dev.tracefetch.oci.image.Digest;
import dev.tracefetch.oci.image.ImageManifest;
import dev.tracefetch.oci.image.ImageReference;
import dev.tracefetch.oci.image.MediaTypes;
import dev.tracefetch.oci.image.RawManifest;
import dev.tracefetch.oci.registry.BlobSource;
import dev.tracefetch.oci.registry.RegistryClient;
import dev.tracefetch.oci.testing.PushedImage;
import dev.tracefetch.oci.testing.RegistryExtension;
import dev.tracefetch.oci.testing.TestImage;
import dev.tracefetch.oci.testing.TestLayer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Plan discovery from each source against Debian's real registry (trace layer and referrer
 * artifacts pushed here with the {@link ReplayArtifacts} names the builder writes) and a loopback
 * fake of the trace store's plan endpoint.
 */
class PlanDiscoveryIT {
  @RegisterExtension static final RegistryExtension REGISTRY = RegistryExtension.anonymous();

  private static final byte[] EMPTY_CONFIG = "{}".getBytes(StandardCharsets.UTF_8);

  private static RegistryClient client;
  private static FakeTraceStore store;
  private static MountedImage plain;
  private static MountedImage traced;
  private static ReplayPlan layerPlan;

  @TempDir Path dir;

  @BeforeAll
  static void pushImages() throws Exception {
    client = REGISTRY.newClient();
    store = new FakeTraceStore();
    TestImage image =
        TestImage.builder()
            .layer(TestLayer.builder().file("bin/app", "#!/bin/sh\necho hi\n").build())
            .layer(TestLayer.builder().file("etc/app.conf", "port=80\n").build())
            .build();
    PushedImage pushed = image.push(client, "disc/app", "v1");
    plain = mounted(pushed.reference(), client.pullManifest("disc/app", "v1"));

    // The same image plus a trace top layer, as `trace-layer-builder build-layer` makes it: the
    // plan inside names the base image (it cannot name the digest of the image that holds it).
    layerPlan = TestPlans.planFor(plain, "web", 7);
    byte[] tar =
        TestLayer.builder()
            .file(ReplayArtifacts.TRACE_LAYER_PATH, ReplayFiles.toBytes(layerPlan), 0644)
            .build()
            .tar();
    Descriptor traceLayer =
        new Descriptor(
            MediaTypes.OCI_LAYER_TAR,
            Digest.of(tar),
            tar.length,
            Map.of(ReplayArtifacts.TRACE_LAYER_ANNOTATION, "true"),
            null,
            null);
    client.pushBlob("disc/app", traceLayer.digest(), BlobSource.of(tar));
    RawManifest tracedManifest = plain.manifest().withAppendedLayer(traceLayer).toRaw();
    client.pushManifest("disc/app", "traced", tracedManifest);
    traced = mounted(REGISTRY.hostPort() + "/disc/app:traced", tracedManifest);
  }

  @AfterAll
  static void close() {
    client.close();
    store.close();
  }

  private static MountedImage mounted(String reference, RawManifest raw) throws Exception {
    return MountedImage.of(ImageReference.parse(reference), raw);
  }

  private static Descriptor attach(MountedImage image, ReplayPlan plan, String app, String created)
      throws Exception {
    String repo = image.reference().repository();
    byte[] blob = ReplayFiles.toBytes(plan);
    Descriptor layer = Descriptor.ofContent(ReplayArtifacts.REPLAY_MEDIA_TYPE, blob);
    client.pushBlob(repo, layer.digest(), BlobSource.of(blob));
    Descriptor config = Descriptor.ofContent(MediaTypes.OCI_EMPTY, EMPTY_CONFIG);
    client.pushBlob(repo, config.digest(), BlobSource.of(EMPTY_CONFIG));
    Map<String, String> annotations = new LinkedHashMap<>();
    annotations.put(ReplayArtifacts.APP_ANNOTATION, app);
    annotations.put(ReplayArtifacts.CREATED_ANNOTATION, created);
    RawManifest artifact =
        new ImageManifest(
                MediaTypes.OCI_MANIFEST,
                config,
                List.of(layer),
                Descriptor.of(MediaTypes.OCI_MANIFEST, image.manifestDigest(), rawSize(image)),
                ReplayArtifacts.ARTIFACT_TYPE,
                annotations)
            .toRaw();
    client.pushManifest(repo, artifact.digest().toString(), artifact);
    return artifact.descriptor();
  }

  private static long rawSize(MountedImage image) throws Exception {
    return client
        .pullManifest(image.reference().repository(), image.manifestDigest().toString())
        .size();
  }

  private PlanDiscovery discovery() {
    return PlanDiscovery.standard(client, Duration.ofSeconds(5));
  }

  private static PlanQuery query(String order, Path file, String app) {
    return new PlanQuery(PlanSource.parseOrder(order), file, store.url(), app, null);
  }

  @Test
  void findsAReplayFile() throws Exception {
    Path file = dir.resolve("app.tfr");
    ReplayPlan plan = TestPlans.planFor(plain, "web", 1);
    ReplayFiles.write(plan, file);
    DiscoveryResult result = discovery().discover(plain, query("file", file, null));
    assertThat(result.plan()).isPresent();
    assertThat(result.plan().get().plan()).isEqualTo(plan);
    assertThat(result.plan().get().source()).isEqualTo("file:" + file.toAbsolutePath());
    assertThat(result.plan().get().plannedChunks()).isEqualTo(4);
  }

  @Test
  void findsThePlanInTheTraceLayer() {
    DiscoveryResult result = discovery().discover(traced, query("layer", null, null));
    assertThat(result.plan()).as(result.summary()).isPresent();
    // Bound to the traced image it was found in; everything else is the plan as built.
    assertThat(result.plan().get().plan())
        .isEqualTo(
            layerPlan.toBuilder().setManifestDigest(traced.manifestDigest().toString()).build());
    assertThat(result.plan().get().source())
        .isEqualTo("layer:" + traced.manifest().layers().get(2).digest());
    // The plain image has no trace layer: not an error, just nothing there.
    DiscoveryResult none = discovery().discover(plain, query("layer", null, null));
    assertThat(none.plan()).isEmpty();
    assertThat(none.notes()).containsExactly("layer: image has no trace layer");
  }

  @Test
  void findsTheNewestReferrerArtifactOfTheApp() throws Exception {
    MountedImage image = fresh("ref");
    ReplayPlan older = TestPlans.planFor(image, "web", 1);
    ReplayPlan newer = TestPlans.planFor(image, "web", 2);
    ReplayPlan other = TestPlans.planFor(image, "batch", 3);
    attach(image, older, "web", "2026-01-01T00:00:00Z");
    Descriptor newest = attach(image, newer, "web", "2026-02-01T00:00:00Z");
    Descriptor batch = attach(image, other, "batch", "2026-03-01T00:00:00Z");

    DiscoveryResult web = discovery().discover(image, query("referrer", null, "web"));
    assertThat(web.plan()).as(web.summary()).isPresent();
    assertThat(web.plan().get().plan()).isEqualTo(newer);
    assertThat(web.plan().get().source()).isEqualTo("referrer:" + newest.digest());

    // Without an app, the newest artifact of any app.
    DiscoveryResult any = discovery().discover(image, query("referrer", null, null));
    assertThat(any.plan().get().source()).isEqualTo("referrer:" + batch.digest());

    DiscoveryResult unknown = discovery().discover(image, query("referrer", null, "api"));
    assertThat(unknown.plan()).isEmpty();
    assertThat(unknown.notes().get(0)).contains("3 replay artifact(s), none for app 'api'");
  }

  @Test
  void findsTheStorePlanWithToken() throws Exception {
    MountedImage image = fresh("store");
    ReplayPlan plan = TestPlans.planFor(image, "web", 4);
    store.put("web", image.manifestDigest().toString(), plan);
    store.requireToken("t0ken");
    try {
      PlanQuery withToken =
          new PlanQuery(List.of(PlanSource.STORE), null, store.url(), "web", "t0ken");
      DiscoveryResult result = discovery().discover(image, withToken);
      assertThat(result.plan()).as(result.summary()).isPresent();
      assertThat(result.plan().get().plan()).isEqualTo(plan);
      assertThat(result.plan().get().source())
          .isEqualTo(
              "store:"
                  + store.url()
                  + "/api/v1/apps/web/images/"
                  + image.manifestDigest()
                  + "/plan?image_reference="
                  + java.net.URLEncoder.encode(
                      image.reference().withDigest(image.manifestDigest()).toString(),
                      java.nio.charset.StandardCharsets.UTF_8));

      DiscoveryResult noToken = discovery().discover(image, query("store", null, "web"));
      assertThat(noToken.plan()).isEmpty();
      assertThat(noToken.notes().get(0)).contains("HTTP 401").contains("--token");
    } finally {
      store.requireToken(null);
    }
    DiscoveryResult otherApp = discovery().discover(image, query("store", null, "api"));
    assertThat(otherApp.notes().get(0)).contains("trace store has no plan for app 'api'");
    DiscoveryResult noApp = discovery().discover(image, query("store", null, null));
    assertThat(noApp.notes()).containsExactly("store: no app name given for the trace store");
  }

  @Test
  void triesSourcesInTheGivenOrder() throws Exception {
    MountedImage image = fresh("order");
    Path file = dir.resolve("order.tfr");
    ReplayFiles.write(TestPlans.planFor(image, "web", 10), file);
    Descriptor artifact =
        attach(image, TestPlans.planFor(image, "web", 11), "web", "2026-01-01T00:00:00Z");
    store.put("web", image.manifestDigest().toString(), TestPlans.planFor(image, "web", 12));

    assertThat(source(image, "file,layer,referrer,store", file)).startsWith("file:");
    assertThat(source(image, "store,referrer,file", file)).startsWith("store:");
    assertThat(source(image, "referrer,store", file)).isEqualTo("referrer:" + artifact.digest());
    // Unconfigured or empty sources are passed over.
    assertThat(source(image, "file,layer,store", null)).startsWith("store:");
    DiscoveryResult result =
        discovery().discover(image, query("file,layer,referrer,store", null, "web"));
    assertThat(result.notes())
        .containsExactly(
            "file: no replay file given",
            "layer: image has no trace layer",
            "referrer: found referrer:" + artifact.digest());
  }

  @Test
  void refusesAPlanForAnotherImageAndFallsThrough() throws Exception {
    MountedImage image = fresh("wrong");
    Path file = dir.resolve("wrong.tfr");
    ReplayFiles.write(TestPlans.planFor(plain, "web", 1), file);
    store.put("web", image.manifestDigest().toString(), TestPlans.planFor(image, "web", 2));

    DiscoveryResult result = discovery().discover(image, query("file,store", file, "web"));
    assertThat(result.plan().get().source()).startsWith("store:");
    assertThat(result.notes().get(0))
        .startsWith("file: refused: file:" + file.toAbsolutePath())
        .contains("is a plan for image " + plain.manifestDigest())
        .contains("not for the mounted image")
        .contains(image.manifestDigest().toString());

    DiscoveryResult only = discovery().discover(image, query("file", file, "web"));
    assertThat(only.plan()).isEmpty();
    assertThat(only.summary()).startsWith("no replay plan found, plain lazy mount (file: refused");
  }

  @Test
  void withoutAnyPlanTheMountStaysLazy() throws Exception {
    MountedImage image = fresh("none");
    DiscoveryResult result =
        discovery()
            .discover(image, query("file,layer,referrer,store", dir.resolve("missing.tfr"), "web"));
    assertThat(result.plan()).isEmpty();
    assertThat(result.notes()).hasSize(4);
    assertThat(result.notes().get(0)).startsWith("file: failed:").contains("missing.tfr");
    assertThat(result.notes().get(2)).isEqualTo("referrer: no replay artifact refers to the image");
    assertThat(result.summary()).startsWith("no replay plan found, plain lazy mount");
  }

  @Test
  void aCorruptReplayFileIsAFailedSourceNotACrash() throws Exception {
    MountedImage image = fresh("corrupt");
    Path file = dir.resolve("corrupt.tfr");
    java.nio.file.Files.write(file, "not a replay file".getBytes(StandardCharsets.UTF_8));
    DiscoveryResult result = discovery().discover(image, query("file", file, null));
    assertThat(result.plan()).isEmpty();
    assertThat(result.notes().get(0)).startsWith("file: failed:").contains("corrupt.tfr");
  }

  private String source(MountedImage image, String order, Path file) {
    DiscoveryResult r = discovery().discover(image, query(order, file, "web"));
    assertThat(r.plan()).as(r.summary()).isPresent();
    return r.plan().get().source();
  }

  /** A new image (own repository) so that tests do not see each other's artifacts. */
  private static MountedImage fresh(String name) throws Exception {
    List<TestLayer> layers = new ArrayList<>();
    layers.add(TestLayer.builder().file("data/" + name, name).build());
    TestImage.Builder b = TestImage.builder();
    layers.forEach(b::layer);
    PushedImage pushed = b.build().push(client, "disc/" + name, "v1");
    return mounted(pushed.reference(), client.pullManifest("disc/" + name, "v1"));
  }
}
