import dev.tracefetch.layer.estargz.EstargzResult;
import dev.tracefetch.layer.estargz.EstargzWriter;
import dev.tracefetch.oci.image.Descriptor;
import dev.tracefetch.oci.image.ImageManifest;
import dev.tracefetch.oci.image.MediaTypes;
import dev.tracefetch.oci.registry.BlobSource;
import dev.tracefetch.oci.registry.RegistryClient;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Pushes the directory DIR as a one-layer eStargz image to REGISTRY/REPO:TAG, for the filesystem
 * component benchmark (bench/components/fs.sh). The layer is streamed from GNU tar through the
 * project's eStargz writer into a temporary file, so a multi-GiB tree never sits in memory.
 * Usage: java -cp ... FsBenchImage.java DIR REGISTRY REPO TAG
 */
public class FsBenchImage {
  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    String registry = args[1];
    String repo = args[2];
    String tag = args[3];
    Path blob = Files.createTempFile(dir.getParent(), ".fs-bench-layer", ".tar.gz");
    try (RegistryClient client = RegistryClient.builder(registry).build()) {
      Process tar =
          new ProcessBuilder(
                  "tar", "-C", dir.toString(), "--sort=name", "--numeric-owner", "-cf", "-", ".")
              .redirectError(ProcessBuilder.Redirect.INHERIT)
              .start();
      EstargzResult r;
      try (InputStream in = tar.getInputStream()) {
        r = EstargzWriter.defaults().convert(in, blob);
      }
      if (tar.waitFor() != 0) {
        throw new IllegalStateException("tar exited with " + tar.exitValue());
      }
      client.pushBlob(repo, r.blobDigest(), BlobSource.of(blob));
      String config =
          "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{},"
              + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\""
              + r.diffId()
              + "\"]}}";
      byte[] configBytes = config.getBytes(StandardCharsets.UTF_8);
      Descriptor configDesc = Descriptor.ofContent(MediaTypes.OCI_CONFIG, configBytes);
      client.pushBlob(repo, configDesc.digest(), BlobSource.of(configBytes));
      ImageManifest m = ImageManifest.oci(configDesc, List.of(r.descriptor()));
      client.pushManifest(repo, tag, MediaTypes.OCI_MANIFEST, m.toJson());
      System.err.printf(
          "pushed %s/%s:%s: eStargz layer %s, %d bytes%n",
          registry, repo, tag, r.blobDigest(), r.blobSize());
    } finally {
      Files.deleteIfExists(blob);
    }
  }
}
