package dev.tracefetch.store.grpc;

import dev.tracefetch.api.v1.AppSummary;
import dev.tracefetch.api.v1.GetReplayPlanRequest;
import dev.tracefetch.api.v1.ImageSummary;
import dev.tracefetch.api.v1.ListAppsRequest;
import dev.tracefetch.api.v1.ListAppsResponse;
import dev.tracefetch.api.v1.ListImagesRequest;
import dev.tracefetch.api.v1.ListImagesResponse;
import dev.tracefetch.api.v1.ListTracesRequest;
import dev.tracefetch.api.v1.ListTracesResponse;
import dev.tracefetch.api.v1.ReplayPlan;
import dev.tracefetch.api.v1.TraceStoreGrpc;
import dev.tracefetch.api.v1.TraceSummary;
import dev.tracefetch.api.v1.UploadChunk;
import dev.tracefetch.api.v1.UploadResult;
import dev.tracefetch.store.auth.Caller;
import dev.tracefetch.store.auth.Scope;
import dev.tracefetch.store.catalog.AppOverview;
import dev.tracefetch.store.catalog.Catalog;
import dev.tracefetch.store.catalog.ImageOverview;
import dev.tracefetch.store.error.NotFoundException;
import dev.tracefetch.store.error.TooLargeException;
import dev.tracefetch.store.plan.PlanMetrics;
import dev.tracefetch.store.plan.PlanService;
import dev.tracefetch.store.trace.TraceRecord;
import dev.tracefetch.store.trace.TraceService;
import dev.tracefetch.store.trace.UploadMetrics;
import dev.tracefetch.store.trace.UploadOutcome;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * The {@code tracefetch.v1.TraceStore} gRPC service: the same operations as REST on the same
 * service layer, so nodes that already speak gRPC need no HTTP client.
 */
@Component
public class TraceStoreGrpcService extends TraceStoreGrpc.TraceStoreImplBase {
  private final TraceService traces;
  private final Catalog catalog;
  private final PlanService plans;
  private final PlanMetrics planMetrics;
  private final UploadMetrics uploadMetrics;

  public TraceStoreGrpcService(
      TraceService traces,
      Catalog catalog,
      PlanService plans,
      PlanMetrics planMetrics,
      UploadMetrics uploadMetrics) {
    this.traces = traces;
    this.catalog = catalog;
    this.plans = plans;
    this.planMetrics = planMetrics;
    this.uploadMetrics = uploadMetrics;
  }

