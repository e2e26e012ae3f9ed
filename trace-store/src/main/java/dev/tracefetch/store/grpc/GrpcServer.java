package dev.tracefetch.store.grpc;

import dev.tracefetch.store.auth.TokenService;
import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Runs the gRPC listener on its own port ({@code tracestore.grpc.port}) alongside the HTTP server,
 * with the standard health and reflection services.
 */
@Component
@ConditionalOnProperty(
    prefix = "tracestore.grpc",
    name = "enabled",
    havingValue = "true",
    matchIfMissing = true)
public class GrpcServer implements SmartLifecycle {
  private static final Logger log = LoggerFactory.getLogger(GrpcServer.class);

  private final GrpcProperties properties;
  private final TraceStoreGrpcService service;
  private final TokenService tokens;
  private final HealthStatusManager health = new HealthStatusManager();
  private volatile Server server;

  public GrpcServer(GrpcProperties properties, TraceStoreGrpcService service, TokenService tokens) {
    this.properties = properties;
    this.service = service;
    this.tokens = tokens;
  }

  /** The TraceStore service behind the authentication interceptor, for any transport. */
  public ServerServiceDefinition authenticatedService() {
    return ServerInterceptors.intercept(service, new GrpcAuthInterceptor(tokens));
  }

  @Override
  public synchronized void start() {
    if (server != null) {
      return;
    }
    InetSocketAddress address = new InetSocketAddress(properties.address(), properties.port());
    BindableService reflection = ProtoReflectionServiceV1.newInstance();
    try {
      server =
          NettyServerBuilder.forAddress(address)
              .addService(authenticatedService())
              .addService(health.getHealthService())
              .addService(reflection)
              .maxInboundMessageSize((int) properties.maxMessageSize().toBytes())
              .build()
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start gRPC server on " + address, e);
    }
    health.setStatus("", ServingStatus.SERVING);
    health.setStatus("tracefetch.v1.TraceStore", ServingStatus.SERVING);
    log.info("gRPC server listening address={} port={}", properties.address(), server.getPort());
  }

  /** The bound port (useful when configured as 0). */
  public int port() {
    Server running = server;
    if (running == null) {
      throw new IllegalStateException("gRPC server is not running");
    }
    return running.getPort();
  }

  @Override
  public synchronized void stop() {
    Server running = server;
    if (running == null) {
      return;
    }
    health.enterTerminalState();
    running.shutdown();
    try {
      if (!running.awaitTermination(10, TimeUnit.SECONDS)) {
        running.shutdownNow();
      }
    } catch (InterruptedException e) {
      running.shutdownNow();
      Thread.currentThread().interrupt();
    }
    server = null;
    log.info("gRPC server stopped");
  }

  @Override
  public boolean isRunning() {
    return server != null;
  }
}
