package dev.tracefetch.store.grpc;

import dev.tracefetch.store.auth.Caller;
import io.grpc.Context;

/** Carries the {@link Caller} resolved by {@link GrpcAuthInterceptor} to the service methods. */
final class CallerContext {
  static final Context.Key<Caller> CALLER = Context.key("tracestore-caller");

  private CallerContext() {}

  static Caller current() {
    Caller caller = CALLER.get();
    if (caller == null) {
      throw new IllegalStateException("no caller in the gRPC context; is the auth interceptor on?");
    }
    return caller;
  }
}
