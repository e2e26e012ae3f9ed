package dev.tracefetch.store.insight;

import java.time.Instant;
import java.util.List;

/**
 * Two starts side by side: what both read, and what each read that the other did not. Chunks are
 * matched by layer blob digest, offset and length; files by path.
 *
 * @param similarity shared chunk bytes over the bytes of the chunks either start read (weighted
 *     Jaccard; 1.0 for identical reads, 1.0 too when neither read anything)
 * @param sameImage whether both were recorded on the same image manifest
 */
public record TraceComparison(
    Side left,
    Side right,
    long commonChunks,
    long commonBytes,
    int commonFiles,
    Difference onlyLeft,
    Difference onlyRight,
    double similarity,
    boolean sameImage) {

  /**
   * One of the two starts.
   *
   * @param chunks distinct chunks it read
   * @param bytes compressed bytes of those chunks
   * @param files files it touched
   */
  public record Side(
      String id,
      String app,
      String manifestDigest,
      String host,
      Instant uploadedAt,
      Double score,
      long eventCount,
      long chunks,
      long bytes,
      int files) {}

  /**
   * What one start read that the other did not.
   *
   * @param chunks chunks only this start read
   * @param bytes their compressed bytes
   * @param files how many files only this start touched
   * @param topFiles the largest of those files (at most {@link TraceComparisons#TOP_FILES})
   */
  public record Difference(long chunks, long bytes, int files, List<FileDifference> topFiles) {
    public Difference {
      topFiles = List.copyOf(topFiles);
    }
  }

  /**
   * A file only one start touched.
   *
   * @param bytes compressed bytes of the chunks read through it
   * @param firstAccessMicros when that start first touched it
   */
  public record FileDifference(String path, int layer, long bytes, long firstAccessMicros) {}
}
