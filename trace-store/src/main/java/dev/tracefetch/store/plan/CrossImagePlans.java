package dev.tracefetch.store.plan;

import dev.tracefetch.api.files.ReplayFiles;
import dev.tracefetch.api.v1.ReplayPlan;
import dev.tracefetch.oci.image.ImageFormatException;
import dev.tracefetch.oci.image.ImageReference;
import dev.tracefetch.oci.registry.ManifestUnknownException;
import dev.tracefetch.planner.ImageChunkTable;
import dev.tracefetch.planner.MappedPlan;
import dev.tracefetch.planner.PlanMapper;
import dev.tracefetch.planner.PlanMappingException;
import dev.tracefetch.store.catalog.ImageRef;
import dev.tracefetch.store.error.InvalidInputException;
import dev.tracefetch.store.error.NotFoundException;
import dev.tracefetch.store.error.UpstreamException;
import dev.tracefetch.store.registry.ImageChunkTables;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Plans for images that have no traces of their own yet: a new release of an app starts fast before
 * any start of it was recorded. The current plan of the app's newest other image that has one is
 * mapped onto the requested image with {@link PlanMapper} (layers that did not change map exactly;
 * files of changed layers by path and content digest), using both images' chunk tables read from
 * the registry the request names. The result says where it came from and how much of it could be
 * carried over ({@code Provenance.source_manifest_digest} and {@code coverage}).
 *
 * <p>Mapped plans are cached per (target image, source image, source plan version), so a new plan
 * version of the source image is carried over on the next request.
 */
@Component
class CrossImagePlans {
  private static final Logger log = LoggerFactory.getLogger(CrossImagePlans.class);
  private static final int CACHED_PLANS = 256;

  private record Key(String app, String target, long sourceImage, long sourceVersion) {}

  private final PlanRepository plans;
  private final ImageChunkTables tables;
  private final PlanMapper mapper;
  private final Map<Key, StoredPlan> cache =
      new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, StoredPlan> eldest) {
          return size() > CACHED_PLANS;
        }
      };

  CrossImagePlans(PlanRepository plans, ImageChunkTables tables, PlanProperties properties) {
    this.plans = plans;
    this.tables = tables;
    this.mapper = new PlanMapper(properties.rankingSettings());
  }

  /**
   * The plan of the app's newest other image, mapped onto image {@code targetDigest} that {@code
   * imageReference} says where to find.
   *
   * @param ownPlan how to get the current plan of an (app, image)
   * @throws InvalidInputException for a malformed reference or one naming another digest
   * @throws NotFoundException when the app has no plan on another image, or the registry does not
   *     hold the image
   * @throws UpstreamException when the registry fails or its images do not match the traces
   */
  StoredPlan plan(
      String app,
      String targetDigest,
      String imageReference,
      BiFunction<String, String, StoredPlan> ownPlan) {
    ImageReference reference = parse(imageReference, targetDigest);
    ImageRef source =
        plans
            .newestOtherImageWithPlan(app, targetDigest)
            .orElseThrow(
                () ->
                    new NotFoundException(
                        "No plan yet",
                        "app '"
                            + app
                            + "' has no traces on image "
                            + targetDigest
                            + " and no plan on another image to map onto it"));
    StoredPlan sourcePlan = ownPlan.apply(app, source.manifestDigest());
    Key key = new Key(app, targetDigest, source.id(), sourcePlan.version());
    synchronized (cache) {
      StoredPlan cached = cache.get(key);
      if (cached != null) {
        return cached;
      }
    }
    ImageChunkTable target = table(reference, targetDigest, "image");
    ImageChunkTable sourceTable = sourceTable(reference, source);
    MappedPlan mapped;
    try {
      mapped = mapper.map(sourcePlan.plan(), sourceTable, target);
    } catch (PlanMappingException e) {
      throw new UpstreamException(
          "Images do not match the traces",
          "cannot map the plan of image "
              + source.manifestDigest()
              + " onto "
              + targetDigest
              + ": "
              + e.getMessage(),
          e);
    }
    ReplayPlan plan = mapped.plan().toBuilder().setApp(app).build();
    StoredPlan stored =
        new StoredPlan(
            source.id(),
            sourcePlan.version(),
            sourcePlan.createdAt(),
            plan,
            ReplayFiles.toBytes(plan));
    synchronized (cache) {
      cache.put(key, stored);
    }
    log.info(
        "plan mapped app={} target={} source={} sourceVersion={} coverage={} exactLayers={}"
            + " remappedLayers={} chunks={}/{}",
        app,
        targetDigest,
        source.manifestDigest(),
        sourcePlan.version(),
        String.format(java.util.Locale.ROOT, "%.3f", plan.getProvenance().getCoverage()),
        mapped.report().exactLayers(),
        mapped.report().remappedLayers(),
        mapped.report().mappedChunks(),
        mapped.report().totalChunks());
    return stored;
  }

  private static ImageReference parse(String imageReference, String targetDigest) {
    ImageReference reference;
    try {
      reference = ImageReference.parse(imageReference);
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException("Invalid image reference", e.getMessage(), e);
    }
    if (reference.digest().isPresent()
        && !reference.digest().get().toString().equals(targetDigest)) {
      throw new InvalidInputException(
          "Invalid image reference",
          "image reference "
              + imageReference
              + " names digest "
              + reference.digest().get()
              + " but the plan is requested for "
              + targetDigest);
    }
    return reference;
  }

  /**
   * The source image's tables: looked up in the requested image's repository first (releases of an
   * app usually live side by side), then in the repository its traces were recorded from.
   */
  private ImageChunkTable sourceTable(ImageReference target, ImageRef source) {
    try {
      return tables.load(target.registry(), target.repository(), source.manifestDigest());
    } catch (ManifestUnknownException e) {
      Optional<ImageReference> recorded = recordedReference(source);
      if (recorded.isEmpty()) {
        throw notInRegistry(source.manifestDigest(), target, e);
      }
      return table(recorded.get(), source.manifestDigest(), "source image");
    } catch (IOException e) {
      throw registryFailed(source.manifestDigest(), target, e);
    }
  }

  private static Optional<ImageReference> recordedReference(ImageRef source) {
    try {
      return source.imageReference().isEmpty()
          ? Optional.empty()
          : Optional.of(ImageReference.parse(source.imageReference()));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private ImageChunkTable table(ImageReference where, String digest, String what) {
    try {
      return tables.load(where.registry(), where.repository(), digest);
    } catch (ManifestUnknownException e) {
      throw notInRegistry(digest, where, e);
    } catch (ImageFormatException e) {
      throw new InvalidInputException(
          "Unusable image", what + " " + digest + " in " + name(where) + ": " + e.getMessage(), e);
    } catch (IOException e) {
      throw registryFailed(digest, where, e);
    }
  }

  private static NotFoundException notInRegistry(
      String digest, ImageReference where, Exception cause) {
    return new NotFoundException(
        "Image not in registry",
        "image " + digest + " is not in " + name(where) + ": " + cause.getMessage());
  }

  private static UpstreamException registryFailed(
      String digest, ImageReference where, IOException e) {
    return new UpstreamException(
        "Registry failed",
        "cannot read image " + digest + " from " + name(where) + ": " + e.getMessage(),
        e);
  }

  private static String name(ImageReference where) {
    return where.registry() + "/" + where.repository();
  }
}
