package dev.tracefetch.builder.testing;

import dev.tracefetch.api.files.TraceFiles;
import dev.tracefetch.api.v1.AccessEvent;
import dev.tracefetch.api.v1.ChunkRef;
import dev.tracefetch.api.v1.FileEntry;
import dev.tracefetch.api.v1.LayerDescriptor;
import dev.tracefetch.api.v1.Readiness;
import dev.tracefetch.api.v1.RecordingContext;
import dev.tracefetch.api.v1.Trace;
import dev.tracefetch.builder.convert.ConversionListener;
import dev.tracefetch.builder.convert.ImageConverter;
import dev.tracefetch.builder.plan.IndexedImage;
import dev.tracefetch.builder.transfer.ImageEndpoint;
import dev.tracefetch.builder.transfer.RegistryRepository;
import dev.tracefetch.layer.estargz.EstargzChunk;
import dev.tracefetch.layer.estargz.EstargzFile;
import dev.tracefetch.layer.estargz.EstargzIndex;
import dev.tracefetch.oci.image.Descriptor;
import dev.tracefetch.oci.image.Platform;
import dev.tracefetch.oci.registry.RegistryClient;
import dev.tracefetch.oci.testing.TestEntry;
import dev.tracefetch.oci.testing.TestImage;
import dev.tracefetch.oci.testing.TestLayer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * eStargz images of a small app in two releases (v2 changes one file of the app layer and adds
 * another; the base layer is the same blob) and traces of reading files from them, built from the
 * images' TOCs exactly as a recording on a lazy mount would produce them.
 */
public final class TracedImages {
  /** Chunk size of the test images: small, so the larger files span several chunks. */
  public static final int CHUNK = 16 << 10;

  private TracedImages() {}

  public static TestLayer base() {
    return TestLayer.builder()
        .add(TestEntry.file("bin/start", "#!/bin/sh\nexec app\n").withMode(0755))
        .largeFile("lib/libc.so", 5 * CHUNK + 100, 1)
        .largeFile("lib/libm.so", CHUNK / 2, 2)
        .file("etc/passwd", "root:x:0:0::/root:/bin/sh\n")
        .largeFile("usr/share/doc/unused.txt", 3 * CHUNK, 3)
        .build();
  }

  public static TestLayer app(int version) {
    TestLayer.Builder b =
        TestLayer.builder()
            .file("app/main.py", "import lib\nlib.run()\n")
            .largeFile("app/data.bin", 2 * CHUNK + 7, 4)
            .file("app/config.json", "{\"version\": " + version + "}\n")
            .file("app/README", "not read at start\n");
    if (version > 1) {
      b.file("app/new.txt", "added in v" + version + "\n");
    }
    return b.build();
  }

  /**
   * Pushes an image of {@code layers} to {@code raw/<repository>} and its eStargz conversion to
   * {@code repository}:{@code tag}, and returns the converted image with its TOCs.
   */
  public static IndexedImage push(
      RegistryClient client, String repository, String tag, TestLayer... layers)
      throws IOException {
    TestImage.Builder image = TestImage.builder();
    for (TestLayer l : layers) {
      image.layer(l);
    }
    image.build().push(client, "raw/" + repository, tag);
    RegistryRepository raw = new RegistryRepository(client, "raw/" + repository);
    RegistryRepository converted = new RegistryRepository(client, repository);
    ImageConverter.builder()
        .chunkSize(CHUNK)
        .platform(Platform.linuxAmd64())
        .build()
        .convert(
            new ImageEndpoint(raw, tag),
            new ImageEndpoint(converted, tag),
            ConversionListener.NONE);
    return IndexedImage.load(converted, tag, Platform.linuxAmd64());
  }

  /**
   * A trace of a start that opens and reads {@code paths} whole, in this order, 1 ms apart, each
   * from the uppermost layer holding it.
   */
  public static Trace reading(IndexedImage image, String app, String... paths) {
    Trace.Builder t =
        Trace.newBuilder()
            .setApp(app)
            .setImageReference(image.name())
            .setManifestDigest(image.digest().toString())
            .setContext(
                RecordingContext.newBuilder()
                    .setHost("test")
                    .setStartWallTimeUnixMicros(System.currentTimeMillis() * 1000)
                    .setDurationMicros(paths.length * 1000L + 1000)
                    .setRecorderVersion("test")
                    .setMode("build")
                    .setReadiness(
                        Readiness.newBuilder()
                            .setKind(Readiness.Kind.EXIT)
                            .setReached(true)
                            .setTimeToReadyMicros(paths.length * 1000L + 500)));
    for (Descriptor d : image.layers()) {
      t.addLayers(
          LayerDescriptor.newBuilder()
              .setDigest(d.digest().toString())
              .setMediaType(d.mediaType())
              .setSize(d.size())
              .putAllAnnotations(d.annotations()));
    }
    long time = 1000;
    for (String path : paths) {
      int layer = -1;
      EstargzFile file = null;
      for (int i = image.layers().size() - 1; i >= 0 && file == null; i--) {
        Optional<EstargzIndex> index = image.index(i);
        if (index.isPresent() && index.get().lookup(path).isPresent()) {
          layer = i;
          file = index.get().lookup(path).get();
        }
      }
      if (file == null) {
        throw new IllegalArgumentException(path + " is in no layer of " + image);
      }
      int fileIndex = t.getFilesCount();
      t.addFiles(
          FileEntry.newBuilder()
              .setPath("/" + file.path())
              .setLayerIndex(layer)
              .setSize(file.size())
              .setContentDigest(
                  file.entry().digest() == null ? "" : file.entry().digest().toString()));
      t.addEvents(
          AccessEvent.newBuilder()
              .setTimeOffsetMicros(time)
              .setKind(AccessEvent.Kind.OPEN)
              .setFileIndex(fileIndex));
      AccessEvent.Builder read =
          AccessEvent.newBuilder()
              .setTimeOffsetMicros(time + 10)
              .setKind(AccessEvent.Kind.READ)
              .setFileIndex(fileIndex)
              .setOffset(0)
              .setLength(file.size());
      for (EstargzChunk c : file.chunks()) {
        read.addChunks(chunkRef(layer, c));
      }
      t.addEvents(read);
      time += 1000;
    }
    return t.build();
  }

  public static ChunkRef chunkRef(int layer, EstargzChunk c) {
    return ChunkRef.newBuilder()
        .setLayerIndex(layer)
        .setCompressedOffset(c.compressedOffset())
        .setCompressedLength(c.compressedLength())
        .setChunkDigest(c.chunkDigest().toString())
        .build();
  }

  public static Path write(Trace trace, Path file) throws IOException {
    TraceFiles.write(trace, file);
    return file;
  }

  /** Every chunk of {@code path} in the uppermost layer holding it. */
  public static List<EstargzChunk> chunks(IndexedImage image, int layer, String path) {
    return image.index(layer).orElseThrow().lookup(path).orElseThrow().chunks();
  }
}
