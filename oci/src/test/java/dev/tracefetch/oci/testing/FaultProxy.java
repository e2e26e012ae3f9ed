package dev.tracefetch.oci.testing;

import dev.tracefetch.oci.registry.RegistryClient;
import dev.tracefetch.oci.registry.RetryPolicy;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * A loopback HTTP proxy in front of a test registry that injects the faults a real network and a
 * struggling registry produce: error answers (5xx), rate limiting (429 with {@code Retry-After}), a
 * registry that accepts a request and never answers, a connection dropped before the answer and a
 * body cut in the middle. Tests point a {@link RegistryClient} at {@link #hostPort()} instead of
 * the registry, then {@link #inject} a fault and later {@link #heal()}:
 *
 * <pre>{@code
 * try (FaultProxy proxy = FaultProxy.start(REGISTRY.server())) {
 *   RegistryClient client = proxy.clientBuilder().build();
 *   proxy.inject(FaultProxy.Fault.status(503), FaultProxy.BLOB_REQUESTS);
 *   ...
 *   proxy.heal();
 * }
 * }</pre>
 *
 * <p>Every request gets its own upstream connection and the answer carries {@code Connection:
 * close}, so a fault decided per request applies to exactly that request (no pooled connection
 * escapes it). It serves pulls: request bodies are forwarded only when they have a {@code
 * Content-Length}; push through the registry itself.
 */
public final class FaultProxy implements Closeable {
  /** Requests for blobs (layers, configs, ranged chunk reads), not manifests or the ping. */
  public static final Predicate<String> BLOB_REQUESTS = line -> line.contains("/blobs/");

  /** Every request. */
  public static final Predicate<String> ALL_REQUESTS = line -> true;

  private static final int MAX_HEAD = 64 << 10;

  /** What the proxy does with a request it faults. */
  public record Fault(Kind kind, int status, Duration retryAfter, long cutAfterBytes) {
    /** The kinds of fault. */
    public enum Kind {
      /** Answer with an error status (and {@code Retry-After} if set) without asking upstream. */
      STATUS,
      /** Read the request, never answer, keep the connection open until the client gives up. */
      STALL,
      /** Close the connection right after reading the request. */
      DROP,
      /** Forward, but close the connection after this many body bytes of the answer. */
      CUT_BODY
    }

    public Fault {
      Objects.requireNonNull(kind, "kind");
    }

    /** An error answer, e.g. 500, 502, 503. */
    public static Fault status(int code) {
      return new Fault(Kind.STATUS, code, null, 0);
    }

    /** 429 Too Many Requests with {@code Retry-After: <seconds>}. */
    public static Fault tooManyRequests(Duration retryAfter) {
      return new Fault(Kind.STATUS, 429, Objects.requireNonNull(retryAfter, "retryAfter"), 0);
    }

    /** Accept the request, never answer. */
    public static Fault stall() {
      return new Fault(Kind.STALL, 0, null, 0);
    }

    /** Drop the connection without an answer. */
    public static Fault drop() {
      return new Fault(Kind.DROP, 0, null, 0);
    }

    /** Forward the answer's head and the first {@code bytes} of its body, then cut. */
    public static Fault cutBodyAfter(long bytes) {
      return new Fault(Kind.CUT_BODY, 0, null, bytes);
    }
  }

  private record Rule(Fault fault, Predicate<String> requests, AtomicInteger remaining) {
    /** True if this request is faulted (counting it against a limited rule). */
    boolean take(String requestLine) {
      if (!requests.test(requestLine)) {
        return false;
      }
      if (remaining == null) {
        return true;
      }
      return remaining.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0;
    }
  }

  private final String upstreamHost;
  private final int upstreamPort;
  private final ServerSocket server;
  private final ExecutorService handlers;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong faulted = new AtomicLong();
  private final RegistryServer registry;
  private volatile Rule rule;
  private volatile boolean closed;

  private FaultProxy(String upstreamHost, int upstreamPort, RegistryServer registry)
      throws IOException {
    this.upstreamHost = upstreamHost;
    this.upstreamPort = upstreamPort;
    this.registry = registry;
    this.server = new ServerSocket(0, 128, InetAddress.getLoopbackAddress());
    AtomicInteger n = new AtomicInteger();
    this.handlers =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "fault-proxy-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    handlers.execute(this::acceptLoop);
  }

  /** A proxy in front of {@code registry} (which may be stopped and restarted behind it). */
  public static FaultProxy start(RegistryServer registry) throws IOException {
    return new FaultProxy("127.0.0.1", registry.port(), registry);
  }

  /** A proxy in front of any HTTP server on {@code host:port}. */
  public static FaultProxy start(String host, int port) throws IOException {
    return new FaultProxy(host, port, null);
  }

  /** {@code 127.0.0.1:<port>} of the proxy: what clients should use instead of the upstream. */
  public String hostPort() {
    return "127.0.0.1:" + server.getLocalPort();
  }

  /**
   * A client builder for the proxy with the registry's credentials (if started for a {@link
   * RegistryServer}) and the same quick retries as {@link RegistryServer#clientBuilder()}.
   */
  public RegistryClient.Builder clientBuilder() {
    RegistryClient.Builder b =
        RegistryClient.builder(hostPort())
            .retryPolicy(
                new RetryPolicy(
                    3, Duration.ofMillis(20), Duration.ofMillis(200), Duration.ofSeconds(5)));
    if (registry != null) {
      registry.credentials().ifPresent(b::credentials);
    }
    return b;
  }

  /** Faults every request from now on, until {@link #heal()}. */
  public void inject(Fault fault) {
    inject(fault, ALL_REQUESTS);
  }

  /** Faults every request whose request line ({@code GET /v2/... HTTP/1.1}) matches. */
  public void inject(Fault fault, Predicate<String> which) {
    rule = new Rule(Objects.requireNonNull(fault, "fault"), which, null);
  }

  /** Faults the next {@code times} matching requests, then passes everything through again. */
  public void inject(Fault fault, Predicate<String> which, int times) {
    rule = new Rule(Objects.requireNonNull(fault, "fault"), which, new AtomicInteger(times));
  }

  /** Passes every request through from now on (stalled connections stay stalled). */
  public void heal() {
    rule = null;
  }

  /** Requests received so far. */
  public long requests() {
    return requests.get();
  }

  /** Requests faulted so far. */
  public long faulted() {
    return faulted.get();
  }

  /** Stops accepting and closes every connection, stalled ones included. */
  @Override
  public void close() {
    closed = true;
    closeQuietly(server);
    for (Socket s : open) {
      closeQuietly(s);
    }
    handlers.shutdownNow();
  }

  private void acceptLoop() {
    while (!closed) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException e) {
        return; // closed
      }
      open.add(client);
      try {
        handlers.execute(() -> handle(client));
      } catch (RuntimeException rejected) {
        open.remove(client);
        closeQuietly(client);
      }
    }
  }

  private void handle(Socket client) {
    try (client) {
      InputStream in = new BufferedInputStream(client.getInputStream());
      byte[] head = readHead(in);
      if (head == null) {
        return;
      }
      String headText = new String(head, StandardCharsets.ISO_8859_1);
      String requestLine = headText.substring(0, headText.indexOf("\r\n"));
      byte[] body = in.readNBytes((int) contentLength(headText));
      requests.incrementAndGet();
      Rule r = rule;
      Fault fault = r != null && r.take(requestLine) ? r.fault() : null;
      if (fault != null) {
        faulted.incrementAndGet();
      }
      OutputStream out = client.getOutputStream();
      if (fault == null) {
        forward(headText, body, out, Long.MAX_VALUE);
        return;
      }
      switch (fault.kind()) {
        case STATUS -> answer(out, fault);
        case STALL -> {
          // Hold the connection, answer nothing; ends when the client gives up or we close.
          while (in.read() >= 0) {
            // discard
          }
        }
        case DROP -> {
          // try-with-resources closes the socket
        }
        case CUT_BODY -> forward(headText, body, out, fault.cutAfterBytes());
      }
    } catch (IOException e) {
      // the client or upstream went away: nothing to do for a proxy
    } finally {
      open.remove(client);
    }
  }

  /** Sends the request upstream on a fresh connection; copies the answer, at most the limit. */
  private void forward(String head, byte[] body, OutputStream out, long bodyLimit)
      throws IOException {
    try (Socket up = new Socket(upstreamHost, upstreamPort)) {
      open.add(up);
      try {
        OutputStream upOut = up.getOutputStream();
        upOut.write(withConnectionClose(head).getBytes(StandardCharsets.ISO_8859_1));
        upOut.write(body);
        upOut.flush();
        InputStream upIn = new BufferedInputStream(up.getInputStream());
        byte[] answerHead = readHead(upIn);
        if (answerHead == null) {
          return;
        }
        out.write(
            withConnectionClose(new String(answerHead, StandardCharsets.ISO_8859_1))
                .getBytes(StandardCharsets.ISO_8859_1));
        byte[] buf = new byte[16 << 10];
        long left = bodyLimit;
        int n;
        while (left > 0 && (n = upIn.read(buf, 0, (int) Math.min(buf.length, left))) > 0) {
          out.write(buf, 0, n);
          left -= n;
        }
        out.flush();
      } finally {
        open.remove(up);
      }
    }
  }

  private static void answer(OutputStream out, Fault fault) throws IOException {
    byte[] body =
        ("{\"errors\":[{\"code\":\"UNAVAILABLE\",\"message\":\"injected fault "
                + fault.status()
                + "\"}]}")
            .getBytes(StandardCharsets.UTF_8);
    StringBuilder h =
        new StringBuilder()
            .append("HTTP/1.1 ")
            .append(fault.status())
            .append(" Injected Fault\r\n")
            .append("Content-Type: application/json\r\n")
            .append("Content-Length: ")
            .append(body.length)
            .append("\r\nConnection: close\r\n");
    if (fault.retryAfter() != null) {
      h.append("Retry-After: ").append(fault.retryAfter().toSeconds()).append("\r\n");
    }
    h.append("\r\n");
    out.write(h.toString().getBytes(StandardCharsets.ISO_8859_1));
    out.write(body);
    out.flush();
  }

  /** The head with any connection-management headers replaced by {@code Connection: close}. */
  private static String withConnectionClose(String head) {
    String[] lines = head.split("\r\n");
    StringBuilder b = new StringBuilder(lines[0]).append("\r\n");
    for (int i = 1; i < lines.length; i++) {
      String lower = lines[i].toLowerCase(Locale.ROOT);
      if (lines[i].isEmpty()
          || lower.startsWith("connection:")
          || lower.startsWith("keep-alive:")
          || lower.startsWith("proxy-connection:")) {
        continue;
      }
      b.append(lines[i]).append("\r\n");
    }
    return b.append("Connection: close\r\n\r\n").toString();
  }

  private static long contentLength(String head) {
    for (String line : head.split("\r\n")) {
      if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
        return Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
      }
    }
    return 0;
  }

  /** Bytes up to and including the blank line ending an HTTP head, or null at end of stream. */
  private static byte[] readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    byte[] end = {'\r', '\n', '\r', '\n'};
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        return null;
      }
      head.write(b);
      matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
      if (head.size() > MAX_HEAD) {
        throw new IOException("HTTP head longer than " + MAX_HEAD + " bytes");
      }
    }
    return head.toByteArray();
  }

  private static void closeQuietly(Closeable c) {
    try {
      c.close();
    } catch (IOException | RuntimeException e) {
      // closing anyway
    }
  }

  @Override
  public String toString() {
    return "FaultProxy[" + hostPort() + " -> " + upstreamHost + ":" + upstreamPort + "]";
  }
}
