package dev.tracefetch.store.trace;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.tracefetch.api.files.FileFormatException;
import dev.tracefetch.api.files.ReadLimits;
import dev.tracefetch.api.files.TraceFiles;
import dev.tracefetch.planner.ChunkDigestTable;
import dev.tracefetch.planner.ExtractedProfile;
import dev.tracefetch.store.auth.Caller;
import dev.tracefetch.store.auth.Scope;
import dev.tracefetch.store.catalog.Catalog;
import dev.tracefetch.store.catalog.CatalogRepository;
import dev.tracefetch.store.catalog.ImageRef;
import dev.tracefetch.store.digest.ChunkDigestRepository;
import dev.tracefetch.store.digest.ImageDigestTables;
import dev.tracefetch.store.error.InvalidInputException;
import dev.tracefetch.store.error.NotFoundException;
import dev.tracefetch.store.error.PermissionDeniedException;
import dev.tracefetch.store.error.TooLargeException;
import dev.tracefetch.store.error.UnauthenticatedException;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Accepts, finds and deletes traces; the one place both REST and gRPC go through.
 *
 * <p>An upload is parsed and validated before any database work, then stored in one transaction
 * (app row, image row, trace row, and the chunk digests the image did not have yet): a failure
 * leaves nothing behind, and a file that was uploaded before is answered with the existing id. The
 * trace's ranking profile is extracted here, once, without the chunk digests the image already has
 * ({@link ImageDigestTables}); ranking and plan merging happen after commit, driven by {@link
 * ImageTracesChanged}.
 */
@Service
public class TraceService {
  private static final Logger log = LoggerFactory.getLogger(TraceService.class);

  private final TraceRepository traces;
  private final CatalogRepository catalogRepository;
  private final ChunkDigestRepository digests;
  private final ImageDigestTables digestTables;
  private final Catalog catalog;
  private final UploadProperties limits;
  private final UploadMetrics metrics;
  private final ApplicationEventPublisher events;
  private final TransactionTemplate tx;
  private final Clock clock;

  public TraceService(
      TraceRepository traces,
      CatalogRepository catalogRepository,
      ChunkDigestRepository digests,
      ImageDigestTables digestTables,
      Catalog catalog,
      UploadProperties limits,
      UploadMetrics metrics,
      ApplicationEventPublisher events,
      TransactionTemplate tx,
      Clock clock) {
    this.traces = traces;
    this.catalogRepository = catalogRepository;
    this.digests = digests;
    this.digestTables = digestTables;
    this.catalog = catalog;
    this.limits = limits;
    this.metrics = metrics;
    this.events = events;
    this.tx = tx;
    this.clock = clock;
  }

  /** Maximum accepted trace file size in bytes, for transports that read the body. */
  public long maxUploadBytes() {
    return limits.maxBytes();
  }

  /**
   * Stores one trace file uploaded by {@code caller}.
   *
   * @throws InvalidInputException the file is not a readable, sensible trace (with the reason)
   * @throws TooLargeException the file is larger than {@code tracestore.upload.max-size}
   * @throws PermissionDeniedException the caller may not upload traces of the trace's app
   */
  public UploadOutcome upload(byte[] file, Caller caller) {
    long started = System.nanoTime();
    try {
      caller.require(Scope.UPLOAD);
    } catch (UnauthenticatedException e) {
      metrics.rejected(UploadMetrics.Rejection.UNAUTHENTICATED);
      throw e;
    } catch (PermissionDeniedException e) {
      metrics.rejected(UploadMetrics.Rejection.FORBIDDEN);
      throw e;
    }
    if (file.length > limits.maxBytes()) {
      metrics.rejected(UploadMetrics.Rejection.TOO_LARGE);
      throw new TooLargeException(limits.maxBytes());
    }
    ScannedTrace scanned = scan(file);
    TraceMetadata meta;
    Instant uploadedAt = clock.instant().truncatedTo(ChronoUnit.MICROS);
    UUID id = UUID.randomUUID();
    ExtractedProfile profile;
    try {
      try {
        meta = scanned.metadata(file);
      } catch (InvalidInputException e) {
        metrics.rejected(UploadMetrics.Rejection.INVALID);
        throw e;
      }
      try {
        caller.requireUploadFor(meta.app());
      } catch (PermissionDeniedException e) {
        metrics.rejected(UploadMetrics.Rejection.FORBIDDEN);
        throw e;
      }
      // Digests the image already has stay out of the profile; a new image keeps them all.
      ChunkDigestTable image =
          catalogRepository
              .findImageId(meta.app(), meta.manifestDigest())
              .map(digestTables::forUpload)
              .orElseGet(ChunkDigestTable::new);
      profile = profile(scanned, id, uploadedAt, image);
    } finally {
      scanned.release();
    }
    Stored stored = tx.execute(status -> store(id, meta, file, profile, uploadedAt));
    if (stored.digestRow() >= 0) {
      digestTables.committed(
          stored.imageId(), stored.digestRow(), profile.newKeys(), profile.newDigests());
    }
    UploadOutcome outcome = stored.outcome();
    metrics.accepted(outcome.duplicate(), file.length, System.nanoTime() - started);
    log.info(
        "trace {} id={} app={} image={} bytes={} events={} caller={}",
        outcome.duplicate() ? "duplicate" : "stored",
        outcome.id(),
        meta.app(),
        meta.manifestDigest(),
        file.length,
        meta.eventCount(),
        caller.name());
    return outcome;
  }

