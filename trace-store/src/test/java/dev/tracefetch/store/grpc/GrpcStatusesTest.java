package dev.tracefetch.store.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracefetch.store.error.InvalidInputException;
import dev.tracefetch.store.error.NotFoundException;
import dev.tracefetch.store.error.PermissionDeniedException;
import dev.tracefetch.store.error.TooLargeException;
import dev.tracefetch.store.error.UnauthenticatedException;
import io.grpc.Status;
import org.junit.jupiter.api.Test;

class GrpcStatusesTest {
  @Test
  void storeFailuresMapToTheirCodesWithTheMessage() {
    assertThat(GrpcStatuses.of(new InvalidInputException("Bad", "wrong magic")).getCode())
        .isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(GrpcStatuses.of(new InvalidInputException("Bad", "wrong magic")).getDescription())
        .contains("wrong magic");
    assertThat(GrpcStatuses.of(NotFoundException.app("web")).getCode())
        .isEqualTo(Status.Code.NOT_FOUND);
    assertThat(GrpcStatuses.of(new TooLargeException(10)).getCode())
        .isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(GrpcStatuses.of(new UnauthenticatedException("x")).getCode())
        .isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(GrpcStatuses.of(new PermissionDeniedException("x")).getCode())
        .isEqualTo(Status.Code.PERMISSION_DENIED);
  }

  @Test
  void anythingElseIsInternalWithoutDetails() {
    Status status = GrpcStatuses.of(new IllegalStateException("secret internals"));
    assertThat(status.getCode()).isEqualTo(Status.Code.INTERNAL);
    assertThat(status.getDescription()).doesNotContain("secret");
  }
}
