package dev.tracefetch.replayer.mount;

import dev.tracefetch.layer.estargz.EstargzResult;
import dev.tracefetch.layer.estargz.EstargzWriter;
import dev.tracefetch.oci.image.Descriptor;
import dev.tracefetch.oci.image.ImageManifest;
import dev.tracefetch.oci.image.MediaTypes;
import dev.tracefetch.oci.registry.BlobSource;
import dev.tracefetch.oci.registry.RegistryClient;
import dev.tracefetch.oci.testing.TestImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Pushes test images with every layer converted to eStargz, for the replayer's tests. */
public final class EstargzImages {
  private EstargzImages() {}

  /** Pushes {@code image} as {@code repo:tag} with eStargz layers of {@code chunkSize} chunks. */
  public static ImageManifest push(
      RegistryClient client, String repo, String tag, TestImage image, int chunkSize)
      throws IOException {
    List<Descriptor> layers = new ArrayList<>();
    EstargzWriter writer = EstargzWriter.builder().chunkSize(chunkSize).build();
    for (TestImage.Layer l : image.layers()) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      EstargzResult r = writer.convert(new ByteArrayInputStream(l.blob()), out);
      client.pushBlob(repo, r.blobDigest(), BlobSource.of(out.toByteArray()));
      layers.add(r.descriptor());
    }
    client.pushBlob(repo, image.configDescriptor().digest(), BlobSource.of(image.config()));
    ImageManifest m = ImageManifest.oci(image.configDescriptor(), layers);
    client.pushManifest(repo, tag, MediaTypes.OCI_MANIFEST, m.toJson());
    return m;
  }
}
