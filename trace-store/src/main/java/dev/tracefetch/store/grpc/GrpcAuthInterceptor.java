package dev.tracefetch.store.grpc;

import dev.tracefetch.store.auth.Caller;
import dev.tracefetch.store.auth.TokenService;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.util.Optional;

/**
 * Resolves the caller from {@code authorization: Bearer <token>} metadata, exactly as REST does
 * from the header. A bad token ends the call with UNAUTHENTICATED before any service code runs;
 * scope checks happen per method.
 */
final class GrpcAuthInterceptor implements ServerInterceptor {
  static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private final TokenService tokens;

  GrpcAuthInterceptor(TokenService tokens) {
    this.tokens = tokens;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    Caller caller;
    try {
      caller = tokens.authenticate(Optional.ofNullable(headers.get(AUTHORIZATION)));
    } catch (RuntimeException e) {
      // StoreException: 401/403 equivalents; a database outage while looking up the token:
      // UNAVAILABLE; anything else INTERNAL, never an unclosed call.
      call.close(GrpcStatuses.of(e), new Metadata());
      return new ServerCall.Listener<>() {};
    }
    Context context = Context.current().withValue(CallerContext.CALLER, caller);
    return Contexts.interceptCall(context, call, headers, next);
  }
}
