package dev.tracefetch.store.grpc;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * The gRPC listener, separate from the HTTP port so nodes can reach it through their own network
 * path.
 *
 * @param enabled false to run without gRPC
 * @param port TCP port; 0 picks a free one (tests)
 * @param address address to bind; all interfaces by default
 * @param maxMessageSize largest single gRPC message accepted (uploads are streamed in chunks)
 */
@ConfigurationProperties("tracestore.grpc")
public record GrpcProperties(
    @DefaultValue("true") boolean enabled,
    @DefaultValue("9090") int port,
    @DefaultValue("0.0.0.0") String address,
    @DefaultValue("4MB") DataSize maxMessageSize) {}