  /**
   * The ranking profile of the trace, extracted once here so that re-ranking never decodes trace
   * files; a trace whose chunk references contradict each other is refused.
   */
  private ExtractedProfile profile(
      ScannedTrace scanned, UUID id, Instant uploadedAt, ChunkDigestTable image) {
    try {
      return scanned.profile(
          id.toString(), ChronoUnit.MICROS.between(Instant.EPOCH, uploadedAt), image);
    } catch (InvalidInputException e) {
      metrics.rejected(UploadMetrics.Rejection.INVALID);
      throw e;
    }
  }

  /** What one upload transaction did; {@code digestRow} is -1 when it stored no digests. */
  private record Stored(UploadOutcome outcome, long imageId, long digestRow) {}

  private Stored store(
      UUID id, TraceMetadata meta, byte[] file, ExtractedProfile profile, Instant uploadedAt) {
    long imageId =
        catalogRepository
            .findImageId(meta.app(), meta.manifestDigest())
            .orElseGet(
                () ->
                    catalogRepository.ensureImage(
                        catalogRepository.ensureApp(meta.app()),
                        meta.manifestDigest(),
                        meta.imageReference()));
    if (traces.insertIfAbsent(id, imageId, meta, file, profile.profile(), uploadedAt)) {
      long digestRow =
          profile.newKeys().length == 0
              ? -1
              : digests.insert(imageId, profile.newKeys(), profile.newDigests());
      events.publishEvent(
          ImageTracesChanged.added(imageId, new StoredProfile(id, profile.profile())));
      return new Stored(
          new UploadOutcome(id, meta.contentDigest(), false, meta.app(), meta.manifestDigest()),
          imageId,
          digestRow);
    }
    UUID existing =
        traces
            .findIdByContentDigest(meta.contentDigest())
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "trace with content digest "
                            + meta.contentDigest()
                            + " conflicted on insert but cannot be found"));
    return new Stored(
        new UploadOutcome(existing, meta.contentDigest(), true, meta.app(), meta.manifestDigest()),
        imageId,
        -1);
  }

  /** Reads the envelope and scans the payload; no message tree is built. */
  private ScannedTrace scan(byte[] file) {
    try {
      byte[] payload =
          TraceFiles.readPayload(file, new ReadLimits(limits.maxPayloadSize().toBytes()));
      try {
        return ScannedTrace.scan(payload);
      } catch (InvalidProtocolBufferException e) {
        throw new FileFormatException("corrupt trace payload: " + e.getMessage(), e);
      }
    } catch (FileFormatException e) {
      metrics.rejected(UploadMetrics.Rejection.MALFORMED);
      throw new InvalidInputException("Unreadable trace file", e.getMessage(), e);
    } catch (IOException | RuntimeException e) {
      metrics.rejected(UploadMetrics.Rejection.MALFORMED);
      throw new InvalidInputException(
          "Unreadable trace file", "cannot read trace file: " + e.getMessage(), e);
    }
  }

  public TraceRecord find(String id) {
    return traces.find(parseId(id)).orElseThrow(() -> NotFoundException.trace(id));
  }

  public byte[] file(String id) {
    return traces.fileBytes(parseId(id)).orElseThrow(() -> NotFoundException.trace(id));
  }

  /** Traces of one image, best ranked first. */
  public List<TraceRecord> ranked(String app, String manifestDigest) {
    ImageRef image = catalog.image(app, manifestDigest);
    return traces.listRanked(image.id());
  }

  /** Deletes a trace; the plan of its image is recomputed without it. */
  public void delete(String id) {
    UUID uuid = parseId(id);
    Optional<Long> imageId =
        tx.execute(
            status -> {
              Optional<Long> deleted = traces.delete(uuid);
              deleted.ifPresent(image -> events.publishEvent(ImageTracesChanged.removed(image)));
              return deleted;
            });
    if (imageId.isEmpty()) {
      throw NotFoundException.trace(id);
    }
    log.info("trace deleted id={}", id);
  }

  private static UUID parseId(String id) {
    try {
      return UUID.fromString(id);
    } catch (IllegalArgumentException e) {
      throw NotFoundException.trace(id);
    }
  }
}
