package dev.tracefetch.replayer.discovery;

import com.sun.net.httpserver.HttpServer;
import dev.tracefetch.api.files.ReplayFiles;
import dev.tracefetch.api.v1.ReplayPlan;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The trace store's plan endpoint on a loopback port, serving replay files from memory: the real
 * store needs PostgreSQL and Spring and is another module, and this one endpoint is all the
 * replayer uses. Requires {@code Bearer <token>} when a token is set.
 */
public final class FakeTraceStore implements AutoCloseable {
  private final HttpServer server;
  private final Map<String, byte[]> plans = new ConcurrentHashMap<>();
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private volatile String token;

  public FakeTraceStore() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/api/v1/apps/",
        exchange -> {
          requests.add(exchange.getRequestURI().getPath());
          String auth = exchange.getRequestHeaders().getFirst("Authorization");
          byte[] body;
          int status;
          String type = "application/x-protobuf";
          if (token != null && !("Bearer " + token).equals(auth)) {
            status = 401;
            body = "{\"error\":\"unauthorized\"}".getBytes();
            type = "application/json";
          } else if (!"application/x-protobuf"
              .equals(exchange.getRequestHeaders().getFirst("Accept"))) {
            status = 406;
            body = new byte[0];
          } else {
            body = plans.get(exchange.getRequestURI().getPath());
            status = body == null ? 404 : 200;
            if (body == null) {
              body = "{\"error\":\"not found\"}".getBytes();
              type = "application/json";
            }
          }
          exchange.getResponseHeaders().set("Content-Type", type);
          exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    server.start();
  }

  public URI url() {
    return URI.create(
        "http://"
            + server.getAddress().getAddress().getHostAddress()
            + ":"
            + server.getAddress().getPort());
  }

  public void requireToken(String t) {
    token = t;
  }

  public void put(String app, String manifestDigest, ReplayPlan plan) {
    plans.put(
        "/api/v1/apps/" + app + "/images/" + manifestDigest + "/plan", ReplayFiles.toBytes(plan));
  }

  public List<String> requests() {
    return List.copyOf(requests);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
