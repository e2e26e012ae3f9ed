package dev.tracefetch.oci.registry;

import java.util.concurrent.atomic.LongAdder;

/**
 * What a client has cost so far: HTTP requests made (including token requests, retries and redirect
 * hops) and body bytes moved. Tests use them to prove a read was served without the network, the
 * lazy filesystem to report how much it fetched. Thread-safe, monotonic.
 */
public final class RegistryCounters {
  private final LongAdder requests = new LongAdder();
  private final LongAdder retries = new LongAdder();
  private final LongAdder bytesDownloaded = new LongAdder();
  private final LongAdder bytesUploaded = new LongAdder();

  /** HTTP requests sent (every attempt and every redirect hop counts). */
  public long requests() {
    return requests.sum();
  }

  /** Attempts that were repeated after a retryable failure. */
  public long retries() {
    return retries.sum();
  }

  /** Response body bytes read (manifests, blobs, tokens, error bodies). */
  public long bytesDownloaded() {
    return bytesDownloaded.sum();
  }

  /** Request body bytes sent (blob uploads, manifests). */
  public long bytesUploaded() {
    return bytesUploaded.sum();
  }

  void countRequest() {
    requests.increment();
  }

  void countRetry() {
    retries.increment();
  }

  void countDownloaded(long n) {
    bytesDownloaded.add(n);
  }

  void countUploaded(long n) {
    bytesUploaded.add(n);
  }

  @Override
  public String toString() {
    return "RegistryCounters[requests="
        + requests()
        + ", retries="
        + retries()
        + ", downloaded="
        + bytesDownloaded()
        + ", uploaded="
        + bytesUploaded()
        + "]";
  }
}
