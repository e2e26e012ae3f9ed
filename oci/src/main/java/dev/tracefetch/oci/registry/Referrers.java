package dev.tracefetch.oci.registry;

import dev.tracefetch.oci.image.Descriptor;
import dev.tracefetch.oci.image.Digest;
import dev.tracefetch.oci.image.ImageFormatException;
import dev.tracefetch.oci.image.ImageIndex;
import dev.tracefetch.oci.image.ImageManifest;
import dev.tracefetch.oci.image.ManifestOrIndex;
import dev.tracefetch.oci.image.MediaTypes;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Referrers of a manifest (image-spec 1.1 {@code subject}): listed through the referrers API where
 * the registry has one, else through the {@code sha256-<hex>} tag schema that the client maintains
 * itself when it pushes a manifest with a subject to a registry that does not process subjects
 * (Debian's registry 2.8). Trace artifacts find their image this way without a new image digest.
 */
final class Referrers {
  /** Read-modify-write rounds on the fallback tag before giving up on a concurrent writer. */
  private static final int UPDATE_ROUNDS = 3;

  private final RegistryCaller caller;

  Referrers(RegistryCaller caller) {
    this.caller = caller;
  }

  /** The {@code sha256-<hex>} tag that holds the fallback referrers index of {@code subject}. */
  static String fallbackTag(Digest subject) {
    return subject.algorithm() + "-" + subject.hex();
  }

  List<Descriptor> list(String repository, Digest subject, String artifactType) throws IOException {
    Optional<ReferrersPuller.Listing> listing =
        caller.call(new ReferrersPuller(repository, subject, artifactType));
    List<Descriptor> all;
    boolean filtered = false;
    if (listing.isPresent()) {
      all = parseIndex(listing.get().index(), repository, "referrers of " + subject).manifests();
      filtered = listing.get().filtered();
    } else {
      all = fallbackIndex(repository, subject).map(ImageIndex::manifests).orElse(List.of());
    }
    if (artifactType == null || filtered) {
      return all;
    }
    return all.stream().filter(d -> artifactType.equals(d.artifactType())).toList();
  }

  /**
   * After pushing {@code manifest} (digest {@code digest}), adds it to its subject's fallback
   * index, if it has a subject. Re-reads the tag after writing and repeats when a concurrent
   * writer's update replaced ours.
   */
  void afterPush(String repository, String mediaType, byte[] bytes, Digest digest)
      throws IOException {
    if (!MediaTypes.isManifest(mediaType) && !MediaTypes.isIndex(mediaType)) {
      return;
    }
    ManifestOrIndex parsed = ManifestOrIndex.parse(mediaType, bytes);
    Descriptor subject;
    String artifactType;
    java.util.Map<String, String> annotations;
    if (parsed instanceof ImageManifest m) {
      subject = m.subject();
      artifactType = m.artifactType() != null ? m.artifactType() : m.config().mediaType();
      annotations = m.annotations();
    } else {
      ImageIndex i = (ImageIndex) parsed;
      subject = i.subject();
      artifactType = i.artifactType();
      annotations = i.annotations();
    }
    if (subject == null) {
      return;
    }
    Descriptor entry =
        new Descriptor(mediaType, digest, bytes.length, annotations, artifactType, null);
    String tag = fallbackTag(subject.digest());
    for (int round = 1; round <= UPDATE_ROUNDS; round++) {
      ImageIndex current =
          fallbackIndex(repository, subject.digest()).orElse(ImageIndex.oci(List.of()));
      if (contains(current, digest)) {
        return;
      }
      List<Descriptor> manifests = new ArrayList<>(current.manifests());
      manifests.add(entry);
      byte[] updated = current.withManifests(manifests).toJson();
      caller.call(new ManifestPusher(repository, tag, MediaTypes.OCI_INDEX, updated));
      if (fallbackIndex(repository, subject.digest()).map(i -> contains(i, digest)).orElse(false)) {
        return;
      }
    }
    throw new RegistryProtocolException(
        RegistryFailure.of("update referrers tag", caller.address().name(), repository, tag),
        "the tag kept being overwritten by concurrent updates; " + digest + " is not listed");
  }

  private static boolean contains(ImageIndex index, Digest digest) {
    return index.manifests().stream().anyMatch(d -> d.digest().equals(digest));
  }

  private Optional<ImageIndex> fallbackIndex(String repository, Digest subject) throws IOException {
    String tag = fallbackTag(subject);
    ManifestPuller.Fetched fetched;
    try {
      fetched =
          caller.call(
              new ManifestPuller(
                  caller.address().name(), repository, tag, MediaTypes.MANIFEST_ACCEPT));
    } catch (ManifestUnknownException e) {
      return Optional.empty();
    }
    return Optional.of(parseIndex(fetched.bytes(), repository, "referrers tag " + tag));
  }

  private ImageIndex parseIndex(byte[] bytes, String repository, String what) throws IOException {
    try {
      ManifestOrIndex parsed = ManifestOrIndex.parse(null, bytes);
      if (parsed instanceof ImageIndex index) {
        return index;
      }
      throw new RegistryProtocolException(
          RegistryFailure.of("list referrers", caller.address().name(), repository, what),
          "is an image manifest, not an image index; refusing to use or overwrite it");
    } catch (ImageFormatException e) {
      throw new RegistryProtocolException(
          RegistryFailure.of("list referrers", caller.address().name(), repository, what),
          "not a valid image index: " + e.getMessage(),
          e);
    }
  }
}
