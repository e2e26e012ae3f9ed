package dev.tracefetch.builder.testing;

import com.github.luben.zstd.ZstdOutputStream;
import dev.tracefetch.oci.image.Descriptor;
import dev.tracefetch.oci.image.Digest;
import dev.tracefetch.oci.image.HistoryEntry;
import dev.tracefetch.oci.image.ImageConfig;
import dev.tracefetch.oci.image.ImageManifest;
import dev.tracefetch.oci.image.MediaTypes;
import dev.tracefetch.oci.image.Platform;
import dev.tracefetch.oci.image.RawManifest;
import dev.tracefetch.oci.layout.OciLayout;
import dev.tracefetch.oci.registry.BlobSource;
import dev.tracefetch.oci.registry.RegistryClient;
import dev.tracefetch.oci.testing.ExpectedTree;
import dev.tracefetch.oci.testing.TestEntry;
import dev.tracefetch.oci.testing.TestLayer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.zip.GZIPOutputStream;

/**
 * A test image whose layers each have their own compression (plain tar, gzip, zstd, or a gzip blob
 * split into several members / zstd frames), built from {@link TestLayer}s, written to an OCI
 * layout or pushed to a registry. The oci test-jar's TestImage uses one compression for all layers;
 * the converter must take any mix.
 */
public final class MixedImage {
  /** How one layer blob is encoded. */
  public enum Encoding {
    TAR(MediaTypes.OCI_LAYER_TAR),
    GZIP(MediaTypes.OCI_LAYER_GZIP),
    /** gzip in several members, as pigz or an eStargz writer produce. */
    GZIP_MEMBERS(MediaTypes.OCI_LAYER_GZIP),
    ZSTD(MediaTypes.OCI_LAYER_ZSTD),
    /** zstd in several frames. */
    ZSTD_FRAMES(MediaTypes.OCI_LAYER_ZSTD);

    final String mediaType;

    Encoding(String mediaType) {
      this.mediaType = mediaType;
    }
  }

  /** One layer: its entries, blob, descriptor and diff ID. */
  public record Layer(
      TestLayer source, Encoding encoding, byte[] blob, Descriptor descriptor, Digest diffId) {}

  private final List<Layer> layers;
  private final byte[] config;
  private final Descriptor configDescriptor;
  private final RawManifest manifest;

  private MixedImage(
      List<Layer> layers, byte[] config, Descriptor configDescriptor, RawManifest manifest) {
    this.layers = layers;
    this.config = config;
    this.configDescriptor = configDescriptor;
    this.manifest = manifest;
  }

  public static Builder builder() {
    return new Builder();
  }

  public List<Layer> layers() {
    return layers;
  }

  public byte[] config() {
    return config.clone();
  }

  public Descriptor configDescriptor() {
    return configDescriptor;
  }

  public RawManifest manifest() {
    return manifest;
  }

  public ExpectedTree expectedTree() {
    return ExpectedTree.of(layers.stream().map(Layer::source).toList());
  }

  /** Writes blobs, config and manifest into {@code layout} and tags it. */
  public Descriptor writeTo(OciLayout layout, String tag) throws IOException {
    for (Layer l : layers) {
      layout.writeBlob(l.descriptor().mediaType(), l.blob());
    }
    layout.writeBlob(configDescriptor.mediaType(), config);
    Descriptor m = layout.writeManifest(manifest);
    layout.tag(tag, m);
    return m;
  }

  /** Pushes blobs, config and manifest (under {@code tag}). */
  public Digest push(RegistryClient client, String repository, String tag) throws IOException {
    for (Layer l : layers) {
      client.pushBlob(repository, l.descriptor().digest(), BlobSource.of(l.blob()));
    }
    client.pushBlob(repository, configDescriptor.digest(), BlobSource.of(config));
    return client.pushManifest(repository, tag, manifest);
  }