  @Override
  public StreamObserver<UploadChunk> upload(StreamObserver<UploadResult> responses) {
    Caller caller = CallerContext.current();
    try {
      caller.require(Scope.UPLOAD);
    } catch (RuntimeException e) {
      responses.onError(GrpcStatuses.exception(e));
      return new Discarding();
    }
    long max = traces.maxUploadBytes();
    return new StreamObserver<>() {
      private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
      private boolean finished;

      @Override
      public void onNext(UploadChunk chunk) {
        if (finished) {
          return;
        }
        if ((long) buffer.size() + chunk.getData().size() > max) {
          finished = true;
          uploadMetrics.rejected(UploadMetrics.Rejection.TOO_LARGE);
          responses.onError(GrpcStatuses.exception(new TooLargeException(max)));
          return;
        }
        try {
          chunk.getData().writeTo(buffer);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }

      @Override
      public void onError(Throwable t) {
        // The client cancelled or the stream broke: nothing is stored.
        finished = true;
      }

      @Override
      public void onCompleted() {
        if (finished) {
          return;
        }
        finished = true;
        try {
          UploadOutcome outcome = traces.upload(buffer.toByteArray(), caller);
          responses.onNext(
              UploadResult.newBuilder()
                  .setTraceId(outcome.id().toString())
                  .setDuplicate(outcome.duplicate())
                  .setContentDigest(outcome.contentDigest())
                  .build());
          responses.onCompleted();
        } catch (RuntimeException e) {
          responses.onError(GrpcStatuses.exception(e));
        }
      }
    };
  }

  @Override
  public void getReplayPlan(GetReplayPlanRequest request, StreamObserver<ReplayPlan> responses) {
    long started = System.nanoTime();
    String outcome = "error";
    try {
      CallerContext.current().require(Scope.READ);
      ReplayPlan plan =
          plans
              .current(
                  request.getApp(),
                  request.getManifestDigest(),
                  java.util.Optional.of(request.getImageReference()))
              .plan();
      outcome = "ok";
      responses.onNext(plan);
      responses.onCompleted();
    } catch (RuntimeException e) {
      if (e instanceof NotFoundException) {
        outcome = "not_found";
      }
      responses.onError(GrpcStatuses.exception(e));
    } finally {
      planMetrics.request("grpc", "protobuf", outcome, System.nanoTime() - started);
    }
  }

  @Override
  public void listApps(ListAppsRequest request, StreamObserver<ListAppsResponse> responses) {
    try {
      CallerContext.current().require(Scope.READ);
      ListAppsResponse.Builder response = ListAppsResponse.newBuilder();
      for (AppOverview app : catalog.apps()) {
        response.addApps(
            AppSummary.newBuilder()
                .setName(app.name())
                .setImageCount(app.imageCount())
                .setTraceCount(app.traceCount())
                .setLastUploadUnixMicros(micros(app.lastUploadAt())));
      }
      responses.onNext(response.build());
      responses.onCompleted();
    } catch (RuntimeException e) {
      responses.onError(GrpcStatuses.exception(e));
    }
  }

  @Override
  public void listImages(ListImagesRequest request, StreamObserver<ListImagesResponse> responses) {
    try {
      CallerContext.current().require(Scope.READ);
      ListImagesResponse.Builder response = ListImagesResponse.newBuilder();
      for (ImageOverview image : catalog.images(request.getApp())) {
        response.addImages(
            ImageSummary.newBuilder()
                .setManifestDigest(image.manifestDigest())
                .setImageReference(image.imageReference())
                .setTraceCount(image.traceCount())
                .setPlanVersion(image.planVersion().orElse(0L)));
      }
      responses.onNext(response.build());
      responses.onCompleted();
    } catch (RuntimeException e) {
      responses.onError(GrpcStatuses.exception(e));
    }
  }

  @Override
  public void listTraces(ListTracesRequest request, StreamObserver<ListTracesResponse> responses) {
    try {
      CallerContext.current().require(Scope.READ);
      ListTracesResponse.Builder response = ListTracesResponse.newBuilder();
      for (TraceRecord trace : traces.ranked(request.getApp(), request.getManifestDigest())) {
        TraceSummary.Builder summary =
            TraceSummary.newBuilder()
                .setTraceId(trace.id().toString())
                .setContentDigest(trace.metadata().contentDigest())
                .setUploadedUnixMicros(micros(Optional.of(trace.uploadedAt())))
                .setEventCount(trace.metadata().eventCount())
                .setReadinessReached(trace.metadata().readinessReached());
        trace.rating().ifPresent(r -> summary.setScore(r.score()).addAllReasons(r.reasons()));
        response.addTraces(summary);
      }
      responses.onNext(response.build());
      responses.onCompleted();
    } catch (RuntimeException e) {
      responses.onError(GrpcStatuses.exception(e));
    }
  }

  private static long micros(Optional<Instant> instant) {
    return instant.map(i -> ChronoUnit.MICROS.between(Instant.EPOCH, i)).orElse(0L);
  }

  /** Swallows the rest of a stream that was already answered with an error. */
  private static final class Discarding implements StreamObserver<UploadChunk> {
    @Override
    public void onNext(UploadChunk value) {}

    @Override
    public void onError(Throwable t) {}

    @Override
    public void onCompleted() {}
  }
}
