package dev.tracefetch.recorder.readiness;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Decides whether a {@link Readiness} condition has been reached: log lines are fed in as the
 * application writes them; TCP and HTTP conditions are polled. Process exit is judged by the
 * caller, which owns the process.
 */
public final class ReadinessProbe {
  private static final Duration POLL_TIMEOUT = Duration.ofMillis(500);

  private final Readiness readiness;
  private final AtomicBoolean logMatched = new AtomicBoolean();
  private final HttpClient http;

  public ReadinessProbe(Readiness readiness) {
    this.readiness = readiness;
    this.http =
        readiness instanceof Readiness.Http
            ? HttpClient.newBuilder()
                .connectTimeout(POLL_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build()
            : null;
  }

  public Readiness readiness() {
    return readiness;
  }

  /** Feeds one output line; true if it is the one that made the application ready. */
  public boolean onLine(String line) {
    if (readiness instanceof Readiness.Log log && log.pattern().matcher(line).find()) {
      return logMatched.compareAndSet(false, true);
    }
    return false;
  }

  /** True once the condition holds; for {@link Readiness.Exit} always false (judged by exit). */
  public boolean poll() throws InterruptedException {
    if (readiness instanceof Readiness.Log) {
      return logMatched.get();
    }
    if (readiness instanceof Readiness.Tcp tcp) {
      try (Socket s = new Socket()) {
        s.connect(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), tcp.port()),
            (int) POLL_TIMEOUT.toMillis());
        return true;
      } catch (IOException e) {
        return false;
      }
    }
    if (readiness instanceof Readiness.Http h) {
      try {
        HttpResponse<Void> r =
            http.send(
                HttpRequest.newBuilder(h.url()).timeout(POLL_TIMEOUT).GET().build(),
                HttpResponse.BodyHandlers.discarding());
        return r.statusCode() / 100 == 2;
      } catch (IOException e) {
        return false;
      }
    }
    return false;
  }
}
