package dev.tracefetch.store.support;

import com.google.protobuf.ByteString;
import dev.tracefetch.api.v1.TraceStoreGrpc;
import dev.tracefetch.api.v1.UploadChunk;
import dev.tracefetch.api.v1.UploadResult;
import io.grpc.Channel;
import io.grpc.Metadata;
import io.grpc.stub.AbstractStub;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;

/**
 * The client side of the streaming gRPC upload as the ITs drive it: a bearer token in the call's
 * metadata, the answer in a future, the file sent in chunks of a chosen size (so a test can stop
 * half-way, or send slowly).
 */
public final class GrpcUploads {
  private GrpcUploads() {}

  /** {@code authorization: Bearer TOKEN} call metadata. */
  public static Metadata bearer(String token) {
    Metadata metadata = new Metadata();
    metadata.put(
        Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
    return metadata;
  }

  /** {@code stub} sending {@code token}, or unchanged when the token is null. */
  public static <S extends AbstractStub<S>> S withToken(S stub, String token) {
    return token == null
        ? stub
        : stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(bearer(token)));
  }

  /**
   * Opens an upload call; {@code result} completes with the store's answer (null if the call ends
   * without one) or exceptionally with the call's status.
   */
  public static StreamObserver<UploadChunk> open(
      Channel channel, String token, CompletableFuture<UploadResult> result) {
    return withToken(TraceStoreGrpc.newStub(channel), token)
        .upload(
            new StreamObserver<>() {
              @Override
              public void onNext(UploadResult value) {
                result.complete(value);
              }

              @Override
              public void onError(Throwable t) {
                result.completeExceptionally(t);
              }

              @Override
              public void onCompleted() {
                result.complete(null);
              }
            });
  }

  /** Sends bytes {@code [from, to)} of {@code file} in chunks of {@code chunkSize}. */
  public static void send(
      StreamObserver<UploadChunk> requests, byte[] file, int from, int to, int chunkSize) {
    for (int offset = from; offset < to; offset += chunkSize) {
      requests.onNext(
          UploadChunk.newBuilder()
              .setData(ByteString.copyFrom(file, offset, Math.min(chunkSize, to - offset)))
              .build());
    }
  }
}
