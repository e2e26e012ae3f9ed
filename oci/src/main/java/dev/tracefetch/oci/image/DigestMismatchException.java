package dev.tracefetch.oci.image;

import java.io.IOException;

/**
 * Content did not hash to the digest it was fetched or stored under. Such bytes are never returned
 * to a caller: this exception is thrown instead.
 */
public final class DigestMismatchException extends IOException {
  private static final long serialVersionUID = 1L;

  private final Digest expected;
  private final Digest actual;

  public DigestMismatchException(String what, Digest expected, Digest actual) {
    super("digest mismatch for " + what + ": expected " + expected + ", got " + actual);
    this.expected = expected;
    this.actual = actual;
  }

  public Digest expected() {
    return expected;
  }

  public Digest actual() {
    return actual;
  }
}
