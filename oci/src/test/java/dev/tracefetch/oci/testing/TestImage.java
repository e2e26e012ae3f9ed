package dev.tracefetch.oci.testing;

import dev.tracefetch.oci.image.Descriptor;
import dev.tracefetch.oci.image.Digest;
import dev.tracefetch.oci.image.HistoryEntry;
import dev.tracefetch.oci.image.ImageConfig;
import dev.tracefetch.oci.image.ImageManifest;
import dev.tracefetch.oci.image.MediaTypes;
import dev.tracefetch.oci.image.Platform;
import dev.tracefetch.oci.image.RawManifest;
import dev.tracefetch.oci.registry.BlobSource;
import dev.tracefetch.oci.registry.RegistryClient;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A small but real image built in code: tar layers from {@link TestLayer}s (gzip-compressed or
 * not), a config whose {@code diff_ids} are the sha256 of the uncompressed tars, with history and
 * runtime defaults, and an OCI or Docker v2 schema 2 manifest. {@link #push} puts it into a
 * registry; {@link #expectedTree()} says what a container would see.
 *
 * <pre>{@code
 * TestImage image = TestImage.builder()
 *     .layer(TestLayer.builder().file("etc/motd", "hi\n").build())
 *     .cmd("/bin/sh")
 *     .build();
 * PushedImage pushed = image.push(client, "app", "v1");
 * }</pre>
 *
 * {@link TestImages#sample()} gives a ready-made image with every kind of entry.
 */
public final class TestImage {

  /** How layer blobs are compressed. */
  public enum Compression {
    GZIP,
    NONE
  }

  /**
   * One layer as pushed.
   *
   * @param descriptor the layer blob's descriptor (media type, digest, size)
   * @param blob the layer blob bytes (compressed as the media type says)
   * @param diffId sha256 of the uncompressed tar
   * @param source the entries the layer was built from
   */
  public record Layer(Descriptor descriptor, byte[] blob, Digest diffId, TestLayer source) {
    @Override
    public byte[] blob() {
      return blob.clone();
    }
  }

  private final List<Layer> layers;
  private final byte[] config;
  private final Descriptor configDescriptor;
  private final RawManifest manifest;
  private final ExpectedTree expectedTree;

  private TestImage(Builder b) {
    List<Layer> built = new ArrayList<>();
    boolean docker = b.docker;
    ImageConfig cfg = ImageConfig.empty(b.platform);
    if (!b.env.isEmpty()) {
      cfg = cfg.withEnv(b.env);
    }
    if (!b.entrypoint.isEmpty()) {
      cfg = cfg.withEntrypoint(b.entrypoint);
    }
    if (!b.cmd.isEmpty()) {
      cfg = cfg.withCmd(b.cmd);
    }
    if (b.workingDir != null) {
      cfg = cfg.withWorkingDir(b.workingDir);
    }
    if (b.user != null) {
      cfg = cfg.withUser(b.user);
    }
    int n = 0;
    for (TestLayer layer : b.layers) {
      byte[] tar = layer.tar();
      Digest diffId = Digest.of(tar);
      byte[] blob = b.compression == Compression.GZIP ? TestLayer.gzip(tar) : tar;
      String mediaType =
          docker
              ? MediaTypes.DOCKER_LAYER_GZIP
              : b.compression == Compression.GZIP
                  ? MediaTypes.OCI_LAYER_GZIP
                  : MediaTypes.OCI_LAYER_TAR;
      built.add(new Layer(Descriptor.ofContent(mediaType, blob), blob, diffId, layer));
      cfg =
          cfg.withAppendedLayer(
              diffId,
              HistoryEntry.forLayer(
                  b.created, "tracefetch test layer " + (++n), b.compression.name().toLowerCase()));
    }
    this.layers = List.copyOf(built);
    this.config = cfg.toJson();
    this.configDescriptor =
        Descriptor.ofContent(docker ? MediaTypes.DOCKER_CONFIG : MediaTypes.OCI_CONFIG, config);
    ImageManifest m =
        new ImageManifest(
            docker ? MediaTypes.DOCKER_MANIFEST : MediaTypes.OCI_MANIFEST,
            configDescriptor,
            layers.stream().map(Layer::descriptor).toList(),
            null,
            null,
            Map.of());
    this.manifest = m.toRaw();
    this.expectedTree = ExpectedTree.of(b.layers);
  }

  public static Builder builder() {
    return new Builder();
  }

  public List<Layer> layers() {
    return layers;
  }

  /** The config blob bytes. */
  public byte[] config() {
    return config.clone();
  }

  public Descriptor configDescriptor() {
    return configDescriptor;
  }

  /** The manifest, as the exact bytes that are pushed. */
  public RawManifest manifest() {
    return manifest;
  }

  /** The merged file tree of all layers. */
  public ExpectedTree expectedTree() {
    return expectedTree;
  }

  /** Pushes layers, config and manifest (under {@code tag}) to {@code repository}. */
  public PushedImage push(RegistryClient client, String repository, String tag) throws IOException {
    for (Layer layer : layers) {
      client.pushBlob(repository, layer.descriptor().digest(), BlobSource.of(layer.blob));
    }
    client.pushBlob(repository, configDescriptor.digest(), BlobSource.of(config));
    Digest digest = client.pushManifest(repository, tag, manifest);
    return new PushedImage(client.registry(), repository, tag, digest, this);
  }

  /** Configures a {@link TestImage}. */
  public static final class Builder {
    private final List<TestLayer> layers = new ArrayList<>();
    private Compression compression = Compression.GZIP;
    private boolean docker;
    private Platform platform = Platform.linuxAmd64();
    private List<String> env =
        List.of("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
    private List<String> entrypoint = List.of();
    private List<String> cmd = List.of();
    private String workingDir;
    private String user;
    private Instant created = TestEntry.DEFAULT_MTIME;

    private Builder() {}

    /** Adds a layer on top of the previous ones. */
    public Builder layer(TestLayer layer) {
      layers.add(Objects.requireNonNull(layer, "layer"));
      return this;
    }

    public Builder compression(Compression c) {
      this.compression = Objects.requireNonNull(c, "compression");
      return this;
    }

    /** Docker v2 schema 2 media types instead of OCI (layers are then always gzip). */
    public Builder dockerMediaTypes() {
      this.docker = true;
      this.compression = Compression.GZIP;
      return this;
    }

    public Builder platform(Platform p) {
      this.platform = Objects.requireNonNull(p, "platform");
      return this;
    }

    public Builder env(String... entries) {
      this.env = List.of(entries);
      return this;
    }

    public Builder entrypoint(String... args) {
      this.entrypoint = List.of(args);
      return this;
    }

    public Builder cmd(String... args) {
      this.cmd = List.of(args);
      return this;
    }

    public Builder workingDir(String dir) {
      this.workingDir = dir;
      return this;
    }

    public Builder user(String u) {
      this.user = u;
      return this;
    }

    public Builder created(Instant t) {
      this.created = Objects.requireNonNull(t, "created");
      return this;
    }

    public TestImage build() {
      if (docker && compression == Compression.NONE) {
        throw new IllegalStateException("Docker media types need gzip layers");
      }
      return new TestImage(this);
    }
  }
}
