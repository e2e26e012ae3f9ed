package dev.tracefetch.recorder.testing;

import dev.tracefetch.layer.estargz.EstargzResult;
import dev.tracefetch.layer.estargz.EstargzWriter;
import dev.tracefetch.oci.image.Descriptor;
import dev.tracefetch.oci.image.ImageManifest;
import dev.tracefetch.oci.image.MediaTypes;
import dev.tracefetch.oci.registry.BlobSource;
import dev.tracefetch.oci.registry.RegistryClient;
import dev.tracefetch.oci.testing.TestEntry;
import dev.tracefetch.oci.testing.TestImage;
import dev.tracefetch.oci.testing.TestLayer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Real images for recording tests: Debian's statically linked busybox plus a few small files and a
 * multi-chunk data file, pushed to the registry fixture with eStargz layers (as the builder would
 * produce them), so recordings fetch real chunks by range.
 */
public final class BusyboxImages {
  public static final Path BUSYBOX = Path.of("/bin/busybox");

  private BusyboxImages() {}

  /** The test image; {@code cmd} may be empty for an image without a command. */
  public static TestImage image(String... cmd) throws IOException {
    TestLayer base =
        TestLayer.builder()
            .directory("bin")
            .add(TestEntry.file("bin/busybox", Files.readAllBytes(BUSYBOX)).withMode(0755))
            .symlink("bin/sh", "busybox")
            .symlink("bin/cat", "busybox")
            .symlink("bin/head", "busybox")
            .symlink("bin/sleep", "busybox")
            .symlink("bin/echo", "busybox")
            .symlink("bin/nc", "busybox")
            .symlink("bin/httpd", "busybox")
            .directory("proc")
            .directory("dev")
            .directory("tmp")
            .directory("etc")
            .file(
                "etc/passwd", "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n")
            .build();
    TestLayer app =
        TestLayer.builder()
            .file("a", "A\n")
            .file("b", "B\n")
            .file("unread", "nobody opens me\n")
            .directory("www")
            .file("www/index.html", "hello\n")
            .largeFile("data/big.bin", 3 * CHUNK + 1234, 7)
            .build();
    TestImage.Builder b =
        TestImage.builder().layer(base).layer(app).env("GREETING=hi", "PATH=/bin");
    if (cmd.length > 0) {
      b.cmd(cmd);
    }
    return b.build();
  }

  /** Small chunks so that partial reads of the data file touch a few of many chunks. */
  public static final int CHUNK = 256 << 10;

  /** Pushes {@code image} with every layer converted to eStargz; returns the reference. */
  public static String push(RegistryClient client, String hostPort, String repo, TestImage image)
      throws IOException {
    EstargzWriter writer = EstargzWriter.builder().chunkSize(CHUNK).build();
    List<Descriptor> layers = new ArrayList<>();
    for (TestImage.Layer l : image.layers()) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      EstargzResult r = writer.convert(new ByteArrayInputStream(l.blob()), out);
      client.pushBlob(repo, r.blobDigest(), BlobSource.of(out.toByteArray()));
      layers.add(r.descriptor());
    }
    client.pushBlob(repo, image.configDescriptor().digest(), BlobSource.of(image.config()));
    ImageManifest m = ImageManifest.oci(image.configDescriptor(), layers);
    client.pushManifest(repo, "v1", MediaTypes.OCI_MANIFEST, m.toJson());
    return hostPort + "/" + repo + ":v1";
  }
}
