package dev.tracefetch.recorder.testing;

import com.sun.net.httpserver.HttpServer;
import dev.tracefetch.recorder.upload.TraceSpool;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.IntSupplier;

/**
 * A small real HTTP server that behaves like the trace store's upload endpoint: 201 for new
 * content, 200 for content it already has (by digest), or a forced status. It counts what it
 * stored, so tests can check "delivered exactly once".
 */
public final class StoreStub implements AutoCloseable {
  public final List<String> stored = Collections.synchronizedList(new ArrayList<>());
  public final List<String> authorizations = Collections.synchronizedList(new ArrayList<>());
  private final Set<String> known = Collections.synchronizedSet(new HashSet<>());
  private final HttpServer server;
  public volatile IntSupplier forcedStatus = () -> 0;

  private StoreStub(HttpServer server) {
    this.server = server;
  }

  public static StoreStub start(int port) throws IOException {
    HttpServer s =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
    StoreStub stub = new StoreStub(s);
    s.createContext(
        "/api/v1/traces",
        ex -> {
          byte[] body = ex.getRequestBody().readAllBytes();
          stub.authorizations.add(ex.getRequestHeaders().getFirst("Authorization"));
          int forced = stub.forcedStatus.getAsInt();
          int code;
          String digest = TraceSpool.digestOf(body);
          if (!"POST".equals(ex.getRequestMethod())) {
            code = 405;
          } else if (forced != 0) {
            code = forced;
          } else if (stub.known.add(digest)) {
            stub.stored.add(digest);
            code = 201;
          } else {
            code = 200;
          }
          byte[] answer =
              ("{\"contentDigest\":\"" + digest + "\",\"duplicate\":" + (code == 200) + "}")
                  .getBytes(StandardCharsets.UTF_8);
          ex.getResponseHeaders().add("Content-Type", "application/json");
          ex.sendResponseHeaders(code, answer.length);
          ex.getResponseBody().write(answer);
          ex.close();
        });
    s.start();
    return stub;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  public URI url() {
    return URI.create("http://127.0.0.1:" + port());
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
