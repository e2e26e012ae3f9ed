package dev.tracefetch.store.grpc;

import dev.tracefetch.store.error.DatabaseOutage;
import dev.tracefetch.store.error.StoreException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Maps service failures to gRPC statuses, with the same messages REST puts in problem details. */
final class GrpcStatuses {
  private static final Logger log = LoggerFactory.getLogger(GrpcStatuses.class);

  private GrpcStatuses() {}

  static Status of(Throwable failure) {
    if (failure instanceof StoreException e) {
      Status status =
          switch (e.kind()) {
            case INVALID_INPUT -> Status.INVALID_ARGUMENT;
            case NOT_FOUND -> Status.NOT_FOUND;
            case TOO_LARGE -> Status.RESOURCE_EXHAUSTED;
            case UNAUTHENTICATED -> Status.UNAUTHENTICATED;
            case PERMISSION_DENIED -> Status.PERMISSION_DENIED;
            case UPSTREAM_FAILED -> Status.UNAVAILABLE;
          };
      return status.withDescription(e.title() + ": " + e.getMessage());
    }
    if (DatabaseOutage.causedBy(failure)) {
      log.warn("gRPC call failed: database unavailable: {}", failure.toString());
      return Status.UNAVAILABLE.withDescription(
          "Database unavailable: the store's database is unavailable; try again later");
    }
    log.error("gRPC call failed", failure);
    return Status.INTERNAL.withDescription("the store failed to handle this call; see its log");
  }

  static StatusRuntimeException exception(Throwable failure) {
    return of(failure).asRuntimeException();
  }
}
