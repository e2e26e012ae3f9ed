package dev.tracefetch.replayer.discovery;

import dev.tracefetch.api.files.ReplayArtifacts;
import dev.tracefetch.api.files.ReplayFiles;
import dev.tracefetch.oci.image.Descriptor;
import dev.tracefetch.oci.image.ImageManifest;
import dev.tracefetch.oci.image.ManifestOrIndex;
import dev.tracefetch.oci.registry.RegistryClient;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A replay artifact attached to the image (OCI 1.1 {@code subject}, {@link
 * ReplayArtifacts#ARTIFACT_TYPE}), found through the referrers API or the {@code sha256-<hex>} tag
 * fallback. With an app, only artifacts annotated with that app are considered; the newest (by
 * {@link ReplayArtifacts#CREATED_ANNOTATION}) wins, and if it cannot be read the next newest is
 * tried.
 */
final class ReferrerLookup implements PlanLookup {
  /** Artifacts tried before giving up, so a long list of broken ones costs bounded time. */
  static final int MAX_CANDIDATES = 3;

  private final RegistryClient client;

  ReferrerLookup(RegistryClient client) {
    this.client = client;
  }

  @Override
  public LookupResult find(MountedImage image, PlanQuery query) throws IOException {
    String repo = image.reference().repository();
    List<Descriptor> all =
        client.referrers(repo, image.manifestDigest(), ReplayArtifacts.ARTIFACT_TYPE);
    List<Descriptor> candidates = new ArrayList<>();
    for (Descriptor d : all) {
      if (query.app() == null
          || query.app().equals(d.annotations().get(ReplayArtifacts.APP_ANNOTATION))) {
        candidates.add(d);
      }
    }
    if (candidates.isEmpty()) {
      return LookupResult.absent(
          all.isEmpty()
              ? "no replay artifact refers to the image"
              : all.size() + " replay artifact(s), none for app '" + query.app() + "'");
    }
    candidates.sort(Comparator.comparing(ReferrerLookup::created).reversed());
    IOException first = null;
    for (Descriptor d : candidates.subList(0, Math.min(MAX_CANDIDATES, candidates.size()))) {
      try {
        return LookupResult.found(read(repo, d), "referrer:" + d.digest());
      } catch (IOException e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    throw first;
  }

  private dev.tracefetch.api.v1.ReplayPlan read(String repo, Descriptor artifact)
      throws IOException {
    String where = "replay artifact " + artifact.digest() + " in " + repo;
    ManifestOrIndex parsed = client.pullManifest(repo, artifact.digest().toString()).parse();
    if (!(parsed instanceof ImageManifest manifest)) {
      throw new IOException(where + " is an index, expected an artifact manifest");
    }
    Descriptor blob =
        manifest.layers().stream()
            .filter(l -> ReplayArtifacts.REPLAY_MEDIA_TYPE.equals(l.mediaType()))
            .findFirst()
            .orElseThrow(
                () ->
                    new IOException(
                        where + " has no layer of type " + ReplayArtifacts.REPLAY_MEDIA_TYPE));
    if (blob.size() > PlanDiscovery.MAX_PLAN_BYTES) {
      throw new IOException(
          where
              + ": replay blob is "
              + blob.size()
              + " bytes, more than the limit of "
              + PlanDiscovery.MAX_PLAN_BYTES);
    }
    byte[] bytes;
    try (InputStream in = client.fetchBlob(repo, blob)) {
      bytes = BoundedBlobs.readAtMost(in, PlanDiscovery.MAX_PLAN_BYTES, where);
    }
    try {
      return ReplayFiles.read(bytes, PlanDiscovery.READ_LIMITS);
    } catch (IOException e) {
      throw new IOException(where + ": " + e.getMessage(), e);
    }
  }

  private static Instant created(Descriptor d) {
    String value = d.annotations().get(ReplayArtifacts.CREATED_ANNOTATION);
    if (value == null) {
      return Instant.EPOCH;
    }
    try {
      return Instant.parse(value);
    } catch (DateTimeParseException e) {
      try {
        return java.time.OffsetDateTime.parse(value).toInstant();
      } catch (DateTimeParseException e2) {
        return Instant.EPOCH;
      }
    }
  }
}