  public static byte[] gzip(byte[] data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(data);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  public static byte[] zstd(byte[] data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (OutputStream z = new ZstdOutputStream(out, 3)) {
      z.write(data);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** {@code data} cut in three and each part compressed on its own, then concatenated. */
  static byte[] inParts(byte[] data, UnaryOperator<byte[]> compress) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int third = data.length / 3;
    int[] cuts = {0, third, 2 * third, data.length};
    for (int i = 0; i < 3; i++) {
      byte[] part = java.util.Arrays.copyOfRange(data, cuts[i], cuts[i + 1]);
      out.writeBytes(compress.apply(part));
    }
    return out.toByteArray();
  }

  public static byte[] encode(byte[] tar, Encoding encoding) {
    return switch (encoding) {
      case TAR -> tar.clone();
      case GZIP -> gzip(tar);
      case GZIP_MEMBERS -> inParts(tar, MixedImage::gzip);
      case ZSTD -> zstd(tar);
      case ZSTD_FRAMES -> inParts(tar, MixedImage::zstd);
    };
  }

  /** Configures a {@link MixedImage}. */
  public static final class Builder {
    private final List<TestLayer> sources = new ArrayList<>();
    private final List<Encoding> encodings = new ArrayList<>();
    private final List<Map<String, String>> annotations = new ArrayList<>();
    private boolean docker;
    private Map<String, String> manifestAnnotations = Map.of();

    private Builder() {}

    public Builder layer(TestLayer layer, Encoding encoding) {
      return layer(layer, encoding, Map.of());
    }

    public Builder layer(TestLayer layer, Encoding encoding, Map<String, String> layerAnnotations) {
      sources.add(layer);
      encodings.add(encoding);
      annotations.add(layerAnnotations);
      return this;
    }

    /** Docker v2 schema 2 media types (every layer must then be gzip). */
    public Builder docker() {
      this.docker = true;
      return this;
    }

    public Builder manifestAnnotations(Map<String, String> a) {
      this.manifestAnnotations = new LinkedHashMap<>(a);
      return this;
    }

    public MixedImage build() {
      ImageConfig cfg =
          ImageConfig.empty(Platform.linuxAmd64())
              .withEnv(List.of("PATH=/usr/bin:/bin", "MIXED=1"))
              .withCmd(List.of("/bin/sh", "-c", "echo hi"))
              .withLabel("org.example.test", "mixed");
      List<Layer> built = new ArrayList<>();
      for (int i = 0; i < sources.size(); i++) {
        byte[] tar = sources.get(i).tar();
        Encoding enc = encodings.get(i);
        if (docker && enc != Encoding.GZIP && enc != Encoding.GZIP_MEMBERS) {
          throw new IllegalStateException("Docker media types need gzip layers");
        }
        byte[] blob = encode(tar, enc);
        String type = docker ? MediaTypes.DOCKER_LAYER_GZIP : enc.mediaType;
        Descriptor d = Descriptor.ofContent(type, blob).withAnnotations(annotations.get(i));
        Digest diffId = Digest.of(tar);
        built.add(new Layer(sources.get(i), enc, blob, d, diffId));
        cfg =
            cfg.withAppendedLayer(
                    diffId,
                    HistoryEntry.forLayer(
                        TestEntry.DEFAULT_MTIME, "layer " + (i + 1) + " " + enc, null))
                .withAppendedHistory(
                    new HistoryEntry(Instant.EPOCH.toString(), "ENV STEP=" + i, null, null, true));
      }
      byte[] config = cfg.toJson();
      Descriptor cd =
          Descriptor.ofContent(docker ? MediaTypes.DOCKER_CONFIG : MediaTypes.OCI_CONFIG, config);
      ImageManifest m =
          new ImageManifest(
              docker ? MediaTypes.DOCKER_MANIFEST : MediaTypes.OCI_MANIFEST,
              cd,
              built.stream().map(Layer::descriptor).toList(),
              null,
              null,
              docker ? Map.of() : manifestAnnotations);
      return new MixedImage(List.copyOf(built), config, cd, m.toRaw());
    }
  }
}
